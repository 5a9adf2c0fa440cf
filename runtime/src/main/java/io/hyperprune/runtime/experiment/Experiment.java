package io.hyperprune.runtime.experiment;

import static java.util.Objects.requireNonNull;

import io.hyperprune.api.ComponentOptions;
import io.hyperprune.api.InputException;
import io.hyperprune.api.PruningCriterion;
import io.hyperprune.runtime.engine.Trainer;
import io.hyperprune.runtime.pruning.PruningSweep;
import io.hyperprune.runtime.pruning.ScoreAgreement;
import io.hyperprune.runtime.run.AtomicFiles;
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
    /** Marks a run a worker process is training. */
    public static final String CLAIM = "claimed-by-worker";
    public static final String SUMMARY = "summary.json";
    static final String PRUNE = "prune.csv";
    static final String GRID = "grid.json";
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
                    boolean plain = hypernetwork.equals(io.hyperprune.runtime.engine.ConstantHypernetwork.ID);
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

    /** Summary of one invocation. */
    public record Summary(int total, int completed, int diverged, int failed, int skipped, double seconds) {}

    /**
     * Runs this process's share of the grid.
     *
     * @throws InputException before any training if a component, option or data set is wrong
     */
    public Summary run(List<GridRun> runs, boolean resume, boolean retryFailed, Listener listener) {
        return run(runs, resume, retryFailed, listener, false);
    }

    /**
     * As above; with {@code claim}, a run is trained only if this process claims it first (an atomically
     * created {@value #CLAIM} file in its directory, removed when it ends): worker processes given the
     * same runs share them out as they go, so none idles while another still has several left.
     */
    public Summary run(List<GridRun> runs, boolean resume, boolean retryFailed, Listener listener, boolean claim) {
        // Resolve everything first: a typo in a component id must fail before hours of training.
        List<PruningCriterion> criteria = config.criteria().stream().map(id -> registry.select(PruningCriterion.class, id)).toList();
        for (GridRun run : runs) {
            resolver.resolve(run.spec(), criteria);
        }
        for (PruningCriterion criterion : criteria) {
            new io.hyperprune.runtime.run.ComponentOptionsParser(config.options()).optionsFor(criterion);
        }
        long start = System.nanoTime();
        int completed = 0;
        int diverged = 0;
        int failed = 0;
        int skipped = 0;
        int position = 0;
        for (GridRun run : runs) {
            position++;
            Path runDirectory = runDirectory(run);
            Optional<RunResult> finished = Files.exists(runDirectory) ? TrainingRun.readResult(runDirectory) : Optional.empty();
            boolean hasPrune = Files.exists(runDirectory.resolve(PRUNE));
            if (Files.exists(runDirectory) && !resume) {
                throw new InputException("run directory " + runDirectory + " already exists; add --resume to continue the"
                        + " experiment, or choose another --out");
            }
            if (Files.exists(runDirectory.resolve(FAILED)) && !retryFailed) {
                failed++;
                skipped++;
                listener.runFinished(run, "failed earlier (use --retry-failed)", 0);
                continue;
            }
            if (finished.isPresent() && (hasPrune || !finished.get().completed())) {
                skipped++;
                if (finished.get().completed()) {
                    completed++;
                } else {
                    diverged++;
                }
                listener.runFinished(run, "done earlier", 0);
                continue;
            }
            if (claim && !claim(runDirectory)) {
                skipped++; // another worker's: it reports the run
                continue;
            }
            long runStart = System.nanoTime();
            try {
                deleteIfExists(runDirectory.resolve(FAILED));
                AtomicFiles.writeString(runDirectory.resolve(GRID), Json.write(Map.of("name", run.name(), "model", run.model(),
                        "restart", run.restart())));
                RunResolver.Resolved resolved = resolver.resolve(run.spec());
                TrainingRun training = new TrainingRun(resolved.config(), resolved.evidence(), resolved.hypernetwork(),
                        resolved.data(), runDirectory, schedule);
                Progress progress = listener.runStarted(position, runs.size(), run);
                TrainingRun.Outcome outcome = training.run(true, progress);
                if (outcome.result().completed()) {
                    writePrune(runDirectory, outcome.trainer(), resolved, criteria);
                    completed++;
                } else {
                    diverged++;
                }
                listener.runFinished(run, outcome.result().status(), (System.nanoTime() - runStart) / 1e9);
                // The finished run's graph and its ND4J buffers (off-heap, freed only when their Java objects
                // are collected) are garbage now; a large heap may not collect for several runs, so the
                // process's resident memory would keep the buffers of every run so far.
                System.gc();
            } catch (InputException e) {
                throw e;
            } catch (RuntimeException e) {
                failed++;
                StringWriter trace = new StringWriter();
                e.printStackTrace(new PrintWriter(trace));
                AtomicFiles.writeString(runDirectory.resolve(FAILED), Json.write(Map.of("message", String.valueOf(e.getMessage()),
                        "trace", trace.toString())));
                listener.runFinished(run, "failed: " + e.getMessage(), (System.nanoTime() - runStart) / 1e9);
            } finally {
                if (claim) {
                    deleteIfExists(runDirectory.resolve(CLAIM));
                }
            }
        }
        return new Summary(runs.size(), completed, diverged, failed, skipped, (System.nanoTime() - start) / 1e9);
    }

    /**
     * Claims an unfinished run for this process. A run another process finished between this process's
     * look and its claim (it removes its claim only after writing the result) is not claimed.
     */
    private boolean claim(Path runDirectory) {
        try {
            Files.createDirectories(runDirectory);
            Files.createFile(runDirectory.resolve(CLAIM));
        } catch (java.nio.file.FileAlreadyExistsException e) {
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        boolean done = Files.exists(runDirectory.resolve(FAILED))
                || TrainingRun.readResult(runDirectory).map(result -> !result.completed() || Files.exists(runDirectory.resolve(PRUNE))).orElse(false);
        if (done) {
            deleteIfExists(runDirectory.resolve(CLAIM));
        }
        return !done;
    }

    /** Removes claims left by worker processes that died (call before starting new ones on these runs). */
    public void releaseClaims(List<GridRun> runs) {
        runs.forEach(run -> deleteIfExists(runDirectory(run).resolve(CLAIM)));
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

    private void writePrune(Path runDirectory, Trainer trainer, RunResolver.Resolved resolved, List<PruningCriterion> criteria) {
        ComponentOptions evidenceOptions = new ComponentOptions(resolved.evidence().id(), resolved.config().evidence().options());
        PruningSweep sweep = new PruningSweep(trainer, resolved.evidence(), evidenceOptions, resolved.config().seed());
        List<Double> fractions = config.levels().stream().map(level -> level / 100).toList();
        StringBuilder csv = new StringBuilder("lambda,criterion,scope,deleted_percent,accuracy,remaining_parameters\n");
        List<Double> lambdas = resolved.config().lambdas();
        // All lambdas of a criterion in one sweep (evaluated together); rows stay lambda by lambda.
        Map<Double, StringBuilder> rows = new LinkedHashMap<>();
        lambdas.forEach(lambda -> rows.put(lambda, new StringBuilder()));
        for (PruningCriterion criterion : criteria) {
            ComponentOptions criterionOptions = new ComponentOptions(criterion.id(), config.options().getOrDefault(criterion.id(), Map.of()));
            for (PruningSweep.Point point : sweep.sweep(lambdas, criterion, criterionOptions, config.pruningScope(), fractions)) {
                rows.get(point.lambda()).append(String.format(Locale.ROOT, "%s,%s,%s,%s,%.4f,%d%n", point.lambda(), point.criterion(),
                        point.scope().name().toLowerCase(Locale.ROOT), point.deletedPercent(), point.accuracy(),
                        point.remainingParameters()));
            }
        }
        rows.values().forEach(csv::append);
        AtomicFiles.writeString(runDirectory.resolve(PRUNE), csv.toString());
    }

    /**
     * Rebuilds {@code results.csv} (and {@code agreement.csv}, {@code summary.json}) from every
     * finished run directory of the whole grid, whichever process or shard ran it.
     */
    public void writeResults(Map<String, Object> summary) {
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

    /**
     * The theorem check: for every finished hypernetwork run and lambda, the agreement of its pruning
     * scores with those of the plain run of the same evidence, lambda and restart.
     */
    public void writeAgreement() {
        List<GridRun> grid = grid();
        StringBuilder csv = new StringBuilder(AGREEMENT_HEADER).append('\n');
        List<PruningCriterion> criteria = config.criteria().stream().map(id -> registry.select(PruningCriterion.class, id)).toList();
        // A plain run (all its lambdas side by side) serves every lambda of each hypernetwork of its evidence: loaded once.
        Map<GridRun, PruningSweep> plainSweeps = new HashMap<>();
        for (GridRun hyper : grid) {
            if (hyper.spec().plain() || !finished(hyper)) {
                continue;
            }
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
                PruningSweep plainSweep = plainSweeps.computeIfAbsent(plain.get(), run -> {
                    RunResolver.Resolved plainResolved = resolver.resolve(run.spec());
                    return new PruningSweep(trainingRun(run, plainResolved).load(), plainResolved.evidence(), evidenceOptions, hyper.spec().seed());
                });
                for (PruningCriterion criterion : criteria) {
                    ComponentOptions options = new ComponentOptions(criterion.id(), config.options().getOrDefault(criterion.id(), Map.of()));
                    ScoreAgreement.Result agreement = ScoreAgreement.compare(
                            hyperSweep.scores(hyperSweep.weights(lambda), criterion, options),
                            plainSweep.scores(plainSweep.weights(lambda), criterion, options), config.pruningScope(), AGREEMENT_LEVELS);
                    csv.append(String.format(Locale.ROOT, "%s,%s,%s,%d,%s,%.4f,%.4f,%.4f,%.4f%n", hyper.spec().evidence(),
                            hyper.spec().hypernetwork(), lambda, hyper.restart(), criterion.id(), agreement.spearman(),
                            agreement.iou().get(0), agreement.iou().get(1), agreement.iou().get(2)));
                }
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
