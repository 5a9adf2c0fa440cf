package io.hyperprune.runtime.experiment;

import static java.util.Objects.requireNonNull;

import io.hyperprune.api.ComponentOptions;
import io.hyperprune.api.InputException;
import io.hyperprune.api.PruningCriterion;
import io.hyperprune.engine.train.Trainer;
import io.hyperprune.runtime.boundary.PluginFault;
import io.hyperprune.runtime.pruning.PruningSweep;
import io.hyperprune.runtime.pruning.ScoreAgreement;
import io.hyperprune.runtime.run.AtomicFiles;
import io.hyperprune.runtime.run.DiskFull;
import io.hyperprune.runtime.run.Json;
import io.hyperprune.runtime.run.Progress;
import io.hyperprune.runtime.run.RunResolver;
import io.hyperprune.runtime.run.RunResult;
import io.hyperprune.runtime.run.RunSpec;
import io.hyperprune.runtime.run.TrainingRun;
import io.hyperprune.runtime.wiring.ComponentRegistry;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Runs an experiment grid into a directory: {@code runs/<name>/} per run (the train layout plus
 * {@code prune.csv} and {@code grid.json}), then {@code results.csv}, {@code agreement.csv} and
 * {@code summary.json} at the top. Finished runs are skipped on {@code resume}; interrupted runs
 * continue from their last epoch; failed runs leave {@code failed.json} and are retried only when
 * asked.
 */
public final class Experiment {

    public static final String RESULTS = "results.csv";
    public static final String AGREEMENT = "agreement.csv";
    /** The claim of the process training a run ({@link Claim}). */
    public static final String CLAIM = "claim.json";
    /** The experiment's configuration, written once after it was checked. */
    public static final String CONFIG = "experiment.json";
    public static final String SUMMARY = "summary.json";
    static final String PRUNE = "prune.csv";
    static final String RESULTS_CLAIM = "results-claim.json";
    /** The claim of the one process running a whole (unsharded) grid in a directory. */
    public static final String OWNER_CLAIM = "experiment-claim.json";
    static final String PRUNE_FAILED = "prune-failed.json";
    static final String PRUNE_HEADER = "lambda,criterion,scope,deleted_percent,accuracy,remaining_parameters";
    static final String FAILED = "failed.json";
    static final String RESULTS_HEADER =
            "run,model,evidence,hypernetwork,lambda,restart,criterion,scope,deleted_percent,accuracy,remaining_parameters,training_seconds";
    static final String AGREEMENT_HEADER = "evidence,hypernetwork,lambda,restart,criterion,spearman,iou_50,iou_80,iou_90";
    private static final List<Double> AGREEMENT_LEVELS = List.of(0.5, 0.8, 0.9);

    private final ExperimentConfig config;
    private final Path directory;
    private final RunResolver resolver;
    private final ComponentRegistry registry;
    private final TrainingRun.Schedule schedule;

    public Experiment(ExperimentConfig config, Path directory, RunResolver resolver, ComponentRegistry registry) {
        this(config, directory, resolver, registry, TrainingRun.Schedule.EVERY_EPOCH);
    }

    /** As above, each run evaluated and saved as {@code schedule} says. */
    public Experiment(ExperimentConfig config, Path directory, RunResolver resolver, ComponentRegistry registry,
            TrainingRun.Schedule schedule) {
        this.schedule = requireNonNull(schedule, "schedule is null");
        this.config = requireNonNull(config, "config is null");
        this.directory = requireNonNull(directory, "directory is null");
        this.resolver = requireNonNull(resolver, "resolver is null");
        this.registry = requireNonNull(registry, "registry is null");
    }

    /** Hears about runs starting and ending, and gives each run its epoch progress. */
    public interface Listener {
        Progress runStarted(int position, int total, GridRun run);

        default void runFinished(GridRun run, String status, double seconds) {}

        /** A run another live process is training: left to it. */
        default void runBusy(GridRun run, Claim.Owner owner) {}
    }

    /**
     * The whole grid in a stable order, restart by restart and evidence by evidence. Plain models are one
     * run holding every lambda's model (trained side by side in one graph), or one run per lambda if
     * {@link ExperimentConfig#batchPlain()} is false.
     */
    public List<GridRun> grid() {
        List<GridRun> runs = new ArrayList<>();
        for (int restart = 0; restart < config.restarts(); restart++) {
            for (String evidence : config.evidences()) {
                for (String hypernetwork : config.hypernetworks()) {
                    boolean plain = hypernetwork.equals(io.hyperprune.engine.graph.ConstantHypernetwork.ID);
                    // Plain models: by default all lambdas' models in one run (one graph, trained side by side).
                    List<List<Double>> lambdaSets = plain && !config.batchPlain() ? config.lambdas().stream().map(List::of).toList()
                            : List.of(config.lambdas());
                    for (List<Double> lambdas : lambdaSets) {
                        RunSpec spec = new RunSpec(config.dataset(), config.model(), evidence, hypernetwork, lambdas,
                                config.lambdaSamples(), config.lambdaMin(), config.lambdaMax(),
                                plain ? config.epochsPlain() : config.epochsHypernetwork(), config.batchSize(),
                                config.learningRate(), config.clip(), config.seed() + restart, specOptions());
                        runs.add(GridRun.of(spec, restart));
                    }
                }
            }
        }
        return runs;
    }

    private Map<String, Map<String, String>> specOptions() {
        Map<String, Map<String, String>> options = new LinkedHashMap<>(config.options());
        if (!config.datasetOptions().isEmpty()) {
            options.put(config.dataset(), config.datasetOptions());
        }
        return options;
    }

    /**
     * Summary of one invocation.
     *
     * @param busy runs this process left because another live process holds their claim
     * @param criterionFailures criteria that failed on a run (their rows are missing; the other criteria's are kept)
     */
    public record Summary(int total, int completed, int diverged, int failed, int skipped, int busy, List<String> criterionFailures,
            double seconds) {}

    /**
     * Checks, before anything is written or trained, that this process may run {@code runs} into the
     * directory: every component, option and data set resolves; a directory holding an experiment
     * holds this same configuration and {@code resume} is given; without {@code resume} none of the runs
     * exists yet.
     *
     * @throws InputException naming what is wrong and the fix
     */
    public void check(List<GridRun> runs, boolean resume) {
        List<PruningCriterion> criteria = criteria();
        for (GridRun run : runs) {
            resolver.resolve(run.spec(), criteria);
        }
        for (PruningCriterion criterion : criteria) {
            new io.hyperprune.runtime.run.ComponentOptionsParser(config.options()).optionsFor(criterion);
        }
        Path recorded = directory.resolve(CONFIG);
        if (Files.exists(recorded)) {
            ExperimentConfig stored = readConfig(recorded);
            if (!stored.equals(config)) {
                throw new InputException(directory + " holds an experiment with other settings (" + recorded + "; differing: "
                        + String.join(", ", differences(stored, config)) + "); its results would mix both: run it with the"
                        + " settings of " + recorded + " (e.g. --config " + recorded + "), or choose another --out");
            }
            if (!resume) {
                throw new InputException(directory + " already holds this experiment (" + recorded + "); add --resume to continue"
                        + " it, or choose another --out");
            }
        }
        if (!resume) {
            for (GridRun run : runs) {
                if (Files.exists(runDirectory(run))) {
                    throw new InputException("run directory " + runDirectory(run) + " already exists; add --resume to continue the"
                            + " experiment, or choose another --out");
                }
            }
        }
    }

    /** Records the (checked) configuration as {@code experiment.json}, once: it is never replaced. */
    public void record() {
        Path recorded = directory.resolve(CONFIG);
        if (!Files.exists(recorded)) {
            AtomicFiles.writeString(recorded, Json.write(config));
        }
    }

    /**
     * Runs this process's share of the grid. Every run is trained only by the process that claims it
     * (see {@link Claim}): worker processes, shards of an array job and any other process given the same
     * runs share them out as they go, and no run is ever trained by two processes at once. A criterion
     * that fails on a run fails only its own rows ({@value #PRUNE_FAILED}, redone with {@code retryFailed}).
     * Call {@link #check} and {@link #record} first.
     *
     * @throws InputException when the
     *     disk is full (scheduling stops; the runs finished so far are kept)
     */
    public Summary run(List<GridRun> runs, boolean retryFailed, Listener listener) {
        List<PruningCriterion> criteria = criteria();
        long start = System.nanoTime();
        int completed = 0;
        int diverged = 0;
        int failed = 0;
        int skipped = 0;
        int busy = 0;
        List<String> criterionFailures = new ArrayList<>();
        int position = 0;
        for (GridRun run : runs) {
            position++;
            Path runDirectory = runDirectory(run);
            if (Files.exists(runDirectory.resolve(FAILED)) && !retryFailed) {
                failed++;
                skipped++;
                listener.runFinished(run, "failed earlier (use --retry-failed)", 0);
                continue;
            }
            Optional<RunResult> finished = Files.exists(runDirectory) ? TrainingRun.readResult(runDirectory) : Optional.empty();
            if (finished.isPresent() && finished(runDirectory, finished.get(), retryFailed)) {
                skipped++;
                if (finished.get().completed()) {
                    completed++;
                    List<String> earlier = failedCriteria(runDirectory).values().stream().map(m -> run.name() + ": " + m).toList();
                    criterionFailures.addAll(earlier);
                    listener.runFinished(run, earlier.isEmpty() ? "done earlier"
                            : "done earlier; " + earlier.size() + " criterion failed (use --retry-failed)", 0);
                } else {
                    diverged++;
                    listener.runFinished(run, "done earlier", 0);
                }
                continue;
            }
            Optional<Claim> claim = Claim.tryAcquire(runDirectory.resolve(CLAIM));
            if (claim.isEmpty()) {
                busy++;
                skipped++;
                Claim.liveHolder(runDirectory.resolve(CLAIM)).ifPresent(owner -> listener.runBusy(run, owner));
                continue;
            }
            long runStart = System.nanoTime();
            try (Claim held = claim.get()) {
                // Another process may have finished it between this process's look and its claim.
                finished = TrainingRun.readResult(runDirectory);
                if (finished.isPresent() && finished(runDirectory, finished.get(), retryFailed)
                        || Files.exists(runDirectory.resolve(FAILED)) && !retryFailed) {
                    skipped++;
                    continue;
                }
                deleteIfExists(runDirectory.resolve(FAILED));
                AtomicFiles.writeString(runDirectory.resolve(TrainingRun.EXPERIMENT_MARKER), Json.write(Map.of("name", run.name(),
                        "model", run.model(), "restart", run.restart())));
                RunResolver.Resolved resolved = resolver.resolve(run.spec());
                TrainingRun training = new TrainingRun(resolved.config(), resolved.evidence(), resolved.hypernetwork(),
                        resolved.data(), runDirectory, schedule);
                Progress progress = listener.runStarted(position, runs.size(), run);
                Trainer trainer;
                RunResult result;
                if (finished.isPresent() && finished.get().completed() && Files.exists(runDirectory.resolve(PRUNE))) {
                    result = finished.get(); // trained and pruned: only the criteria that failed are redone
                    trainer = training.load();
                } else {
                    TrainingRun.Outcome outcome = training.runInExperiment(progress);
                    result = outcome.result();
                    trainer = outcome.trainer();
                }
                if (result.completed()) {
                    List<String> failures = writePrune(runDirectory, trainer, resolved, criteria);
                    failures.forEach(failure -> criterionFailures.add(run.name() + ": " + failure));
                    completed++;
                    listener.runFinished(run, failures.isEmpty() ? result.status() : result.status() + "; " + failures.size()
                            + " criterion failed: " + String.join("; ", failures), (System.nanoTime() - runStart) / 1e9);
                } else {
                    diverged++;
                    listener.runFinished(run, result.status(), (System.nanoTime() - runStart) / 1e9);
                }
                // The finished run's graph and its ND4J buffers (off-heap, freed only when their Java objects
                // are collected) are garbage now; a large heap may not collect for several runs, so the
                // process's resident memory would keep the buffers of every run so far.
                System.gc();
            } catch (InputException e) {
                throw e;
            } catch (RuntimeException e) {
                if (DiskFull.isCause(e)) {
                    throw new InputException(Failures.describe(e) + " (while training " + run.name() + ")"
                            + "; stopped scheduling runs, those finished so far are kept; once there is space, continue with"
                            + " 'hyperprune experiment --out " + directory + " --resume' and the same settings", e);
                }
                failed++;
                StringWriter trace = new StringWriter();
                e.printStackTrace(new PrintWriter(trace));
                String message = Failures.describe(e);
                AtomicFiles.writeString(runDirectory.resolve(FAILED), Json.write(Map.of("message", message, "trace", trace.toString())));
                listener.runFinished(run, "failed: " + message, (System.nanoTime() - runStart) / 1e9);
            }
        }
        return new Summary(runs.size(), completed, diverged, failed, skipped, busy, List.copyOf(criterionFailures),
                (System.nanoTime() - start) / 1e9);
    }

    /** Trained (or diverged) and pruned by every criterion, or its failed criteria are not to be redone now. */
    private static boolean finished(Path runDirectory, RunResult result, boolean retryFailed) {
        if (!result.completed()) {
            return true;
        }
        return Files.exists(runDirectory.resolve(PRUNE)) && !(retryFailed && Files.exists(runDirectory.resolve(PRUNE_FAILED)));
    }

    private List<PruningCriterion> criteria() {
        return config.criteria().stream().map(id -> registry.select(PruningCriterion.class, id)).toList();
    }

    /**
     * The runs in the order worker processes claim them: most epochs first, so the last runs to start
     * are short ones and the workers finish close together (grid order among equals).
     */
    public static List<GridRun> longestFirst(List<GridRun> runs) {
        return runs.stream().sorted(java.util.Comparator.comparingInt((GridRun run) -> run.spec().epochs()).reversed()).toList();
    }

    public Path runDirectory(GridRun run) {
        return directory.resolve("runs").resolve(run.name());
    }

    /**
     * Prunes a trained run by every criterion and writes {@value #PRUNE}: a criterion that breaks its
     * contract (a {@link PluginFault} of that criterion) loses only its own rows, recorded in {@value #PRUNE_FAILED}; the
     * rows of criteria that succeeded earlier are kept, so a retry redoes only the failed ones.
     *
     * @return one message per failed criterion
     */
    private List<String> writePrune(Path runDirectory, Trainer trainer, RunResolver.Resolved resolved, List<PruningCriterion> criteria) {
        ComponentOptions evidenceOptions = new ComponentOptions(resolved.evidence().id(), resolved.config().evidence().options());
        PruningSweep sweep = new PruningSweep(trainer, resolved.evidence(), evidenceOptions, resolved.config().seed());
        List<Double> fractions = config.levels().stream().map(level -> level / 100).toList();
        List<Double> lambdas = resolved.config().lambdas();
        Path pruneFile = runDirectory.resolve(PRUNE);
        // Rows by criterion, then lambda (a sweep evaluates all lambdas of a criterion together).
        Map<String, Map<Double, List<String>>> rows = Files.exists(pruneFile) ? readPruneRows(pruneFile) : new LinkedHashMap<>();
        Map<String, String> failures = new LinkedHashMap<>();
        for (PruningCriterion criterion : criteria) {
            if (rows.containsKey(criterion.id())) {
                continue; // pruned by this criterion earlier
            }
            ComponentOptions criterionOptions = new ComponentOptions(criterion.id(), config.options().getOrDefault(criterion.id(), Map.of()));
            try {
                Map<Double, List<String>> byLambda = new LinkedHashMap<>();
                for (PruningSweep.Point point : sweep.sweep(lambdas, criterion, criterionOptions, config.pruningScope(), fractions)) {
                    byLambda.computeIfAbsent(point.lambda(), l -> new ArrayList<>()).add(String.format(Locale.ROOT,
                            "%s,%s,%s,%s,%.4f,%d", point.lambda(), point.criterion(), point.scope().name().toLowerCase(Locale.ROOT),
                            point.deletedPercent(), point.accuracy(), point.remainingParameters()));
                }
                rows.put(criterion.id(), byLambda);
            } catch (PluginFault e) {
                if (!e.isFaultOf(PruningCriterion.class, criterion)) {
                    throw e; // e.g. the evidence's view: every criterion would fail the same way
                }
                failures.put(criterion.id(), e.getMessage());
            }
        }
        StringBuilder csv = new StringBuilder(PRUNE_HEADER).append('\n');
        for (double lambda : lambdas) { // lambda by lambda, criteria in the experiment's order
            for (PruningCriterion criterion : criteria) {
                rows.getOrDefault(criterion.id(), Map.of()).getOrDefault(lambda, List.of()).forEach(row -> csv.append(row).append('\n'));
            }
        }
        AtomicFiles.writeString(pruneFile, csv.toString());
        if (failures.isEmpty()) {
            deleteIfExists(runDirectory.resolve(PRUNE_FAILED));
        } else {
            AtomicFiles.writeString(runDirectory.resolve(PRUNE_FAILED), Json.write(failures));
        }
        return failures.entrySet().stream().map(e -> "criterion '" + e.getKey() + "': " + e.getValue()).toList();
    }

    /** {@value #PRUNE}'s rows by criterion and lambda. */
    private static Map<String, Map<Double, List<String>>> readPruneRows(Path file) {
        Map<String, Map<Double, List<String>>> rows = new LinkedHashMap<>();
        List<String> lines = readLines(file);
        for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.split(",");
            rows.computeIfAbsent(f[1], c -> new LinkedHashMap<>()).computeIfAbsent(Double.parseDouble(f[0]), l -> new ArrayList<>()).add(line);
        }
        return rows;
    }

    /** The criteria that failed on a run, with their messages. */
    private static Map<String, String> failedCriteria(Path runDirectory) {
        Path file = runDirectory.resolve(PRUNE_FAILED);
        if (!Files.exists(file)) {
            return Map.of();
        }
        try {
            Map<String, String> failures = new LinkedHashMap<>();
            Json.MAPPER.readTree(file.toFile()).fields().forEachRemaining(e -> failures.put(e.getKey(),
                    "criterion '" + e.getKey() + "': " + e.getValue().asText()));
            return failures;
        } catch (IOException e) {
            throw new InputException("cannot read " + file + ": " + e.getMessage() + "; delete it and run with --resume --retry-failed", e);
        }
    }

    private static ExperimentConfig readConfig(Path file) {
        try {
            return Json.MAPPER.readValue(file.toFile(), ExperimentConfig.class);
        } catch (IOException | RuntimeException e) {
            throw new InputException(file + " is not an experiment configuration (" + Failures.describe(e) + "); it records the"
                    + " settings of the experiment in this directory: restore it, or choose another --out", e);
        }
    }

    /** The keys of {@code experiment.json} whose values differ. */
    private static List<String> differences(ExperimentConfig a, ExperimentConfig b) {
        var left = Json.MAPPER.valueToTree(a);
        var right = Json.MAPPER.valueToTree(b);
        List<String> keys = new ArrayList<>();
        left.fieldNames().forEachRemaining(key -> {
            if (!left.get(key).equals(right.get(key))) {
                keys.add(key + " " + left.get(key) + " there, " + right.get(key) + " now");
            }
        });
        return keys;
    }

    /**
     * Rebuilds {@code results.csv} (and {@code agreement.csv}, {@code summary.json}) from every
     * finished run directory of the whole grid, whichever process or shard ran it.
     */
    public void writeResults(Map<String, Object> summary) {
        // Shards of one grid finish at any time: one writer at a time, each reading every run anew.
        try (Claim writer = awaitClaim(directory.resolve(RESULTS_CLAIM))) {
            writeResultsHoldingClaim(summary);
        }
    }

    private void writeResultsHoldingClaim(Map<String, Object> summary) {
        StringBuilder results = new StringBuilder(RESULTS_HEADER).append('\n');
        int rows = 0;
        for (GridRun run : grid()) {
            Path runDirectory = runDirectory(run);
            Optional<RunResult> result = Files.exists(runDirectory) ? TrainingRun.readResult(runDirectory) : Optional.empty();
            Path prune = runDirectory.resolve(PRUNE);
            if (result.isEmpty() || !result.get().completed() || !Files.exists(prune)) {
                continue;
            }
            List<String> lines = readLines(prune);
            for (String line : lines.subList(1, lines.size())) {
                if (line.isBlank()) {
                    continue;
                }
                String[] f = line.split(",");
                results.append(String.join(",", run.name(), run.model(), run.spec().evidence(), run.spec().hypernetwork(), f[0],
                        String.valueOf(run.restart()), f[1], f[2], f[3], f[4], f[5],
                        String.format(Locale.ROOT, "%.3f", result.get().trainingSeconds()))).append('\n');
                rows++;
            }
        }
        AtomicFiles.writeString(directory.resolve(RESULTS), results.toString());
        Map<String, Object> all = new LinkedHashMap<>(summary);
        all.put("results", rows);
        all.put("config", config);
        AtomicFiles.writeString(directory.resolve(SUMMARY), Json.write(all));
    }

    /** Waits for a short-lived claim (one writer of the shared result files); a dead holder's is taken over. */
    private static Claim awaitClaim(Path file) {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.MINUTES.toNanos(10);
        while (true) {
            Optional<Claim> claim = Claim.tryAcquire(file);
            if (claim.isPresent()) {
                return claim.get();
            }
            if (System.nanoTime() > deadline) {
                throw new InputException(file + " has been held by " + Claim.liveHolder(file).map(Object::toString).orElse("another process")
                        + " for 10 minutes; if that process is stuck, stop it, then run 'hyperprune report' on this directory");
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for " + file, e);
            }
        }
    }

    /**
     * The theorem check: for every finished hypernetwork run and lambda, the agreement of its pruning
     * scores with those of the plain run of the same evidence, lambda and restart. A run whose model
     * cannot be used, or a criterion that fails, loses only its rows.
     *
     * @return what could not be compared, and why
     */
    public List<String> writeAgreement() {
        List<String> problems = new ArrayList<>();
        try (Claim writer = awaitClaim(directory.resolve(RESULTS_CLAIM))) {
            writeAgreementHoldingClaim(problems);
        }
        return problems;
    }

    private void writeAgreementHoldingClaim(List<String> problems) {
        List<GridRun> grid = grid();
        StringBuilder csv = new StringBuilder(AGREEMENT_HEADER).append('\n');
        List<PruningCriterion> criteria = config.criteria().stream().map(id -> registry.select(PruningCriterion.class, id)).toList();
        // A plain run (all its lambdas side by side) serves every lambda of each hypernetwork of its evidence: loaded once.
        Map<GridRun, PruningSweep> plainSweeps = new HashMap<>();
        for (GridRun hyper : grid) {
            if (hyper.spec().plain() || !finished(hyper)) {
                continue;
            }
            try {
                RunResolver.Resolved hyperResolved = resolver.resolve(hyper.spec());
                Trainer hyperTrainer = trainingRun(hyper, hyperResolved).load();
                for (double lambda : hyper.spec().lambdas()) {
                    Optional<GridRun> plain = grid.stream().filter(p -> p.spec().plain() && p.restart() == hyper.restart()
                            && p.spec().evidence().equals(hyper.spec().evidence()) && p.spec().lambdas().contains(lambda) && finished(p))
                            .findFirst();
                    if (plain.isEmpty()) {
                        continue;
                    }
                    ComponentOptions evidenceOptions = new ComponentOptions(hyper.spec().evidence(), hyperResolved.config().evidence().options());
                    PruningSweep hyperSweep = new PruningSweep(hyperTrainer, hyperResolved.evidence(), evidenceOptions, hyper.spec().seed());
                    PruningSweep plainSweep;
                    try {
                        plainSweep = plainSweeps.computeIfAbsent(plain.get(), run -> {
                            RunResolver.Resolved plainResolved = resolver.resolve(run.spec());
                            return new PruningSweep(trainingRun(run, plainResolved).load(), plainResolved.evidence(), evidenceOptions,
                                    hyper.spec().seed());
                        });
                    } catch (RuntimeException e) {
                        problems.add(plain.get().name() + ": " + Failures.describe(e));
                        continue;
                    }
                    for (PruningCriterion criterion : criteria) {
                        ComponentOptions options = new ComponentOptions(criterion.id(), config.options().getOrDefault(criterion.id(), Map.of()));
                        try {
                            ScoreAgreement.Result agreement = ScoreAgreement.compare(
                                    hyperSweep.scores(hyperSweep.weights(lambda), criterion, options),
                                    plainSweep.scores(plainSweep.weights(lambda), criterion, options), config.pruningScope(), AGREEMENT_LEVELS);
                            csv.append(String.format(Locale.ROOT, "%s,%s,%s,%d,%s,%.4f,%.4f,%.4f,%.4f%n", hyper.spec().evidence(),
                                    hyper.spec().hypernetwork(), lambda, hyper.restart(), criterion.id(), agreement.spearman(),
                                    agreement.iou().get(0), agreement.iou().get(1), agreement.iou().get(2)));
                        } catch (RuntimeException e) {
                            problems.add(hyper.name() + " at lambda " + lambda + ", criterion '" + criterion.id() + "': " + Failures.describe(e));
                        }
                    }
                }
            } catch (RuntimeException e) {
                problems.add(hyper.name() + ": " + Failures.describe(e));
            }
        }
        AtomicFiles.writeString(directory.resolve(AGREEMENT), csv.toString());
    }

    private boolean finished(GridRun run) {
        Path runDirectory = runDirectory(run);
        return Files.exists(runDirectory.resolve(PRUNE))
                && TrainingRun.readResult(runDirectory).map(RunResult::completed).orElse(false);
    }

    private TrainingRun trainingRun(GridRun run, RunResolver.Resolved resolved) {
        return new TrainingRun(resolved.config(), resolved.evidence(), resolved.hypernetwork(), resolved.data(), runDirectory(run));
    }

    private static List<String> readLines(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteIfExists(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
