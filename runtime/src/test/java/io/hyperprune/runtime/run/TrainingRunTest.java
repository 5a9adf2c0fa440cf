package io.hyperprune.runtime.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hyperprune.api.Dataset;
import io.hyperprune.api.Evidence;
import io.hyperprune.api.InputException;
import io.hyperprune.engine.graph.ConstantHypernetwork;
import io.hyperprune.engine.train.EpochMetrics;
import io.hyperprune.engine.train.TinyData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainingRunTest {

    private static final Dataset DATA = TinyData.clusters(20, 4, 512, 128, 5);

    private static RunConfig config(int epochs) {
        return new RunConfig(
                "tiny",
                Map.of(),
                Map.of(),
                0,
                "20-16-4",
                new RunConfig.Component("weight-decay", "test", "test", Map.of()),
                new RunConfig.Component(ConstantHypernetwork.ID, "test", "test", Map.of()),
                List.of(0.1, 1.0),
                1,
                1e-3,
                1e3,
                epochs,
                64,
                5e-3,
                1.0,
                7,
                new RunConfig.Environment("test", "17", "cpu", "1", 2, new java.util.TreeMap<>(), "generic"));
    }

    private static TrainingRun run(Path directory, int epochs, TrainingRun.Schedule schedule) {
        Evidence evidence = ServiceLoader.load(Evidence.class).stream()
                .map(ServiceLoader.Provider::get)
                .filter(e -> e.id().equals("weight-decay"))
                .findFirst()
                .orElseThrow();
        return new TrainingRun(config(epochs), evidence, new ConstantHypernetwork(), DATA, directory, schedule);
    }

    /** The epoch checkpoint.json names when an epoch has finished (-1: none yet). */
    private static final class SavedEpochs implements Progress {
        final Path directory;
        final List<Integer> saved = new ArrayList<>();

        SavedEpochs(Path directory) {
            this.directory = directory;
        }

        @Override
        public void epochFinished(EpochMetrics metrics) {
            Path checkpoint = directory.resolve(TrainingRun.CHECKPOINT);
            saved.add(
                    Files.exists(checkpoint)
                            ? RunFiles.readJson(checkpoint).get("epoch").asInt()
                            : -1);
        }
    }

    @Test
    void aLongCheckpointIntervalSavesOnlyAfterTheLastEpoch(@TempDir Path dir) {
        SavedEpochs progress = new SavedEpochs(dir);
        RunResult result = run(dir, 3, TrainingRun.Schedule.of(1, 3600))
                .run(false, progress)
                .result();

        assertThat(result.completed()).isTrue();
        assertThat(progress.saved).containsExactly(-1, -1, 3);
        assertThat(dir.resolve(TrainingRun.MODEL)).exists();
    }

    @Test
    void aZeroIntervalSavesAfterEveryEpoch(@TempDir Path dir) {
        SavedEpochs progress = new SavedEpochs(dir);
        run(dir, 3, TrainingRun.Schedule.of(1, 0)).run(false, progress);

        assertThat(progress.saved).containsExactly(1, 2, 3);
    }

    @Test
    void aResumedRunRepeatsTheEpochsAfterItsLastSaveAndListsEachEpochOnce(@TempDir Path dir) throws Exception {
        // Saved after epoch 1 (the interval has passed while it ran), not after 2 and 3; then the process "dies".
        TrainingRun.Schedule schedule = new TrainingRun.Schedule(1, Duration.ofSeconds(2));
        Progress dying = new Progress() {
            @Override
            public void epochStarted(int epoch, int epochs, int steps) {
                if (epoch == 1) {
                    sleep(2100);
                }
            }

            @Override
            public void epochFinished(EpochMetrics metrics) {
                if (metrics.epoch() == 3) {
                    throw new IllegalStateException("killed");
                }
            }
        };
        assertThatThrownBy(() -> run(dir, 4, schedule).run(false, dying)).hasMessage("killed");
        assertThat(RunFiles.readJson(dir.resolve(TrainingRun.CHECKPOINT))
                        .get("epoch")
                        .asInt())
                .isEqualTo(1);

        SavedEpochs resumed = new SavedEpochs(dir);
        RunResult result = run(dir, 4, schedule).run(true, resumed).result();

        assertThat(result.completed()).isTrue();
        assertThat(resumed.saved)
                .as("epochs 2 to 4 trained again, saved after the last")
                .containsExactly(1, 1, 4);
        List<String> epochs = Files.readAllLines(dir.resolve(TrainingRun.METRICS)).stream()
                .skip(1)
                .map(line -> line.substring(0, line.indexOf(',')))
                .toList();
        assertThat(epochs).containsExactly("1", "1", "2", "2", "3", "3", "4", "4");
    }

    @Test
    void aRunStoppedAfterASaveResumesToTheModelOfAnUninterruptedRunBitForBit(@TempDir Path dir) throws Exception {
        Path whole = dir.resolve("whole");
        run(whole, 3, TrainingRun.Schedule.of(1, 0)).run(false, Progress.NONE);
        Path stopped = dir.resolve("stopped");
        Progress dying = new Progress() {
            @Override
            public void epochFinished(EpochMetrics metrics) {
                if (metrics.epoch() == 2) {
                    throw new IllegalStateException("killed");
                }
            }
        };
        assertThatThrownBy(() -> run(stopped, 3, TrainingRun.Schedule.of(1, 0)).run(false, dying))
                .hasMessage("killed");

        RunResult resumed = run(stopped, 3, TrainingRun.Schedule.of(1, 0))
                .run(true, Progress.NONE)
                .result();

        // Weights, Adam's moments and the step count all in the file: any one not restored changes it.
        assertThat(Files.readAllBytes(stopped.resolve(TrainingRun.MODEL)))
                .isEqualTo(Files.readAllBytes(whole.resolve(TrainingRun.MODEL)));
        assertThat(resumed.modelSha256()).isEqualTo(ModelFile.sha256(whole.resolve(TrainingRun.MODEL)));
        assertThat(ModelArchive.contents(stopped.resolve(TrainingRun.MODEL)).counters())
                .isEqualTo(new io.hyperprune.engine.train.TrainingState.Counters(3 * 512 / 64, 3));
    }

    @Test
    void aModelFbOfAnEarlierVersionIsLoadedAndResumedBitIdenticallyThenReplaced(@TempDir Path dir) throws Exception {
        Path whole = dir.resolve("whole");
        run(whole, 3, TrainingRun.Schedule.of(1, 0)).run(false, Progress.NONE);
        // An earlier version's run stopped after epoch 1: SameDiff's file with the updater state, and a
        // checkpoint naming its checksum.
        Path old = dir.resolve("old");
        TrainingRun.Outcome first = run(old, 1, TrainingRun.Schedule.of(1, 0)).run(false, Progress.NONE);
        Path legacy = old.resolve(TrainingRun.LEGACY_MODEL);
        first.trainer().graph().sameDiff().save(legacy.toFile(), true);
        Files.delete(old.resolve(TrainingRun.MODEL));
        Files.delete(old.resolve(TrainingRun.RESULT));
        Files.writeString(
                old.resolve(TrainingRun.CHECKPOINT),
                Json.write(new RunFiles.Checkpoint(1, 1.0, ModelFile.sha256(legacy))));

        List<Double> accuracy =
                run(old, 1, TrainingRun.Schedule.of(1, 0)).load().testAccuracy(List.of(0.1, 1.0), Map.of());
        assertThat(accuracy).isEqualTo(first.result().testAccuracy());

        run(old, 3, TrainingRun.Schedule.of(1, 0)).run(true, Progress.NONE);
        assertThat(Files.readAllBytes(old.resolve(TrainingRun.MODEL)))
                .isEqualTo(Files.readAllBytes(whole.resolve(TrainingRun.MODEL)));
        assertThat(legacy).doesNotExist();
    }

    /** Collects warnings instead of printing them. */
    private static final class Warnings implements Progress {
        final List<String> messages = new ArrayList<>();

        @Override
        public void warn(String message) {
            messages.add(message);
        }
    }

    @Test
    void resumingWithFewerEpochsIsRefusedAndResultJsonKeepsDescribingTheModelOnDisk(@TempDir Path dir)
            throws Exception {
        run(dir, 3, TrainingRun.Schedule.of(1, 0)).run(false, Progress.NONE);
        String before = Files.readString(dir.resolve(TrainingRun.RESULT));

        assertThatThrownBy(() -> run(dir, 1, TrainingRun.Schedule.of(1, 0)).run(true, Progress.NONE))
                .isInstanceOf(InputException.class)
                .hasMessageContaining("holds a model trained for 3 epochs")
                .hasMessageContaining("--epochs 1 cannot shrink it");
        assertThat(Files.readString(dir.resolve(TrainingRun.RESULT))).isEqualTo(before);

        RunResult again = run(dir, 3, TrainingRun.Schedule.of(1, 0))
                .run(true, Progress.NONE)
                .result();
        assertThat(again.epochs()).isEqualTo(3);
        assertThat(again.modelSha256()).isEqualTo(ModelFile.sha256(dir.resolve(TrainingRun.MODEL)));
    }

    @Test
    void aModelThatIsNotTheCheckpointsIsNotResumedFromButRetrainedBitIdentically(@TempDir Path dir) throws Exception {
        Path whole = dir.resolve("whole");
        run(whole, 2, TrainingRun.Schedule.of(1, 0)).run(false, Progress.NONE);
        Path broken = dir.resolve("broken");
        run(broken, 2, TrainingRun.Schedule.of(1, 0)).run(false, Progress.NONE);
        // A kill between the model's rename and the checkpoint's: the checkpoint names another model.
        Files.write(
                broken.resolve(TrainingRun.MODEL),
                Files.readAllBytes(whole.resolve(TrainingRun.MODEL)).length > 10
                        ? java.util.Arrays.copyOf(Files.readAllBytes(whole.resolve(TrainingRun.MODEL)), 1000)
                        : new byte[0]);
        Files.delete(broken.resolve(TrainingRun.RESULT));

        Warnings warnings = new Warnings();
        RunResult result = run(broken, 2, TrainingRun.Schedule.of(1, 0))
                .run(true, warnings)
                .result();

        assertThat(warnings.messages)
                .singleElement()
                .asString()
                .contains(
                        TrainingRun.MODEL, "(1000 bytes) is not the model that was saved", "starts again from epoch 1");
        assertThat(result.epochs()).isEqualTo(2);
        assertThat(Files.readAllBytes(broken.resolve(TrainingRun.MODEL)))
                .isEqualTo(Files.readAllBytes(whole.resolve(TrainingRun.MODEL)));
    }

    @Test
    void anEmptyCheckpointIsNamedAndTheRunStartsAgain(@TempDir Path dir) throws Exception {
        run(dir, 1, TrainingRun.Schedule.of(1, 0)).run(false, Progress.NONE);
        Files.writeString(dir.resolve(TrainingRun.CHECKPOINT), "");
        Files.delete(dir.resolve(TrainingRun.RESULT));

        Warnings warnings = new Warnings();
        RunResult result =
                run(dir, 1, TrainingRun.Schedule.of(1, 0)).run(true, warnings).result();

        assertThat(warnings.messages)
                .singleElement()
                .asString()
                .contains(TrainingRun.CHECKPOINT, "is not a checkpoint (empty)");
        assertThat(result.completed()).isTrue();
    }

    @Test
    void loadingADamagedModelNamesTheFileAndTheFix(@TempDir Path dir) throws Exception {
        run(dir, 1, TrainingRun.Schedule.of(1, 0)).run(false, Progress.NONE);
        Path model = dir.resolve(TrainingRun.MODEL);
        byte[] bytes = Files.readAllBytes(model);
        Files.write(model, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        assertThatThrownBy(() -> run(dir, 1, TrainingRun.Schedule.of(1, 0)).load())
                .isInstanceOf(InputException.class)
                .hasMessageContaining(model.toString())
                .hasMessageContaining("is not the model that was saved")
                .hasMessageContaining("train the run again");

        Files.write(model, new byte[0]);
        assertThatThrownBy(() -> run(dir, 1, TrainingRun.Schedule.of(1, 0)).load())
                .isInstanceOf(InputException.class)
                .hasMessageContaining(model + " is empty");

        // Without a recorded checksum (files of older versions) the parser's failure is named too.
        Files.delete(dir.resolve(TrainingRun.RESULT));
        Files.delete(dir.resolve(TrainingRun.CHECKPOINT));
        Files.write(model, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        assertThatThrownBy(() -> run(dir, 1, TrainingRun.Schedule.of(1, 0)).load())
                .isInstanceOf(InputException.class)
                .hasMessageContaining(model.toString())
                .hasMessageContaining("is not a readable model file");
    }

    @Test
    void aRunDirectoryOfAnExperimentIsNotWrittenByAManualTrain(@TempDir Path dir) throws Exception {
        Path runDirectory = dir.resolve("runs").resolve("weight-decay-r0-abc");
        Files.createDirectories(runDirectory);
        Files.writeString(runDirectory.resolve(TrainingRun.EXPERIMENT_MARKER), "{}");
        assertThatThrownBy(() ->
                        run(runDirectory, 1, TrainingRun.Schedule.of(1, 0)).run(true, Progress.NONE))
                .isInstanceOf(InputException.class)
                .hasMessageContaining("belongs to the experiment in " + dir.toAbsolutePath())
                .hasMessageContaining("experiment --out");
        try (var files = Files.list(runDirectory)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly(TrainingRun.EXPERIMENT_MARKER);
        }
    }

    @Test
    void aNegativeIntervalIsAnInputError() {
        assertThatThrownBy(() -> TrainingRun.Schedule.of(1, -5))
                .isInstanceOf(InputException.class)
                .hasMessageContaining("--checkpoint-every");
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
