package io.hyperprune.runtime.cli;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.inject.Inject;
import io.hyperprune.api.InputException;
import io.hyperprune.runtime.experiment.Claim;
import io.hyperprune.runtime.experiment.Experiment;
import io.hyperprune.runtime.experiment.ExperimentConfig;
import io.hyperprune.runtime.experiment.Grid;
import io.hyperprune.runtime.experiment.GridRun;
import io.hyperprune.runtime.experiment.ParentWatch;
import io.hyperprune.runtime.experiment.Shard;
import io.hyperprune.runtime.experiment.WorkerPool;
import io.hyperprune.runtime.run.Json;
import io.hyperprune.runtime.run.OutputDirectory;
import io.hyperprune.runtime.run.Progress;
import io.hyperprune.runtime.run.RunResolver;
import io.hyperprune.runtime.run.TrainingRun;
import io.hyperprune.runtime.wiring.ComponentRegistry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code hyperprune experiment}: a grid of runs, pruned and reported. */
@Command(
        name = "experiment",
        mixinStandardHelpOptions = true,
        description =
                "Run an experiment grid (the nine models x lambdas x restarts), prune every model, write results.csv and the report.")
final class ExperimentCommand implements Callable<Integer> {

    private final ComponentRegistry registry;
    private final Console console;

    @Spec
    CommandSpec spec;

    @Mixin
    DataOptions data;

    @Option(
            names = "--preset",
            defaultValue = "paper-mnist-quick",
            description = "Built-in settings: paper-mnist, paper-mnist-quick, paper-cifar (default: ${DEFAULT-VALUE}).")
    String preset;

    @Option(
            names = "--config",
            description = "JSON file overriding the preset's settings (keys as in summary.json's config).")
    Path config;

    @Option(names = "--out", required = true, description = "Experiment directory.")
    Path out;

    @Option(names = "--dataset", description = "Override: data set id.")
    String dataset;

    @Option(names = "--model", description = "Override: model spec.")
    String model;

    @Option(names = "--evidences", split = ",", description = "Override: evidence ids.")
    List<String> evidences;

    @Option(names = "--hypernetworks", split = ",", description = "Override: hypernetwork ids.")
    List<String> hypernetworks;

    @Option(names = "--lambdas", split = ",", description = "Override: lambdas.")
    List<Double> lambdas;

    @Option(names = "--restarts", description = "Override: restarts per model.")
    Integer restarts;

    @Option(names = "--epochs-plain", description = "Override: epochs of plain runs.")
    Integer epochsPlain;

    @Option(names = "--epochs-hypernetwork", description = "Override: epochs of hypernetwork runs.")
    Integer epochsHypernetwork;

    @Option(names = "--batch-size", description = "Override: mini-batch size.")
    Integer batchSize;

    @Option(names = "--learning-rate", description = "Override: Adam learning rate.")
    Double learningRate;

    @Option(names = "--lambda-samples", description = "Override: lambdas drawn per mini-batch by a hypernetwork.")
    Integer lambdaSamples;

    @Option(names = "--criteria", split = ",", description = "Override: pruning criterion ids.")
    List<String> criteria;

    @Option(
            names = "--levels",
            description = "Override: deletion levels in percent, from:to:step or a comma list, e.g. 0:90:10.")
    String levels;

    @Option(names = "--scope", description = "Override: layer or global.")
    String scope;

    @Option(names = "--seed", description = "Override: base seed (restart r uses seed + r).")
    Long seed;

    @Option(
            names = "--validation",
            paramLabel = "N",
            description = "Override: training samples held out for 'hyperprune select' (0: none; default: a tenth"
                    + " of the training set, at most 5000).")
    Integer validation;

    @Option(
            names = "--surface-lambdas",
            paramLabel = "N",
            description = "Override: also prune every hypernetwork run at N log-spaced lambdas over its lambda range"
                    + " plus the grid's, into surface.csv (default 41; 0: no surface).")
    Integer surfaceLambdas;

    @Option(
            names = "--one-run-per-lambda",
            description = "Train each plain model's lambdas as separate runs, one model per graph"
                    + " (default: all lambdas of a plain model side by side in one graph; same results, less time).")
    boolean oneRunPerLambda;

    @Option(
            names = {"-O", "--option"},
            description = "Component option <component>.<name>=<value> (repeatable).")
    List<String> options = new ArrayList<>();

    @Option(names = "--resume", description = "Skip finished runs and continue interrupted ones.")
    boolean resume;

    @Option(names = "--retry-failed", description = "With --resume: run failed runs again.")
    boolean retryFailed;

    @Option(
            names = "--workers",
            defaultValue = "1",
            description = "Training processes on this machine (default: ${DEFAULT-VALUE}).")
    int workers;

    @Option(
            names = "--threads-per-worker",
            defaultValue = "1",
            description = "OMP_NUM_THREADS of each worker (default: ${DEFAULT-VALUE}).")
    int threadsPerWorker;

    @Option(
            names = "--shard",
            description =
                    "Run only share i/N (0-based) of the grid; defaults from Slurm array or Kubernetes indexed Job variables.")
    String shard;

    @Option(names = "--worker", hidden = true)
    String worker;

    @Option(
            names = "--eval-every",
            defaultValue = "1",
            description = "Evaluate each run (test and training accuracy, loss:"
                    + " metrics.csv) after every N-th epoch and the last; 0: after the last only, which saves ~15 %% of a hypernetwork"
                    + " run's time (default: ${DEFAULT-VALUE}). Training and results are the same.")
    int evalEvery;

    @Option(
            names = "--checkpoint-every",
            defaultValue = "60",
            paramLabel = "SECONDS",
            description =
                    "Save the model with its Adam state (for --resume) after an epoch that ends at least this"
                            + " many seconds after the last save, and after the last epoch; 0: after every epoch (default: ${DEFAULT-VALUE}).")
    int checkpointEvery;

    @Option(names = "--no-report", description = "Do not write the report at the end.")
    boolean noReport;

    @Inject
    ExperimentCommand(ComponentRegistry registry, Console console) {
        this.registry = requireNonNull(registry, "registry is null");
        this.console = requireNonNull(console, "console is null");
    }

    @Override
    public Integer call() {
        if (workers < 1) {
            throw new InputException("--workers must be at least 1 (1: train in this process), got " + workers);
        }
        if (threadsPerWorker < 1) {
            throw new InputException(
                    "--threads-per-worker must be at least 1 (it is each worker's OMP_NUM_THREADS), got "
                            + threadsPerWorker);
        }
        TrainingRun.Schedule schedule = TrainingRun.Schedule.of(evalEvery, checkpointEvery);
        OutputDirectory.check(out, "--out");
        ExperimentConfig resolved = resolveConfig();
        RunResolver resolver = new RunResolver(registry, data::request);
        Experiment experiment = new Experiment(resolved, out, resolver, registry, schedule);
        Shard share = shard != null ? Shard.parse(shard) : Shard.fromEnvironment(System.getenv());
        List<GridRun> runs = share.select(experiment.grid());
        if (worker != null) {
            Shard.parse(worker); // j/K now only names the worker process
            ParentWatch.start();
            // Every worker gets all runs and claims them one at a time (a fixed share left one worker idle
            // while the other trained its last runs).
            runs = Grid.longestFirst(runs);
        }
        // Everything is checked before anything is written: a refused command leaves the directory as it was.
        experiment.check(runs, resume || worker != null);
        // One process runs a whole grid in a directory (shards of an array job share theirs: each run has its own
        // claim).
        Optional<Claim> owner = Optional.empty();
        if (worker == null && share.equals(Shard.ALL)) {
            owner = Claim.tryAcquire(out.resolve(Experiment.OWNER_CLAIM));
            if (owner.isEmpty()) {
                throw new InputException(out + " is in use by another experiment, "
                        + Claim.liveHolder(out.resolve(Experiment.OWNER_CLAIM))
                                .map(Object::toString)
                                .orElse("a live process")
                        + "; wait for it to finish or stop it (the claim of a process that died is taken over), or choose"
                        + " another --out; to share one grid between processes on purpose, give each a --shard i/N");
            }
        }
        try {
            return runAndCollect(experiment, share, runs, resolver);
        } finally {
            owner.ifPresent(Claim::close);
        }
    }

    private int runAndCollect(Experiment experiment, Shard share, List<GridRun> runs, RunResolver resolver) {
        experiment.record();
        long start = System.nanoTime();
        Experiment.Summary summary;
        if (workers > 1 && worker == null) {
            if (workers > runs.size()) {
                workers = Math.max(1, runs.size());
            }
            List<String> arguments = new ArrayList<>(WorkerPool.withoutWorkers(
                    spec.root().commandLine().getParseResult().originalArgs()));
            if (!arguments.contains("--resume")) {
                arguments.add("--resume");
            }
            if (!arguments.contains("--no-report")) {
                // (twice is a usage error: every worker failed and this process trained the whole grid alone)
                arguments.add("--no-report");
            }
            console.err()
                    .printf(
                            "running %d runs in %d worker processes (OMP_NUM_THREADS=%d each)%n",
                            runs.size(), workers, threadsPerWorker);
            List<String> failedWorkers = WorkerPool.run(arguments, workers, threadsPerWorker, out);
            failedWorkers.forEach(failure -> console.err().println(failure));
            if (!failedWorkers.isEmpty()) {
                console.err().println("this process now trains the runs the failed worker(s) left");
            }
            summary = experiment.run(runs, false, quietListener()); // the workers retried already
        } else {
            summary = experiment.run(runs, retryFailed, listener());
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("preset", preset);
        info.put("shard", share.toString());
        info.put("runs", summary);
        info.put("wallSeconds", seconds);
        if (worker != null) {
            return summary.failed() > 0 ? 1 : 0;
        }
        experiment.writeResults(info);
        if (share.equals(Shard.ALL)) {
            experiment
                    .writeAgreement()
                    .forEach(problem -> console.err().println("warning: agreement.csv lacks " + problem));
        }
        console.err()
                .printf(
                        Locale.ROOT,
                        "experiment: %d runs (%d completed, %d diverged, %d failed; %d of them finished before"
                                + " this process looked, e.g. by workers or an earlier invocation%s) in %.1f s; results in %s%n",
                        summary.total(),
                        summary.completed(),
                        summary.diverged(),
                        summary.failed(),
                        summary.skipped() - summary.busy(),
                        summary.busy() > 0 ? "; " + summary.busy() + " being trained by other processes" : "",
                        seconds,
                        out.resolve(Experiment.RESULTS));
        if (!noReport) {
            ReportCommand.writeReport(List.of(out), out, console);
        }
        if (!summary.criterionFailures().isEmpty()) {
            summary.criterionFailures().forEach(failure -> console.err().println("error: " + failure));
            console.err()
                    .println(
                            "error: " + summary.criterionFailures().size()
                                    + " pruning criterion run(s) failed; the other"
                                    + " criteria's rows are in " + out.resolve(Experiment.RESULTS)
                                    + "; fix or remove the criterion, then"
                                    + " 'hyperprune experiment --resume --retry-failed' with the same settings redoes only those");
            return 2;
        }
        return summary.failed() > 0 ? 1 : 0;
    }

    private Experiment.Listener listener() {
        return new Experiment.Listener() {
            @Override
            public Progress runStarted(int position, int total, GridRun run) {
                return new ConsoleProgress(
                        console.err(), console.interactive(), "[" + position + "/" + total + "] " + run.name());
            }

            @Override
            public void runFinished(GridRun run, String status, double seconds) {
                console.err()
                        .printf(
                                Locale.ROOT,
                                "%s: %s%s%n",
                                run.name(),
                                status,
                                seconds > 0 ? String.format(Locale.ROOT, " (%.1f s)", seconds) : "");
            }

            @Override
            public void runBusy(GridRun run, Claim.Owner owner) {
                if (worker == null) { // a worker's siblings are expected to hold runs
                    console.err().printf("%s: being trained by %s; left to it%n", run.name(), owner);
                }
            }

            @Override
            public void waiting(List<GridRun> held, java.time.Duration staleAfter) {
                console.err()
                        .printf(
                                "waiting for %d run(s) claimed from another host (%s): each is left to its holder once"
                                        + " the claim is renewed, or trained here once it went %d s unrenewed%n",
                                held.size(),
                                String.join(
                                        ", ", held.stream().map(GridRun::name).toList()),
                                staleAfter.toSeconds());
            }
        };
    }

    private Experiment.Listener quietListener() {
        return (position, total, run) -> Progress.NONE;
    }

    private ExperimentConfig resolveConfig() {
        ExperimentConfig base = ExperimentConfig.preset(preset);
        if (config != null) {
            base = ExperimentConfig.read(config, base);
        }
        ObjectNode tree = Json.MAPPER.valueToTree(base);
        if (dataset != null) tree.put("dataset", dataset);
        if (model != null) tree.put("model", model);
        if (evidences != null) tree.set("evidences", Json.MAPPER.valueToTree(evidences));
        if (hypernetworks != null) tree.set("hypernetworks", Json.MAPPER.valueToTree(hypernetworks));
        if (lambdas != null) tree.set("lambdas", Json.MAPPER.valueToTree(lambdas));
        if (restarts != null) tree.put("restarts", restarts);
        if (epochsPlain != null) tree.put("epochsPlain", epochsPlain);
        if (epochsHypernetwork != null) tree.put("epochsHypernetwork", epochsHypernetwork);
        if (batchSize != null) tree.put("batchSize", batchSize);
        if (learningRate != null) tree.put("learningRate", learningRate);
        if (lambdaSamples != null) tree.put("lambdaSamples", lambdaSamples);
        if (criteria != null) tree.set("criteria", Json.MAPPER.valueToTree(criteria));
        if (levels != null) tree.set("levels", Json.MAPPER.valueToTree(parseLevels(levels)));
        if (scope != null) tree.put("scope", scope);
        if (seed != null) tree.put("seed", seed);
        if (surfaceLambdas != null) tree.put("surfaceLambdas", surfaceLambdas);
        if (oneRunPerLambda) tree.put("batchPlain", false);
        if (validation != null) tree.put("validation", validation);
        if (!options.isEmpty()) {
            Map<String, Map<String, String>> merged = new LinkedHashMap<>(base.options());
            RunOptions.groupOptions(options).forEach((component, values) -> {
                Map<String, String> combined = new LinkedHashMap<>(merged.getOrDefault(component, Map.of()));
                combined.putAll(values);
                merged.put(component, combined);
            });
            tree.set("options", Json.MAPPER.valueToTree(merged));
        }
        try {
            return Json.MAPPER.treeToValue(tree, ExperimentConfig.class);
        } catch (com.fasterxml.jackson.databind.exc.ValueInstantiationException e) {
            throw e.getCause() instanceof InputException input ? input : new InputException(e.getOriginalMessage(), e);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new InputException("invalid option value: " + e.getOriginalMessage(), e);
        }
    }

    /** {@code 0:90:10} or {@code 0,50,80,90}: see {@link Levels}. */
    static List<Double> parseLevels(String text) {
        return Levels.parse(text);
    }
}
