package io.hyperprune.runtime.run;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import io.hyperprune.api.ComponentOptions;
import io.hyperprune.api.Dataset;
import io.hyperprune.api.Evidence;
import io.hyperprune.api.Hypernetwork;
import io.hyperprune.api.InputException;
import io.hyperprune.runtime.engine.DivergedException;
import io.hyperprune.runtime.engine.EpochMetrics;
import io.hyperprune.runtime.engine.ModelGraph;
import io.hyperprune.runtime.engine.ModelSpec;
import io.hyperprune.runtime.engine.Trainer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.nd4j.autodiff.samediff.SameDiff;

/**
 * Trains one run into its directory: {@code config.json} (provenance), {@code metrics.csv} (per epoch
 * and lambda), {@code model.fb} (the SameDiff graph with updater state) with {@code checkpoint.json}
 * (the epoch it holds), rewritten as the {@link Schedule} says, so an interrupted run resumes from the
 * last saved epoch, and {@code result.json}, written last. Every file is replaced atomically.
 */
public final class TrainingRun {

    public static final String CONFIG = "config.json";
    public static final String METRICS = "metrics.csv";
    public static final String MODEL = "model.fb";
    public static final String CHECKPOINT = "checkpoint.json";
    public static final String RESULT = "result.json";
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
     * <p>Why not save after every epoch: SameDiff serialises the graph with the weights and their Adam
     * state through one heap buffer, ~45 ms for a hypernetwork's 5.8 MB, 3 % of its 1.5 s epoch.
     */
    public record Schedule(int evaluateEvery, Duration checkpointEvery) {

        /** Evaluate and save after every epoch. */
        public static final Schedule EVERY_EPOCH = new Schedule(1, Duration.ZERO);

        public Schedule {
            if (evaluateEvery < 0) {
                throw new InputException("--eval-every must be >= 0 (0: evaluate after the last epoch only), got " + evaluateEvery);
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
    public TrainingRun(RunConfig config, Evidence evidence, Hypernetwork hypernetwork, Dataset data, Path directory,
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
     * @throws InputException if the directory holds another run, or a run that is not resumable
     */
    public Outcome run(boolean resume, Progress progress) {
        ModelSpec model = ModelSpec.parse(config.model());
        model.checkCompatible(data.sampleShape(), data.classes(), data.id());
        ComponentOptions evidenceOptions = new ComponentOptions(evidence.id(), config.evidence().options());
        int firstEpoch = 1;
        double previousSeconds = 0;
        List<String> metricRows = new ArrayList<>();
        ModelGraph graph;
        Path configFile = directory.resolve(CONFIG);
        if (Files.exists(configFile)) {
            if (!resume) {
                throw new InputException("run directory " + directory + " already holds a run; use --resume to continue it"
                        + " or choose another --out");
            }
            checkSameRun(configFile);
        }
        Path checkpoint = directory.resolve(CHECKPOINT);
        if (resume && Files.exists(checkpoint) && Files.exists(directory.resolve(MODEL))) {
            JsonNode state = readJson(checkpoint);
            firstEpoch = state.get("epoch").asInt() + 1;
            previousSeconds = state.get("trainingSeconds").asDouble();
            SameDiff loaded = SameDiff.load(directory.resolve(MODEL).toFile(), true);
            graph = ModelGraph.restore(loaded, model, evidence, evidenceOptions, config.modelsPerPass());
            metricRows.addAll(readMetricRows(firstEpoch - 1));
        } else {
            // Several plain models (one per lambda) train side by side, each with its own tensors.
            Hypernetwork generator = config.plain() && config.lambdas().size() > 1
                    ? io.hyperprune.runtime.engine.ConstantHypernetwork.independent(config.lambdas(), config.range())
                    : hypernetwork;
            graph = ModelGraph.build(model, evidence, evidenceOptions, generator,
                    new ComponentOptions(hypernetwork.id(), config.hypernetwork().options()), config.modelsPerPass(),
                    config.plain(), data.train().size(), config.seed());
            AtomicFiles.writeString(configFile, Json.write(config));
        }
        Trainer trainer = new Trainer(graph, data, config.settings(), !config.plain());
        double seconds = previousSeconds;
        EpochMetrics last = null;
        int epoch = firstEpoch;
        long saved = System.nanoTime();
        try {
            for (; epoch <= config.epochs(); epoch++) {
                progress.epochStarted(epoch, config.epochs(), trainer.stepsPerEpoch());
                last = trainer.trainEpoch(epoch, progress::step, schedule.evaluates(epoch, config.epochs()));
                seconds += last.trainSeconds();
                metricRows.addAll(rows(last));
                // Rows after the checkpoint's epoch are dropped on resume (readMetricRows), then written again.
                writeMetrics(metricRows);
                if (schedule.saves(epoch, config.epochs(), System.nanoTime() - saved)) {
                    saveModel(graph, directory.resolve(MODEL));
                    AtomicFiles.writeString(checkpoint, Json.write(Map.of("epoch", epoch, "trainingSeconds", seconds)));
                    saved = System.nanoTime();
                }
                progress.epochFinished(last);
            }
        } catch (DivergedException e) {
            RunResult diverged = new RunResult(RunResult.DIVERGED, e.epoch() - 1, config.lambdas(), List.of(),
                    model.parameterCount(), seconds, Double.NaN, e.getMessage());
            AtomicFiles.writeString(directory.resolve(RESULT), Json.write(diverged));
            return new Outcome(diverged, trainer);
        }
        List<Double> accuracy = last != null ? last.testAccuracy() : trainer.testAccuracy(config.lambdas(), Map.of());
        if (last == null && !Files.exists(directory.resolve(MODEL))) {
            saveModel(graph, directory.resolve(MODEL));
        }
        int trainedEpochs = config.epochs();
        RunResult result = new RunResult(RunResult.COMPLETED, trainedEpochs, config.lambdas(), accuracy,
                model.parameterCount(), seconds, trainedEpochs == 0 ? 0 : seconds / trainedEpochs, "");
        AtomicFiles.writeString(directory.resolve(RESULT), Json.write(result));
        return new Outcome(result, trainer);
    }

    /** The trained model of a finished (or checkpointed) run, ready for evaluation and pruning. */
    public Trainer load() {
        Path modelFile = directory.resolve(MODEL);
        if (!Files.exists(modelFile)) {
            throw new InputException("run directory " + directory + " has no " + MODEL + "; is it a run directory of"
                    + " 'hyperprune train' or 'experiment'?");
        }
        ModelSpec model = ModelSpec.parse(config.model());
        SameDiff loaded = SameDiff.load(modelFile.toFile(), true);
        ModelGraph graph = ModelGraph.restore(loaded, model, evidence,
                new ComponentOptions(evidence.id(), config.evidence().options()), config.modelsPerPass());
        return new Trainer(graph, data, config.settings(), !config.plain());
    }

    /** Reads the {@code config.json} of a run directory. */
    public static RunConfig readConfig(Path directory) {
        Path file = directory.resolve(CONFIG);
        if (!Files.exists(file)) {
            throw new InputException("no " + CONFIG + " in " + directory + ": not a run directory (give the directory"
                    + " that 'hyperprune train --out' created)");
        }
        try {
            return Json.MAPPER.readValue(file.toFile(), RunConfig.class);
        } catch (IOException e) {
            throw new InputException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** Reads the {@code result.json} of a finished run, if there is one. */
    public static java.util.Optional<RunResult> readResult(Path directory) {
        Path file = directory.resolve(RESULT);
        if (!Files.exists(file)) {
            return java.util.Optional.empty();
        }
        try {
            return java.util.Optional.of(Json.MAPPER.readValue(file.toFile(), RunResult.class));
        } catch (IOException e) {
            throw new InputException("cannot read " + file + ": " + e.getMessage() + "; delete the run directory to redo it", e);
        }
    }

    /** The graph with its updater state (for --resume); SameDiff serialises it into one Java byte buffer first. */
    private static void saveModel(ModelGraph graph, Path modelFile) {
        try {
            AtomicFiles.writeWith(modelFile, temp -> graph.sameDiff().save(temp.toFile(), true));
        } catch (OutOfMemoryError e) {
            long megabytes = Runtime.getRuntime().maxMemory() >> 20;
            throw new InputException("saving " + modelFile + " needs more Java heap than the " + megabytes
                    + " MiB allowed (SameDiff writes the weights and their Adam state through one heap buffer);"
                    + " rerun with a larger heap, e.g. JAVA_OPTS=-Xmx4g (add --resume to continue from the last saved epoch)");
        }
    }

    private void checkSameRun(Path configFile) {
        JsonNode stored = readJson(configFile);
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

    private List<String> rows(EpochMetrics m) {
        List<String> rows = new ArrayList<>();
        for (int i = 0; i < m.lambdas().size(); i++) {
            if (!m.evaluated()) { // --eval-every skipped it: empty cells, not made-up figures
                rows.add(String.format(Locale.ROOT, "%d,%s,,,,,,%.3f,", m.epoch(), m.lambdas().get(i), m.trainSeconds()));
                continue;
            }
            rows.add(String.format(Locale.ROOT, "%d,%s,%.6f,%.6f,%.6f,%.4f,%.4f,%.3f,%.3f", m.epoch(), m.lambdas().get(i),
                    m.loss(), m.crossEntropy(), m.penalty(), m.trainAccuracy().get(i), m.testAccuracy().get(i),
                    m.trainSeconds(), m.evalSeconds()));
        }
        return rows;
    }

    private void writeMetrics(List<String> rows) {
        AtomicFiles.writeString(directory.resolve(METRICS), METRICS_HEADER + "\n" + String.join("\n", rows) + "\n");
    }

    private List<String> readMetricRows(int upToEpoch) {
        Path file = directory.resolve(METRICS);
        if (!Files.exists(file)) {
            return List.of();
        }
        try {
            return Files.readAllLines(file).stream().skip(1)
                    .filter(line -> !line.isBlank() && Integer.parseInt(line.substring(0, line.indexOf(','))) <= upToEpoch)
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode readJson(Path file) {
        try {
            return Json.MAPPER.readTree(file.toFile());
        } catch (IOException e) {
            throw new InputException("cannot read " + file + ": " + e.getMessage() + "; delete the run directory to start over", e);
        }
    }
}
