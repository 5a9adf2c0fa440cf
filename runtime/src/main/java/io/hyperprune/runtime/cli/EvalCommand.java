package io.hyperprune.runtime.cli;

import static java.util.Objects.requireNonNull;

import com.google.inject.Inject;
import io.hyperprune.runtime.run.Json;
import io.hyperprune.runtime.wiring.ComponentRegistry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code hyperprune eval}: test accuracy of a trained run at chosen lambdas. */
@Command(
        name = "eval",
        mixinStandardHelpOptions = true,
        description =
                "Print the test accuracy of a trained run at each lambda (a hypernetwork serves any lambda in its range).")
final class EvalCommand implements Callable<Integer> {

    private final ComponentRegistry registry;
    private final Console console;

    @Mixin
    DataOptions data;

    @Option(names = "--run", required = true, description = "Run directory (from train or experiment).")
    Path run;

    @Option(names = "--lambda", split = ",", description = "Lambdas, e.g. 0.01,1,100 (default: the run's own).")
    List<Double> lambdas = new ArrayList<>();

    @Option(names = "--json", description = "JSON on stdout.")
    boolean json;

    @Inject
    EvalCommand(ComponentRegistry registry, Console console) {
        this.registry = requireNonNull(registry, "registry is null");
        this.console = requireNonNull(console, "console is null");
    }

    @Override
    public Integer call() {
        RunCommands.LoadedRun loaded = RunCommands.load(run, registry, data, console);
        List<Double> chosen = loaded.lambdas(lambdas);
        List<Double> accuracy = loaded.trainer().testAccuracy(chosen, Map.of());
        if (json) {
            List<Map<String, Object>> rows = new ArrayList<>();
            for (int i = 0; i < chosen.size(); i++) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("lambda", chosen.get(i));
                row.put("testAccuracy", accuracy.get(i));
                rows.add(row);
            }
            console.out()
                    .print(Json.write(Map.of(
                            "run",
                            run.toString(),
                            "model",
                            loaded.resolved().config().modelName(),
                            "results",
                            rows)));
        } else {
            console.out().printf("%-10s %s%n", "lambda", "test accuracy");
            for (int i = 0; i < chosen.size(); i++) {
                console.out()
                        .printf(Locale.ROOT, "%-10s %.4f%n", ConsoleProgress.format(chosen.get(i)), accuracy.get(i));
            }
        }
        return 0;
    }
}
