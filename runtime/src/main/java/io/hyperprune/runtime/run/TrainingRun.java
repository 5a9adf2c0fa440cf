package io.hyperprune.runtime.run;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import io.hyperprune.api.ComponentOptions;
import io.hyperprune.api.Dataset;
import io.hyperprune.api.Evidence;
import io.hyperprune.api.Hypernetwork;
import io.hyperprune.api.InputException;
import io.hyperprune.engine.graph.ModelSpec;
import io.hyperprune.engine.train.DivergedException;
import io.hyperprune.engine.train.EpochMetrics;
import io.hyperprune.engine.train.Trainer;
import io.hyperprune.engine.train.Training;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Trains one run into its directory: {@code config.json} (provenance), {@code metrics.csv} (per epoch
 * and lambda), {@code model.npz} (the weights and their Adam state, {@link ModelFile}) with {@code checkpoint.json}
 * (the epoch it holds), rewritten as the {@link Schedule} says, so an interrupted run resumes from the
 * last saved epoch, and {@code result.json}, written last. Every file is replaced atomically.
 */
public final class TrainingRun {

    public static final String CONFIG = "config.json";
    public static final String METRICS = "metrics.csv";
    public static final String MODEL = "model.npz";
    /** The model file of runs saved by earlier versions: SameDiff's own format, still read. */
    public static final String LEGACY_MODEL = "model.fb";

    public static final String CHECKPOINT = "checkpoint.json";
    public static final String RESULT = "result.json";
    /** Marks a run directory an experiment owns (its grid cell); only that experiment writes into it. */
    public static final String EXPERIMENT_MARKER = "grid.json";

    static final String METRICS_HEADER =
            "epoch,lambda,loss,cross_entropy,penalty,train_accuracy,test_accuracy,train_seconds,eval_seconds";

    private final RunConfig config;
    private final Evidence evidence;
    private final Hypernetwork hypernetwork;
    private final Dataset data;
    private final Path directory;
    private final Schedule schedule;

    /**
     * When a run evaluates (test and training accuracy, the loss) and saves its model for {@code --resume}:
     * after every {@code evaluateEvery}-th epoch (0: none) and the last; after an epoch that ends at least
     * {@code checkpointEvery} after the last save (or the run's start; zero: after every epoch) and
     * after the last. Training is the same either way.
     *
     * <p>Why not save after every epoch: writing the weights and their Adam state took a few per cent of a
     * hypernetwork's epoch per save (docs/performance.md, "Why each kernel exists").
     */
    public record Schedule(int evaluateEvery, Duration checkpointEvery) {

        /** Evaluate and save after every epoch. */
        public static final Schedule EVERY_EPOCH = new Schedule(1, Duration.ZERO);

        public Schedule {
            if (evaluateEvery < 0) {
                throw new InputException(
                        "--eval-every must be >= 0 (0: evaluate after the last epoch only), got " + evaluateEvery);
            }
            requireNonNull(checkpointEvery, "checkpointEvery is null");
            if (checkpointEvery.isNegative()) {
                throw new InputException("--checkpoint-every must be >= 0 seconds (0: after every epoch), got "
                        + checkpointEvery.toSeconds());
            }
        }

        /** From the command line's {@code --eval-every} and {@code --checkpoint-every} (seconds). */
        public static Schedule of(int evaluateEvery, int checkpointEverySeconds) {
            return new Schedule(evaluateEvery, Duration.ofSeconds(checkpointEverySeconds));
        }

        boolean evaluates(int epoch, int lastEpoch) {
            return epoch == lastEpoch || evaluateEvery > 0 && epoch % evaluateEvery == 0;
        }

        boolean saves(int epoch, int lastEpoch, long nanosSinceSave) {
            return epoch == lastEpoch || nanosSinceSave >= checkpointEvery.toNanos();
        }
    }

    public TrainingRun(RunConfig config, Evidence evidence, Hypernetwork hypernetwork, Dataset data, Path directory) {
        this(config, evidence, hypernetwork, data, directory, Schedule.EVERY_EPOCH);
    }

    /** As above, evaluating and saving as {@code schedule} says. */
    public TrainingRun(
            RunConfig config,
            Evidence evidence,
            Hypernetwork hypernetwork,
            Dataset data,
            Path directory,
            Schedule schedule) {
        this.schedule = requireNonNull(schedule, "schedule is null");
        this.config = requireNonNull(config, "config is null");
        this.evidence = requireNonNull(evidence, "evidence is null");
        this.hypernetwork = requireNonNull(hypernetwork, "hypernetwork is null");
        this.data = requireNonNull(data, "data is null");
        this.directory = requireNonNull(directory, "directory is null");
    }

    /** What a finished run leaves in memory for pruning and evaluation. */
    public record Outcome(RunResult result, Trainer trainer) {}

    /**
     * Trains, or continues from the last checkpoint when {@code resume} is true and one exists.
     *
     * @throws InputException if the directory holds another run, a run of an experiment (only the
     *     experiment writes those), or more epochs than asked for
     */
    public Outcome run(boolean resume, Progress progress) {
        if (Files.exists(directory.resolve(EXPERIMENT_MARKER))) {
            Path experiment = directory.toAbsolutePath().getParent().getParent();
            throw new InputException(
                    "run directory " + directory + " belongs to the experiment in " + experiment + " (it holds "
                            + EXPERIMENT_MARKER
                            + "), whose results are computed from it; only that experiment writes it: continue it"
                            + " with 'hyperprune experiment --out " + experiment
                            + " --resume' and the experiment's settings, or train"
                            + " into another --out");
        }
        return train(resume, progress);
    }

    /** As {@link #run} with resume, for the experiment that owns this run directory. */
    public Outcome runInExperiment(Progress progress) {
        return train(true, progress);
    }

    private Outcome train(boolean resume, Progress progress) {
        ModelSpec model = ModelSpec.parse(config.model());
        model.checkCompatible(data.sampleShape(), data.classes(), data.id());
        ComponentOptions evidenceOptions =
                new ComponentOptions(evidence.id(), config.evidence().options());
        int firstEpoch = 1;
        double previousSeconds = 0;
        List<String> metricRows = new ArrayList<>();
        Trainer trainer = null;
        Path configFile = directory.resolve(CONFIG);
        if (Files.exists(configFile)) {
            if (!resume) {
                throw new InputException("run directory " + directory
                        + " already holds a run; use --resume to continue it" + " or choose another --out");
            }
            checkSameRun(configFile);
        }
        Path checkpointFile = directory.resolve(CHECKPOINT);
        Path modelFile = directory.resolve(MODEL);
        Optional<RunFiles.Checkpoint> checkpoint =
                resume ? RunFiles.usableCheckpoint(directory, progress) : Optional.empty();
        String modelSha256 = null;
        if (checkpoint.isPresent()) {
            if (checkpoint.get().epoch() > config.epochs()) {
                throw new InputException("run directory " + directory + " holds a model trained for "
                        + checkpoint.get().epoch()
                        + " epochs; --epochs " + config.epochs() + " cannot shrink it: resume with --epochs "
                        + checkpoint.get().epoch() + " or more, or train into another --out");
            }
            try {
                trainer = trainerFrom(
                        ModelFile.find(
                                directory, Optional.ofNullable(checkpoint.get().modelSha256())),
                        model,
                        evidenceOptions,
                        true,
                        "it is trained again");
                firstEpoch = checkpoint.get().epoch() + 1;
                previousSeconds = checkpoint.get().trainingSeconds();
                modelSha256 = checkpoint.get().modelSha256();
                metricRows.addAll(RunFiles.readMetricRows(directory, firstEpoch - 1));
            } catch (InputException e) {
                progress.warn(e.getMessage() + "; the run starts again from epoch 1");
            }
        }
        if (trainer == null) {
            // Nothing usable to continue from: what describes an earlier model must not outlive it.
            AtomicFiles.delete(directory.resolve(RESULT));
            AtomicFiles.delete(checkpointFile);
            trainer = Training.start(
                    model,
                    evidence,
                    evidenceOptions,
                    hypernetwork,
                    new ComponentOptions(
                            hypernetwork.id(), config.hypernetwork().options()),
                    config.settings(),
                    data);
            AtomicFiles.writeString(configFile, Json.write(config));
        } else if (!Files.exists(configFile) || readConfig(directory).epochs() != config.epochs()) {
            AtomicFiles.writeString(
                    configFile, Json.write(config)); // extended: config.json states the epochs asked for now
        }
        double seconds = previousSeconds;
        EpochMetrics last = null;
        int epoch = firstEpoch;
        long saved = System.nanoTime();
        try {
            for (; epoch <= config.epochs(); epoch++) {
                progress.epochStarted(epoch, config.epochs(), trainer.stepsPerEpoch());
                last = trainer.trainEpoch(epoch, progress::step, schedule.evaluates(epoch, config.epochs()));
                seconds += last.trainSeconds();
                metricRows.addAll(RunFiles.metricRows(last));
                // Rows after the checkpoint's epoch are dropped on resume (readMetricRows), then written again.
                RunFiles.writeMetrics(directory, metricRows);
                if (schedule.saves(epoch, config.epochs(), System.nanoTime() - saved)) {
                    // The model first, then the checkpoint naming its checksum: a kill between the two leaves a
                    // checkpoint that does not match the model, which resume recognises.
                    modelSha256 = ModelFile.save(trainer.graph().sameDiff(), modelFile);
                    AtomicFiles.writeString(
                            checkpointFile, Json.write(new RunFiles.Checkpoint(epoch, seconds, modelSha256)));
                    AtomicFiles.delete(directory.resolve(LEGACY_MODEL)); // an earlier version's, now outdated
                    saved = System.nanoTime();
                }
                progress.epochFinished(last);
            }
        } catch (DivergedException e) {
            RunResult diverged = new RunResult(
                    RunResult.DIVERGED,
                    e.epoch() - 1,
                    config.lambdas(),
                    List.of(),
                    model.parameterCount(),
                    seconds,
                    Double.NaN,
                    e.getMessage(),
                    modelSha256);
            AtomicFiles.writeString(directory.resolve(RESULT), Json.write(diverged));
            return new Outcome(diverged, trainer);
        }
        List<Double> accuracy = last != null ? last.testAccuracy() : trainer.testAccuracy(config.lambdas(), Map.of());
        if (modelSha256 == null) { // zero epochs asked for
            modelSha256 = ModelFile.save(trainer.graph().sameDiff(), modelFile);
            AtomicFiles.writeString(checkpointFile, Json.write(new RunFiles.Checkpoint(0, seconds, modelSha256)));
            AtomicFiles.delete(directory.resolve(LEGACY_MODEL));
        }
        // The epochs the model on disk holds: what was asked for, or what a resumed finished run already had.
        int trainedEpochs = Math.max(config.epochs(), firstEpoch - 1);
        RunResult result = new RunResult(
                RunResult.COMPLETED,
                trainedEpochs,
                config.lambdas(),
                accuracy,
                model.parameterCount(),
                seconds,
                trainedEpochs == 0 ? 0 : seconds / trainedEpochs,
                "",
                modelSha256);
        AtomicFiles.writeString(directory.resolve(RESULT), Json.write(result));
        return new Outcome(result, trainer);
    }

    /**
     * The trained model of a finished (or checkpointed) run, ready for evaluation and pruning, after
     * checking that its model file is the model {@code result.json} (or {@code checkpoint.json}) describes.
     * Adam's state is not read: the trainer evaluates.
     */
    public Trainer load() {
        if (!Files.exists(directory.resolve(MODEL)) && !Files.exists(directory.resolve(LEGACY_MODEL))) {
            throw new InputException("run directory " + directory + " has no " + MODEL + "; is it a run directory of"
                    + " 'hyperprune train' or 'experiment'?");
        }
        String fix = "train the run again (delete " + directory + " and rerun the command that made it: 'train', or"
                + " 'experiment --resume' for a run of an experiment)";
        Optional<String> expected = readResult(directory).map(RunResult::modelSha256);
        if (expected.isEmpty()) {
            expected = RunFiles.readCheckpointSha(directory.resolve(CHECKPOINT));
        }
        Path modelFile = ModelFile.find(directory, expected);
        Optional<String> mismatch = ModelFile.mismatch(modelFile, expected);
        if (mismatch.isPresent()) {
            throw new InputException(mismatch.get() + "; " + fix);
        }
        return trainerFrom(
                modelFile,
                ModelSpec.parse(config.model()),
                new ComponentOptions(evidence.id(), config.evidence().options()),
                false,
                fix);
    }

    /**
     * A trainer holding the saved model: the graph rebuilt from the run's settings as training started
     * it, with the saved state streamed in (with Adam's state if {@code training}); an earlier version's
     * model.fb is SameDiff's whole graph, loaded.
     */
    private Trainer trainerFrom(
            Path modelFile, ModelSpec model, ComponentOptions evidenceOptions, boolean training, String fix) {
        if (ModelFile.legacy(modelFile)) {
            return Training.restore(
                    ModelFile.load(modelFile, fix),
                    model,
                    evidence,
                    evidenceOptions,
                    config.plain(),
                    config.settings(),
                    data);
        }
        Trainer trainer = Training.start(
                model,
                evidence,
                evidenceOptions,
                hypernetwork,
                new ComponentOptions(hypernetwork.id(), config.hypernetwork().options()),
                config.settings(),
                data);
        ModelFile.restore(modelFile, trainer, training, fix);
        return trainer;
    }

    private void checkSameRun(Path configFile) {
        JsonNode stored = RunFiles.readJson(configFile);
        JsonNode current;
        try {
            current = Json.MAPPER.readTree(Json.write(config)); // same number types as a stored file
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // A run may be resumed on another machine (environment) and extended (epochs).
        for (JsonNode node : List.of(stored, current)) {
            ((com.fasterxml.jackson.databind.node.ObjectNode) node).remove(List.of("environment", "epochs"));
        }
        if (!stored.equals(current)) {
            throw new InputException("run directory " + directory + " holds a run with a different configuration ("
                    + configFile + "); resume it with the same options, or choose another --out");
        }
    }

    /** Reads the {@code config.json} of a run directory. */
    public static RunConfig readConfig(Path directory) {
        return RunFiles.readConfig(directory);
    }

    /** Reads the {@code result.json} of a finished run, if there is one. */
    public static Optional<RunResult> readResult(Path directory) {
        return RunFiles.readResult(directory);
    }
}
