package io.hyperprune.runtime.cli;

import static java.util.Objects.requireNonNull;

import com.google.inject.Inject;
import io.hyperprune.runtime.run.Json;
import io.hyperprune.runtime.run.OutputDirectory;
import io.hyperprune.runtime.run.RunConfig;
import io.hyperprune.runtime.run.RunResolver;
import io.hyperprune.runtime.run.RunResult;
import io.hyperprune.runtime.run.RunSpec;
import io.hyperprune.runtime.run.TrainingRun;
import io.hyperprune.runtime.wiring.ComponentRegistry;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code hyperprune train}: one run into a run directory. */
@Command(
        name = "train",
        mixinStandardHelpOptions = true,
        description =
                "Train one model (a plain model at one lambda, or a hypernetwork serving a lambda range) into a run directory.")
final class TrainCommand implements Callable<Integer> {

    private final ComponentRegistry registry;
    private final Console console;

    @Mixin
    DataOptions data;

    @Mixin
    RunOptions run;

    @Option(names = "--out", required = true, description = "Run directory to create (or continue with --resume).")
    Path out;

    @Option(names = "--resume", description = "Continue an interrupted run from its last finished epoch.")
    boolean resume;

    @Option(
            names = "--eval-every",
            defaultValue = "1",
            description =
                    "Evaluate (test and training accuracy, loss) after every"
                            + " N-th epoch and the last; 0: after the last only (default: ${DEFAULT-VALUE}). Training is the same.")
    int evalEvery;

    @Option(
            names = "--checkpoint-every",
            defaultValue = "60",
            paramLabel = "SECONDS",
            description =
                    "Save the model with its Adam state (for --resume) after an epoch that ends at least this"
                            + " many seconds after the last save, and after the last epoch; 0: after every epoch (default: ${DEFAULT-VALUE}).")
    int checkpointEvery;

    @Option(names = "--json", description = "Print the result as JSON on stdout (and nothing else).")
    boolean json;

    @Inject
    TrainCommand(ComponentRegistry registry, Console console) {
        this.registry = requireNonNull(registry, "registry is null");
        this.console = requireNonNull(console, "console is null");
    }

    @Override
    public Integer call() {
        TrainingRun.Schedule schedule =
                TrainingRun.Schedule.of(evalEvery, checkpointEvery); // checked before the data is loaded
        OutputDirectory.check(out, "--out");
        RunSpec spec = run.spec();
        RunResolver.Resolved resolved = new RunResolver(registry, data::request).resolve(spec);
        RunResult result = new TrainingRun(
                        resolved.config(), resolved.evidence(), resolved.hypernetwork(), resolved.data(), out, schedule)
                .run(
                        resume,
                        new ConsoleProgress(
                                console.err(),
                                console.interactive(),
                                resolved.config().modelName()))
                .result();
        if (json) {
            console.out().print(Json.write(result));
        } else {
            printSummary(resolved.config(), result);
        }
        return result.completed() ? 0 : 1;
    }

    private void printSummary(RunConfig config, RunResult result) {
        var out = console.out();
        out.printf(
                Locale.ROOT,
                "%s on %s: %s after %d epochs (%.1f s training, %.2f s/epoch), %d parameters%n",
                config.modelName(),
                config.dataset(),
                result.status(),
                result.epochs(),
                result.trainingSeconds(),
                result.secondsPerEpoch(),
                result.parameters());
        if (!result.message().isEmpty()) {
            out.println(result.message());
        }
        List<Double> lambdas = result.lambdas();
        for (int i = 0; i < result.testAccuracy().size(); i++) {
            out.printf(
                    Locale.ROOT,
                    "  lambda %-8s test accuracy %.4f%n",
                    ConsoleProgress.format(lambdas.get(i)),
                    result.testAccuracy().get(i));
        }
        out.println("run directory: " + out());
    }

    private Path out() {
        return out;
    }
}
