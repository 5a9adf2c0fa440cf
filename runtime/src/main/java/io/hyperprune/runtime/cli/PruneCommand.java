package io.hyperprune.runtime.cli;

import static java.util.Objects.requireNonNull;

import com.google.inject.Inject;
import io.hyperprune.api.ComponentOptions;
import io.hyperprune.api.InputException;
import io.hyperprune.api.PruningCriterion;
import io.hyperprune.api.PruningMasks;
import io.hyperprune.runtime.pruning.PruneCsv;
import io.hyperprune.runtime.pruning.PruningSweep;
import io.hyperprune.runtime.run.ComponentOptionsParser;
import io.hyperprune.runtime.run.Json;
import io.hyperprune.runtime.wiring.ComponentRegistry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code hyperprune prune}: accuracy as a function of the share of deleted weights. */
@Command(
        name = "prune",
        mixinStandardHelpOptions = true,
        description =
                "Delete growing shares of a trained run's weights by a criterion's score and print test accuracy; writes"
                        + " prune-<criterion>-<scope>-<levels>.csv into the run (never an experiment's own prune.csv).")
final class PruneCommand implements Callable<Integer> {

    private final ComponentRegistry registry;
    private final Console console;

    @Mixin
    DataOptions data;

    @Option(names = "--run", required = true, description = "Run directory.")
    Path run;

    @Option(
            names = "--criterion",
            defaultValue = "relative-density",
            description = "Pruning criterion id (default: ${DEFAULT-VALUE}).")
    String criterion;

    @Option(
            names = "--levels",
            defaultValue = "0:90:10",
            description = "Deleted percent: from:to:step or a comma list (default: ${DEFAULT-VALUE}).")
    String levels;

    @Option(names = "--lambda", split = ",", description = "Lambdas (hypernetwork runs: any; default: the run's own).")
    List<Double> lambdas = new ArrayList<>();

    @Option(
            names = "--scope",
            defaultValue = "layer",
            description = "layer (per layer, the reference) or global (default: ${DEFAULT-VALUE}).")
    String scope;

    @Option(
            names = {"-O", "--option"},
            description = "Criterion option <criterion>.<name>=<value> (repeatable).")
    List<String> options = new ArrayList<>();

    @Option(names = "--json", description = "JSON on stdout.")
    boolean json;

    @Inject
    PruneCommand(ComponentRegistry registry, Console console) {
        this.registry = requireNonNull(registry, "registry is null");
        this.console = requireNonNull(console, "console is null");
    }

    @Override
    public Integer call() {
        PruningMasks.Scope pruningScope = parseScope(scope);
        List<Double> fractions = ExperimentCommand.parseLevels(levels).stream()
                .map(level -> {
                    if (level < 0 || level > 100) {
                        throw new InputException("--levels must be percentages in [0, 100], got " + level);
                    }
                    return level / 100;
                })
                .toList();
        PruningCriterion selected = registry.select(PruningCriterion.class, criterion);
        ComponentOptionsParser parser = new ComponentOptionsParser(RunOptions.groupOptions(options));
        parser.checkAllUsed(List.of(selected));
        ComponentOptions criterionOptions = parser.optionsFor(selected);
        RunCommands.LoadedRun loaded = RunCommands.load(run, registry, data, console);
        PruningSweep sweep = new PruningSweep(
                loaded.trainer(),
                loaded.resolved().evidence(),
                loaded.evidenceOptions(),
                loaded.resolved().config().seed());
        List<PruningSweep.Point> points =
                sweep.sweep(loaded.lambdas(lambdas), selected, criterionOptions, pruningScope, fractions);
        Path file = run.resolve(fileName(selected.id(), scope, levels, lambdas, criterionOptions));
        PruneCsv.write(file, points.stream().map(PruneCsv.Row::of).toList());
        console.err().println("wrote " + file);
        if (json) {
            console.out().print(Json.write(points));
        } else {
            console.out().printf("%-10s %-10s %-10s %s%n", "lambda", "deleted %", "accuracy", "remaining parameters");
            for (PruningSweep.Point p : points) {
                console.out()
                        .printf(
                                Locale.ROOT,
                                "%-10s %-10.1f %-10.4f %d%n",
                                ConsoleProgress.format(p.lambda()),
                                p.deletedPercent(),
                                p.accuracy(),
                                p.remainingParameters());
            }
        }
        return 0;
    }

    /**
     * This sweep's own file, named by what it computed: a manual sweep never replaces the {@code prune.csv}
     * an experiment computes its results from, nor a sweep with other settings.
     */
    static String fileName(
            String criterion, String scope, String levels, List<Double> lambdas, ComponentOptions options) {
        StringBuilder name = new StringBuilder("prune-")
                .append(criterion)
                .append('-')
                .append(scope)
                .append('-')
                .append(levels.trim().replace(':', '-').replace(',', '_'));
        if (!lambdas.isEmpty()) {
            name.append("-lambda-")
                    .append(String.join(
                            "_", lambdas.stream().map(ConsoleProgress::format).toList()));
        }
        if (!options.values().isEmpty()) {
            name.append("-options-")
                    .append(Integer.toHexString(
                            new java.util.TreeMap<>(options.values()).toString().hashCode()));
        }
        return name.toString().replaceAll("[^A-Za-z0-9._+-]", "_") + ".csv";
    }

    static PruningMasks.Scope parseScope(String scope) {
        return switch (scope) {
            case "layer" -> PruningMasks.Scope.LAYER;
            case "global" -> PruningMasks.Scope.GLOBAL;
            default -> throw new InputException("--scope '" + scope + "' must be 'layer' or 'global'");
        };
    }
}
