package io.hyperprune.runtime.cli;

import static java.util.Objects.requireNonNull;

import com.google.inject.Inject;
import io.hyperprune.api.ComponentOptions;
import io.hyperprune.api.InputException;
import io.hyperprune.api.ParameterSpec;
import io.hyperprune.api.PosteriorView;
import io.hyperprune.api.PruningCriterion;
import io.hyperprune.api.PruningMasks;
import io.hyperprune.runtime.pruning.PrunedModel;
import io.hyperprune.runtime.pruning.PruningSweep;
import io.hyperprune.runtime.run.AtomicFiles;
import io.hyperprune.runtime.run.Json;
import io.hyperprune.runtime.run.OutputDirectory;
import io.hyperprune.runtime.wiring.ComponentRegistry;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code hyperprune generate}: a standalone model for one lambda, optionally pruned. */
@Command(
        name = "generate",
        mixinStandardHelpOptions = true,
        description =
                "Write a standalone SameDiff model (input 'input', output 'probabilities') for one lambda of a trained run,"
                        + " optionally pruned; it loads with plain ND4J, without hyperprune.")
final class GenerateCommand implements Callable<Integer> {

    private final ComponentRegistry registry;
    private final Console console;

    @Mixin
    DataOptions data;

    @Option(names = "--run", required = true, description = "Run directory.")
    Path run;

    @Option(names = "--lambda", description = "Lambda (default: the run's first lambda).")
    Double lambda;

    @Option(
            names = "--prune",
            defaultValue = "0",
            description = "Share of weights to delete, in [0, 1) (default: ${DEFAULT-VALUE}).")
    double prune;

    @Option(
            names = "--criterion",
            defaultValue = "relative-density",
            description = "Pruning criterion id (default: ${DEFAULT-VALUE}).")
    String criterion;

    @Option(names = "--scope", defaultValue = "layer", description = "layer or global (default: ${DEFAULT-VALUE}).")
    String scope;

    @Option(names = "--out", required = true, description = "Model file to write, e.g. model.fb.")
    Path out;

    @Option(names = "--json", description = "JSON on stdout.")
    boolean json;

    @Inject
    GenerateCommand(ComponentRegistry registry, Console console) {
        this.registry = requireNonNull(registry, "registry is null");
        this.console = requireNonNull(console, "console is null");
    }

    @Override
    public Integer call() {
        if (!(prune >= 0 && prune < 1)) {
            throw new InputException("--prune must be in [0, 1), got " + prune);
        }
        OutputDirectory.checkFile(out, "--out");
        RunCommands.LoadedRun loaded = RunCommands.load(run, registry, data, console);
        double chosen =
                loaded.lambdas(lambda == null ? List.of() : List.of(lambda)).get(0);
        PruningSweep sweep = new PruningSweep(
                loaded.trainer(),
                loaded.resolved().evidence(),
                loaded.evidenceOptions(),
                loaded.resolved().config().seed());
        Map<ParameterSpec, PosteriorView> weights = sweep.weights(chosen);
        Map<String, INDArray> masks = new LinkedHashMap<>();
        if (prune > 0) {
            PruningCriterion selected = registry.select(PruningCriterion.class, criterion);
            List<INDArray> keep = PruningMasks.keepMasks(
                    sweep.scores(weights, selected, ComponentOptions.none(selected.id())),
                    prune,
                    PruneCommand.parseScope(scope));
            int i = 0;
            for (ParameterSpec parameter : weights.keySet()) {
                masks.put(parameter.name(), keep.get(i++));
            }
        }
        PrunedModel pruned =
                PrunedModel.of(loaded.trainer(), loaded.resolved().evidence(), loaded.evidenceOptions(), chosen, masks);
        SameDiff model = pruned.graph();
        long nonZero = pruned.nonZero();
        AtomicFiles.writeWith(out, temp -> model.save(temp.toFile(), false));
        double accuracy = pruned.accuracy(loaded.resolved().data().test());
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("model", out.toString());
        report.put("lambda", chosen);
        report.put("deletedFraction", prune);
        report.put("testAccuracy", accuracy);
        report.put("parameters", loaded.trainer().graph().model().parameterCount());
        report.put("nonZeroParameters", nonZero);
        if (json) {
            console.out().print(Json.write(report));
        } else {
            console.out()
                    .printf(
                            Locale.ROOT,
                            "wrote %s: lambda %s, %.0f%% of weights deleted, test accuracy %.4f, %d of %d parameters non-zero%n",
                            out,
                            ConsoleProgress.format(chosen),
                            prune * 100,
                            accuracy,
                            nonZero,
                            loaded.trainer().graph().model().parameterCount());
        }
        return 0;
    }
}
