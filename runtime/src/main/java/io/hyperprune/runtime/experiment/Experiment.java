package io.hyperprune.runtime.experiment;

import static java.util.Objects.requireNonNull;

import io.hyperprune.api.InputException;
import io.hyperprune.api.PruningCriterion;
import io.hyperprune.engine.train.Trainer;
import io.hyperprune.runtime.run.AtomicFiles;
import io.hyperprune.runtime.run.DiskFull;
import io.hyperprune.runtime.run.Json;
import io.hyperprune.runtime.run.Progress;
import io.hyperprune.runtime.run.RunResolver;
import io.hyperprune.runtime.run.RunResult;
import io.hyperprune.runtime.run.TrainingRun;
import io.hyperprune.runtime.wiring.ComponentRegistry;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
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
    /** A hypernetwork run's accuracy surface (prune.csv's layout, more lambdas); the grid's, results.csv's layout. */
    public static final String SURFACE = "surface.csv";

    static final String SURFACE_FAILED = "surface-failed.json";
    static final String FAILED = "failed.json";

    private final ExperimentConfig config;
    private final Path directory;
    private final RunResolver resolver;
    private final ComponentRegistry registry;
    private final TrainingRun.Schedule schedule;
    private final RunPruning pruning;
    private final GridResults results;

    public Experiment(ExperimentConfig config, Path directory, RunResolver resolver, ComponentRegistry registry) {
        this(config, directory, resolver, registry, TrainingRun.Schedule.EVERY_EPOCH);
    }

    /** As above, each run evaluated and saved as {@code schedule} says. */
    public Experiment(
            ExperimentConfig config,
            Path directory,
            RunResolver resolver,
            ComponentRegistry registry,
            TrainingRun.Schedule schedule) {
        this.schedule = requireNonNull(schedule, "schedule is null");
        this.config = requireNonNull(config, "config is null");
        this.directory = requireNonNull(directory, "directory is null");
        this.resolver = requireNonNull(resolver, "resolver is null");
        this.registry = requireNonNull(registry, "registry is null");
        this.pruning = new RunPruning(config);
        this.results = new GridResults(this, config, directory, resolver, registry);
    }

    /** Hears about runs starting and ending, and gives each run its epoch progress. */
    public interface Listener {
        Progress runStarted(int position, int total, GridRun run);

        default void runFinished(GridRun run, String status, double seconds) {}

        /** A run another live process is training: left to it. */
        default void runBusy(GridRun run, Claim.Owner owner) {}

        /**
         * Runs held from another host, watched now: each is left to its holder once the claim is renewed,
         * or taken over once it went {@code staleAfter} unrenewed.
         */
        default void waiting(List<GridRun> runs, Duration staleAfter) {}
    }

    /** The whole grid: see {@link Grid#of}. */
    public List<GridRun> grid() {
        return Grid.of(config);
    }

    /**
     * Summary of one invocation.
     *
     * @param busy runs this process left because another live process holds their claim
     * @param criterionFailures criteria that failed on a run (their rows are missing; the other criteria's are kept)
     */
    public record Summary(
            int total,
            int completed,
            int diverged,
            int failed,
            int skipped,
            int busy,
            List<String> criterionFailures,
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
        ExperimentRecord.check(directory, config);
        if (Files.exists(directory.resolve(CONFIG)) && !resume) {
            throw new InputException(directory + " already holds this experiment (" + directory.resolve(CONFIG)
                    + "); add --resume to continue it, or choose another --out");
        }
        if (!resume) {
            for (GridRun run : runs) {
                if (Files.exists(runDirectory(run))) {
                    throw new InputException("run directory " + runDirectory(run)
                            + " already exists; add --resume to continue the experiment, or choose another --out");
                }
            }
        }
    }

    /** Records the (checked) configuration as {@code experiment.json}, once: it is never replaced. */
    public void record() {
        ExperimentRecord.record(directory, config);
    }

    /**
     * Runs this process's share of the grid. Every run is trained only by the process that claims it
     * (see {@link Claim}): worker processes, shards of an array job and any other process given the same
     * runs share them out as they go, and no run is ever trained by two processes at once. A run held by a
     * live process on this host is left to it. A run held from another host is watched after the others:
     * left to its holder once the claim is renewed, taken over once it is stale (its holder was killed, e.g.
     * a preempted array task whose requeued attempt runs on another node), so no run of the share is lost.
     * A criterion that fails on a run fails only its own rows ({@value #PRUNE_FAILED}, redone with
     * {@code retryFailed}). Call {@link #check} and {@link #record} first.
     *
     * @throws InputException when the
     *     disk is full (scheduling stops; the runs finished so far are kept)
     */
    public Summary run(List<GridRun> runs, boolean retryFailed, Listener listener) {
        Pass pass = new Pass(runs.size(), retryFailed, listener, criteria());
        long start = System.nanoTime();
        Map<GridRun, Claim.Sighting> watched = new LinkedHashMap<>();
        Map<GridRun, Integer> positions = new HashMap<>();
        int position = 0;
        for (GridRun run : runs) {
            position++;
            positions.put(run, position);
            if (doneEarlier(run, pass)) {
                continue;
            }
            Path claimFile = runDirectory(run).resolve(CLAIM);
            Optional<Claim> claim = Claim.tryAcquire(claimFile);
            if (claim.isPresent()) {
                train(run, position, claim.get(), pass);
                continue;
            }
            Optional<Claim.Sighting> sighting = Claim.sighting(claimFile);
            if (sighting.isPresent()) {
                watched.put(run, sighting.get());
            } else {
                leave(run, claimFile, pass);
            }
        }
        if (!watched.isEmpty()) {
            listener.waiting(List.copyOf(watched.keySet()), Claim.STALE_AFTER);
        }
        while (!watched.isEmpty()) {
            sleep(Claim.WATCH_INTERVAL);
            for (Iterator<Map.Entry<GridRun, Claim.Sighting>> it =
                            watched.entrySet().iterator();
                    it.hasNext(); ) {
                Map.Entry<GridRun, Claim.Sighting> entry = it.next();
                GridRun run = entry.getKey();
                Path claimFile = runDirectory(run).resolve(CLAIM);
                if (doneEarlier(run, pass)) {
                    it.remove();
                    continue;
                }
                Optional<Claim> claim = Claim.tryAcquire(claimFile);
                if (claim.isPresent()) {
                    it.remove();
                    train(run, positions.get(run), claim.get(), pass);
                } else if (Claim.renewedSince(claimFile, entry.getValue())) {
                    it.remove();
                    leave(run, claimFile, pass);
                }
            }
        }
        return new Summary(
                runs.size(),
                pass.completed,
                pass.diverged,
                pass.failed,
                pass.skipped,
                pass.busy,
                List.copyOf(pass.criterionFailures),
                (System.nanoTime() - start) / 1e9);
    }

    /** One call of {@link #run}: its settings and what it counted so far. */
    private static final class Pass {
        final int total;
        final boolean retryFailed;
        final Listener listener;
        final List<PruningCriterion> criteria;
        final List<String> criterionFailures = new ArrayList<>();
        int completed;
        int diverged;
        int failed;
        int skipped;
        int busy;

        Pass(int total, boolean retryFailed, Listener listener, List<PruningCriterion> criteria) {
            this.total = total;
            this.retryFailed = retryFailed;
            this.listener = listener;
            this.criteria = criteria;
        }
    }

    /** True (and counted) if the run failed earlier or is finished: nothing to do now. */
    private boolean doneEarlier(GridRun run, Pass pass) {
        Path runDirectory = runDirectory(run);
        if (Files.exists(runDirectory.resolve(FAILED)) && !pass.retryFailed) {
            pass.failed++;
            pass.skipped++;
            pass.listener.runFinished(run, "failed earlier (use --retry-failed)", 0);
            return true;
        }
        Optional<RunResult> finished =
                Files.exists(runDirectory) ? TrainingRun.readResult(runDirectory) : Optional.empty();
        if (finished.isEmpty() || !finished(run, runDirectory, finished.get(), pass.retryFailed)) {
            return false;
        }
        pass.skipped++;
        if (finished.get().completed()) {
            pass.completed++;
            List<String> earlier = RunPruning.failedCriteria(runDirectory).stream()
                    .map(m -> run.name() + ": " + m)
                    .toList();
            pass.criterionFailures.addAll(earlier);
            pass.listener.runFinished(
                    run,
                    earlier.isEmpty()
                            ? "done earlier"
                            : "done earlier; " + earlier.size() + " criterion failed (use --retry-failed)",
                    0);
        } else {
            pass.diverged++;
            pass.listener.runFinished(run, "done earlier", 0);
        }
        return true;
    }

    /** Leaves a run to the live process holding its claim. */
    private static void leave(GridRun run, Path claimFile, Pass pass) {
        pass.busy++;
        pass.skipped++;
        Claim.liveHolder(claimFile).ifPresent(owner -> pass.listener.runBusy(run, owner));
    }

    /** Trains and prunes a run this process has just claimed, then gives the claim back. */
    private void train(GridRun run, int position, Claim claim, Pass pass) {
        Path runDirectory = runDirectory(run);
        long runStart = System.nanoTime();
        try (Claim held = claim) {
            // Another process may have finished it between this process's look and its claim.
            Optional<RunResult> finished = TrainingRun.readResult(runDirectory);
            if ((finished.isPresent() && finished(run, runDirectory, finished.get(), pass.retryFailed))
                    || (Files.exists(runDirectory.resolve(FAILED)) && !pass.retryFailed)) {
                pass.skipped++;
                return;
            }
            AtomicFiles.delete(runDirectory.resolve(FAILED));
            // A killed holder's half-written files: this process owns the run now.
            AtomicFiles.deleteLeftoverTempFiles(runDirectory);
            AtomicFiles.writeString(
                    runDirectory.resolve(TrainingRun.EXPERIMENT_MARKER),
                    Json.write(Map.of("name", run.name(), "model", run.model(), "restart", run.restart())));
            RunResolver.Resolved resolved = resolver.resolve(run.spec());
            TrainingRun training = new TrainingRun(
                    resolved.config(),
                    resolved.evidence(),
                    resolved.hypernetwork(),
                    resolved.data(),
                    runDirectory,
                    schedule);
            Progress progress = pass.listener.runStarted(position, pass.total, run);
            Trainer trainer;
            RunResult result;
            if (finished.isPresent() && finished.get().completed() && Files.exists(runDirectory.resolve(PRUNE))) {
                result = finished.get(); // trained and pruned: only failed criteria and a missing surface are redone
                trainer = training.load();
            } else {
                TrainingRun.Outcome outcome = training.runInExperiment(progress);
                result = outcome.result();
                trainer = outcome.trainer();
            }
            if (result.completed()) {
                List<String> failures = pruning.write(runDirectory, trainer, resolved, pass.criteria);
                failures.forEach(failure -> pass.criterionFailures.add(run.name() + ": " + failure));
                pass.completed++;
                pass.listener.runFinished(
                        run,
                        failures.isEmpty()
                                ? result.status()
                                : result.status() + "; " + failures.size() + " criterion failed: "
                                        + String.join("; ", failures),
                        (System.nanoTime() - runStart) / 1e9);
            } else {
                pass.diverged++;
                pass.listener.runFinished(run, result.status(), (System.nanoTime() - runStart) / 1e9);
            }
            // The finished run's graph and its ND4J buffers (off-heap, freed only when their Java objects
            // are collected) are garbage now; a large heap may not collect for several runs, so the
            // process's resident memory would keep the buffers of every run so far.
            System.gc();
        } catch (InputException e) {
            throw e;
        } catch (RuntimeException e) {
            if (DiskFull.isCause(e)) {
                throw new InputException(
                        Failures.describe(e) + " (while training " + run.name() + ")"
                                + "; stopped scheduling runs, those finished so far are kept; once there is space, continue with"
                                + " 'hyperprune experiment --out " + directory + " --resume' and the same settings",
                        e);
            }
            pass.failed++;
            StringWriter trace = new StringWriter();
            e.printStackTrace(new PrintWriter(trace));
            String message = Failures.describe(e);
            AtomicFiles.writeString(
                    runDirectory.resolve(FAILED), Json.write(Map.of("message", message, "trace", trace.toString())));
            pass.listener.runFinished(run, "failed: " + message, (System.nanoTime() - runStart) / 1e9);
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for runs held from another host", e);
        }
    }

    /**
     * Trained (or diverged), pruned by every criterion and, for a hypernetwork, its surface swept; or its failed
     * criteria are not to be redone now.
     */
    private boolean finished(GridRun run, Path runDirectory, RunResult result, boolean retryFailed) {
        if (!result.completed()) {
            return true;
        }
        return Files.exists(runDirectory.resolve(PRUNE))
                && !(retryFailed && Files.exists(runDirectory.resolve(PRUNE_FAILED)))
                && !RunPruning.surfaceMissing(config, run, runDirectory, retryFailed);
    }

    private List<PruningCriterion> criteria() {
        return config.criteria().stream()
                .map(id -> registry.select(PruningCriterion.class, id))
                .toList();
    }

    public Path runDirectory(GridRun run) {
        return directory.resolve("runs").resolve(run.name());
    }

    /**
     * Rebuilds {@code results.csv} and {@code summary.json} from every finished run directory of the
     * whole grid, whichever process or shard ran it.
     */
    public void writeResults(Map<String, Object> summary) {
        results.writeResults(summary);
    }

    /**
     * The theorem check ({@code agreement.csv}): a hypernetwork's pruning scores against the plain model's
     * at each lambda. A run whose model cannot be used, or a criterion that fails, loses only its rows.
     *
     * @return what could not be compared, and why
     */
    public List<String> writeAgreement() {
        return results.writeAgreement();
    }
}
