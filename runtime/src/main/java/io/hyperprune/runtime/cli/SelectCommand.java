package io.hyperprune.runtime.cli;

import static java.util.Objects.requireNonNull;

import com.google.inject.Inject;
import io.hyperprune.api.ComponentOptions;
import io.hyperprune.api.InputException;
import io.hyperprune.api.PruningCriterion;
import io.hyperprune.api.PruningMasks;
import io.hyperprune.runtime.experiment.Experiment;
import io.hyperprune.runtime.experiment.ExperimentConfig;
import io.hyperprune.runtime.experiment.ExperimentDirectory;
import io.hyperprune.runtime.pruning.PrunedModel;
import io.hyperprune.runtime.run.AtomicFiles;
import io.hyperprune.runtime.run.Json;
import io.hyperprune.runtime.run.OutputDirectory;
import io.hyperprune.runtime.run.RunConfig;
import io.hyperprune.runtime.run.RunResolver;
import io.hyperprune.runtime.run.TrainingRun;
import io.hyperprune.runtime.selection.Candidate;
import io.hyperprune.runtime.selection.Constraint;
import io.hyperprune.runtime.selection.ModelSearch;
import io.hyperprune.runtime.wiring.ComponentRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code hyperprune select}: the best model under a parameter budget or an accuracy target, chosen on validation data. */
@Command(
        name = "select",
        mixinStandardHelpOptions = true,
        description = "Choose the model that is most accurate on the validation split with at most N parameters"
                + " (--max-parameters), or the smallest one reaching an accuracy (--min-accuracy), over a run or all"
                + " finished runs of an experiment: a hypernetwork's every lambda, each pruned in fine steps.")
final class SelectCommand implements Callable<Integer> {

    static final class Goal {
        @Option(
                names = "--max-parameters",
                paramLabel = "N",
                required = true,
                description = "Remaining parameters (weights kept plus biases) allowed.")
        Long maxParameters;

        @Option(
                names = "--min-accuracy",
                paramLabel = "A",
                required = true,
                description = "Validation accuracy to reach, e.g. 0.95; the model with the fewest parameters wins.")
        Double minAccuracy;

        Constraint constraint() {
            return maxParameters != null
                    ? new Constraint.MaxParameters(maxParameters)
                    : new Constraint.MinAccuracy(minAccuracy);
        }
    }

    private final ComponentRegistry registry;
    private final Console console;

    @Mixin
    DataOptions data;

    @Parameters(paramLabel = "DIR", arity = "1..*", description = "Run directories or experiment directories.")
    List<Path> directories;

    @ArgGroup(multiplicity = "1")
    Goal goal;

    @Option(
            names = "--criterion",
            description = "Pruning criterion id (repeatable; default: the experiment's criteria, else"
                    + " relative-density).")
    List<String> criteria = new ArrayList<>();

    @Option(names = "--scope", description = "layer or global (default: the experiment's, else layer).")
    String scope;

    @Option(
            names = "--step",
            defaultValue = "0.01",
            description = "Deletion fractions searched: 0, step, 2 step, ... (default: ${DEFAULT-VALUE}).")
    double step;

    @Option(
            names = "--lambda-points",
            defaultValue = "41",
            description = "A hypernetwork's first log grid of lambdas over its range, refined twice around the"
                    + " best (default: ${DEFAULT-VALUE}).")
    int lambdaPoints;

    @Option(names = "--export", paramLabel = "FILE", description = "Write the chosen model as a standalone model file.")
    Path export;

    @Option(names = "--json", description = "JSON on stdout.")
    boolean json;

    @Inject
    SelectCommand(ComponentRegistry registry, Console console) {
        this.registry = requireNonNull(registry, "registry is null");
        this.console = requireNonNull(console, "console is null");
    }

    /** A run's best model with its figures measured on the standalone graph. */
    record Choice(String run, String model, Candidate candidate, double validationAccuracy, double testAccuracy) {}

    @Override
    public Integer call() {
        if (!(step > 0 && step <= 0.5)) {
            throw new InputException("--step must be in (0, 0.5], e.g. 0.01 for 1 % steps, got " + step);
        }
        if (lambdaPoints < 2 || lambdaPoints > 1001) {
            throw new InputException("--lambda-points must be in [2, 1001], got " + lambdaPoints);
        }
        if (export != null) {
            OutputDirectory.checkFile(export, "--export");
        }
        Constraint constraint = goal.constraint();
        List<Path> runs = runsOf(directories);
        Optional<ExperimentConfig> experiment = directories.stream()
                .map(ExperimentDirectory::recorded)
                .flatMap(Optional::stream)
                .findFirst();
        List<String> criterionIds = !criteria.isEmpty()
                ? criteria
                : experiment.map(ExperimentConfig::criteria).orElse(List.of("relative-density"));
        PruningMasks.Scope pruningScope = scope != null
                ? PruneCommand.parseScope(scope)
                : experiment.map(ExperimentConfig::pruningScope).orElse(PruningMasks.Scope.LAYER);
        List<ModelSearch.Criterion> selected = criterionIds.stream()
                .map(id -> registry.select(PruningCriterion.class, id))
                .map(c -> new ModelSearch.Criterion(c, ComponentOptions.none(c.id())))
                .toList();
        ModelSearch.Resolution resolution = new ModelSearch.Resolution(step, lambdaPoints, 2);

        long start = System.nanoTime();
        RunResolver resolver = new RunResolver(registry, data::request);
        List<Choice> choices = new ArrayList<>();
        Map<String, PrunedModel> models = new LinkedHashMap<>();
        int evaluated = 0;
        for (Path run : runs) {
            RunCommands.LoadedRun loaded = RunCommands.load(run, resolver, console.err());
            RunConfig config = loaded.resolved().config();
            ModelSearch search = new ModelSearch(
                    loaded.trainer(),
                    loaded.resolved().evidence(),
                    loaded.evidenceOptions(),
                    config,
                    loaded.resolved().validation());
            Optional<Candidate> best = search.best(selected, pruningScope, constraint, resolution);
            evaluated += search.evaluated();
            if (best.isEmpty()) {
                console.err().println(run.getFileName() + ": no model meets " + constraint.describe());
                continue;
            }
            Candidate candidate = best.get();
            PrunedModel pruned = PrunedModel.of(
                    loaded.trainer(),
                    loaded.resolved().evidence(),
                    loaded.evidenceOptions(),
                    candidate.lambda(),
                    masks(loaded, candidate, selected));
            String name = run.getFileName().toString();
            models.put(name, pruned);
            choices.add(new Choice(
                    name,
                    config.modelName(),
                    candidate,
                    pruned.accuracy(loaded.resolved().validation()),
                    pruned.accuracy(loaded.resolved().data().test())));
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        if (choices.isEmpty()) {
            throw new InputException("no model of " + directories + " meets " + constraint.describe()
                    + (constraint instanceof Constraint.MaxParameters
                            ? "; allow more parameters"
                            : "; ask for a lower accuracy"));
        }
        choices.sort(Comparator.comparing(Choice::candidate, constraint.order()));
        Choice chosen = choices.get(0);
        if (export != null) {
            PrunedModel model = models.get(chosen.run());
            AtomicFiles.writeWith(export, temp -> model.graph().save(temp.toFile(), false));
        }
        print(constraint, choices, evaluated, seconds);
        return 0;
    }

    private void print(Constraint constraint, List<Choice> choices, int evaluated, double seconds) {
        Choice chosen = choices.get(0);
        if (json) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("constraint", constraint.describe());
            out.put("selected", row(chosen));
            out.put("perRun", choices.stream().map(SelectCommand::row).toList());
            out.put("evaluatedModels", evaluated);
            out.put("seconds", Math.round(seconds * 10) / 10.0);
            if (export != null) {
                out.put("export", export.toString());
            }
            console.out().print(Json.write(out));
            return;
        }
        var out = console.out();
        out.printf(
                Locale.ROOT,
                "selected (%s, chosen on validation accuracy): %s, lambda %s, %s, %.1f %% of weights deleted, %d"
                        + " parameters, validation %.4f, test %.4f%n",
                constraint.describe(),
                chosen.model(),
                ConsoleProgress.format(chosen.candidate().lambda()),
                chosen.candidate().criterion(),
                chosen.candidate().deletedFraction() * 100,
                chosen.candidate().remainingParameters(),
                chosen.validationAccuracy(),
                chosen.testAccuracy());
        if (export != null) {
            out.println("wrote " + export);
        }
        out.printf(Locale.ROOT, "%nbest per run (%d models evaluated in %.1f s):%n", evaluated, seconds);
        int runWidth = choices.stream().mapToInt(c -> c.run().length()).max().orElse(3);
        int modelWidth =
                choices.stream().mapToInt(c -> c.model().length()).max().orElse(5);
        int criterionWidth = choices.stream()
                .mapToInt(c -> c.candidate().criterion().length())
                .max()
                .orElse(9);
        String header =
                "%-" + runWidth + "s  %-" + modelWidth + "s  %9s  %-" + criterionWidth + "s  %8s  %10s  %10s  %8s%n";
        String line = "%-" + runWidth + "s  %-" + modelWidth + "s  %9s  %-" + criterionWidth
                + "s  %7.1f%%  %10d  %10.4f  %8.4f%n";
        out.printf(
                Locale.ROOT,
                header,
                "run",
                "model",
                "lambda",
                "criterion",
                "deleted",
                "parameters",
                "validation",
                "test");
        for (Choice choice : choices) {
            out.printf(
                    Locale.ROOT,
                    line,
                    choice.run(),
                    choice.model(),
                    ConsoleProgress.format(choice.candidate().lambda()),
                    choice.candidate().criterion(),
                    choice.candidate().deletedFraction() * 100,
                    choice.candidate().remainingParameters(),
                    choice.validationAccuracy(),
                    choice.testAccuracy());
        }
    }

    private static Map<String, Object> row(Choice choice) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("run", choice.run());
        row.put("model", choice.model());
        row.put("lambda", choice.candidate().lambda());
        row.put("criterion", choice.candidate().criterion());
        row.put("scope", choice.candidate().scope().name().toLowerCase(Locale.ROOT));
        row.put("deletedFraction", choice.candidate().deletedFraction());
        row.put("parameters", choice.candidate().remainingParameters());
        row.put("validationAccuracy", choice.validationAccuracy());
        row.put("testAccuracy", choice.testAccuracy());
        return row;
    }

    /** The chosen candidate's keep-masks, recomputed from its criterion's scores. */
    private static Map<String, org.nd4j.linalg.api.ndarray.INDArray> masks(
            RunCommands.LoadedRun loaded, Candidate candidate, List<ModelSearch.Criterion> criteria) {
        ModelSearch.Criterion criterion = criteria.stream()
                .filter(c -> c.criterion().id().equals(candidate.criterion()))
                .findFirst()
                .orElseThrow();
        var sweep = new io.hyperprune.runtime.pruning.PruningSweep(
                loaded.trainer(),
                loaded.resolved().evidence(),
                loaded.evidenceOptions(),
                loaded.resolved().config().seed());
        var weights = sweep.weights(candidate.lambda());
        var keep = PruningMasks.keepMasks(
                sweep.scores(weights, criterion.criterion(), criterion.options()),
                candidate.deletedFraction(),
                candidate.scope());
        Map<String, org.nd4j.linalg.api.ndarray.INDArray> masks = new LinkedHashMap<>();
        int i = 0;
        for (var parameter : weights.keySet()) {
            masks.put(parameter.name(), keep.get(i++));
        }
        return masks;
    }

    /**
     * The finished runs to search: a run directory itself, or every finished run of an experiment directory. A
     * run without a validation split is refused: choosing on the test set would report a biased figure.
     */
    private static List<Path> runsOf(List<Path> directories) {
        List<Path> runs = new ArrayList<>();
        for (Path directory : directories) {
            if (!Files.isDirectory(directory)) {
                throw new InputException(directory + " is not a directory; give a run directory (hyperprune train"
                        + " --out) or an experiment directory (hyperprune experiment --out)");
            }
            List<Path> candidates = Files.isRegularFile(directory.resolve(Experiment.CONFIG))
                    ? ExperimentDirectory.runDirectories(directory)
                    : List.of(directory);
            for (Path run : candidates) {
                if (TrainingRun.readResult(run).isEmpty()) {
                    if (candidates.size() == 1 && candidates.get(0).equals(directory)) {
                        throw new InputException(run + " holds no finished run (no result.json); give a run"
                                + " directory of 'hyperprune train' or an experiment directory");
                    }
                    continue; // an experiment's unfinished run: not a model yet
                }
                if (TrainingRun.readConfig(run).validation() == 0) {
                    throw new InputException(run + " holds no validation split (trained with --validation 0, or"
                            + " by a version without validation splits); select would choose on the test set:"
                            + " train it again with --validation N (default: a tenth of the training set)");
                }
                runs.add(run);
            }
        }
        if (runs.isEmpty()) {
            throw new InputException("no finished run in " + directories + "; run or resume the experiment first");
        }
        return runs;
    }
}
