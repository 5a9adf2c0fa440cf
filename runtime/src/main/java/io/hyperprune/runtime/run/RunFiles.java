package io.hyperprune.runtime.run;

import com.fasterxml.jackson.databind.JsonNode;
import io.hyperprune.api.InputException;
import io.hyperprune.engine.train.EpochMetrics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Reading and writing the files of a run directory other than the model ({@link ModelFile}): the
 * checkpoint, {@code config.json}, {@code result.json} and {@code metrics.csv}, each read with a message
 * naming the file when it is not what the run wrote.
 */
final class RunFiles {

    private RunFiles() {}

    /**
     * {@code checkpoint.json}: the epoch the model file holds, and that file's SHA-256, so a model and
     * its checkpoint from different saves (a kill between the two renames) are recognised.
     */
    record Checkpoint(int epoch, double trainingSeconds, String modelSha256) {}

    /** The checkpoint to continue from, if there is one whose model file is the one it describes. */
    static Optional<Checkpoint> usableCheckpoint(Path directory, Progress progress) {
        Path file = directory.resolve(TrainingRun.CHECKPOINT);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        Checkpoint checkpoint;
        try {
            checkpoint = Json.MAPPER.readValue(file.toFile(), Checkpoint.class);
        } catch (IOException e) {
            progress.warn(file + " is not a checkpoint ("
                    + (Files.isRegularFile(file) && sizeOf(file) == 0
                            ? "empty"
                            : e.getMessage().lines().findFirst().orElse(""))
                    + "); the run starts again from epoch 1");
            return Optional.empty();
        }
        if (checkpoint == null || checkpoint.epoch() < 0 || !(checkpoint.trainingSeconds() >= 0)) {
            progress.warn(file + " does not name a saved epoch; the run starts again from epoch 1");
            return Optional.empty();
        }
        Optional<String> expected = Optional.ofNullable(checkpoint.modelSha256());
        Optional<String> mismatch = ModelFile.mismatch(ModelFile.find(directory, expected), expected);
        if (mismatch.isPresent()) {
            progress.warn(
                    mismatch.get() + "; it does not belong to " + file + ", so the run starts again from epoch 1");
            return Optional.empty();
        }
        return Optional.of(checkpoint);
    }

    static Optional<String> readCheckpointSha(Path file) {
        try {
            return Files.exists(file)
                    ? Optional.ofNullable(Json.MAPPER.readValue(file.toFile(), Checkpoint.class))
                            .map(Checkpoint::modelSha256)
                    : Optional.empty();
        } catch (IOException e) {
            throw new InputException(
                    file + " is not a checkpoint ("
                            + e.getMessage().lines().findFirst().orElse("")
                            + "); delete the run directory and train it again",
                    e);
        }
    }

    private static long sizeOf(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return -1;
        }
    }

    /** Reads the {@code config.json} of a run directory. */
    static RunConfig readConfig(Path directory) {
        Path file = directory.resolve(TrainingRun.CONFIG);
        if (!Files.exists(file)) {
            throw new InputException("no " + TrainingRun.CONFIG + " in " + directory
                    + ": not a run directory (give the directory" + " that 'hyperprune train --out' created)");
        }
        try {
            return Json.MAPPER.readValue(file.toFile(), RunConfig.class);
        } catch (IOException e) {
            throw new InputException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** Reads the {@code result.json} of a finished run, if there is one. */
    static Optional<RunResult> readResult(Path directory) {
        Path file = directory.resolve(TrainingRun.RESULT);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(Json.MAPPER.readValue(file.toFile(), RunResult.class));
        } catch (IOException e) {
            throw new InputException(
                    "cannot read " + file + ": " + e.getMessage() + "; delete the run directory to redo it", e);
        }
    }

    static List<String> metricRows(EpochMetrics m) {
        List<String> rows = new ArrayList<>();
        for (int i = 0; i < m.lambdas().size(); i++) {
            if (!m.evaluated()) { // --eval-every skipped it: empty cells, not made-up figures
                rows.add(String.format(
                        Locale.ROOT, "%d,%s,,,,,,%.3f,", m.epoch(), m.lambdas().get(i), m.trainSeconds()));
                continue;
            }
            rows.add(String.format(
                    Locale.ROOT,
                    "%d,%s,%.6f,%.6f,%.6f,%.4f,%.4f,%.3f,%.3f",
                    m.epoch(),
                    m.lambdas().get(i),
                    m.loss(),
                    m.crossEntropy(),
                    m.penalty(),
                    m.trainAccuracy().get(i),
                    m.testAccuracy().get(i),
                    m.trainSeconds(),
                    m.evalSeconds()));
        }
        return rows;
    }

    static void writeMetrics(Path directory, List<String> rows) {
        AtomicFiles.writeString(
                directory.resolve(TrainingRun.METRICS),
                TrainingRun.METRICS_HEADER + "\n" + String.join("\n", rows) + "\n");
    }

    static List<String> readMetricRows(Path directory, int upToEpoch) {
        Path file = directory.resolve(TrainingRun.METRICS);
        if (!Files.exists(file)) {
            return List.of();
        }
        try {
            return Files.readAllLines(file).stream()
                    .skip(1)
                    .filter(line ->
                            !line.isBlank() && Integer.parseInt(line.substring(0, line.indexOf(','))) <= upToEpoch)
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode readJson(Path file) {
        try {
            return Json.MAPPER.readTree(file.toFile());
        } catch (IOException e) {
            throw new InputException(
                    "cannot read " + file + ": " + e.getMessage() + "; delete the run directory to start over", e);
        }
    }
}
