package io.hyperprune.runtime.experiment;

import static org.assertj.core.api.Assertions.assertThat;

import io.hyperprune.api.InputException;
import io.hyperprune.runtime.run.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.io.TempDir;

class ExperimentRecordTest {

    /**
     * Shards submitted with different settings into one empty directory all pass the check (there is no
     * experiment.json yet) and start recording together: one set of settings is recorded, the others are
     * refused, never written over it.
     */
    @RepeatedTest(10)
    void ofShardsRecordingDifferentSettingsAtOnceOneWinsAndTheOthersAreRefused(@TempDir Path dir) throws Exception {
        ExperimentConfig quick = ExperimentConfig.preset("paper-mnist-quick");
        ExperimentConfig full = ExperimentConfig.preset("paper-mnist");
        CountDownLatch start = new CountDownLatch(1);
        AtomicInteger recordedQuick = new AtomicInteger();
        AtomicInteger recordedFull = new AtomicInteger();
        AtomicReference<String> refusal = new AtomicReference<>();
        List<Thread> shards = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            boolean isQuick = i % 2 == 0;
            ExperimentConfig config = isQuick ? quick : full;
            Thread shard = new Thread(() -> {
                try {
                    start.await();
                    ExperimentRecord.check(dir, config);
                    ExperimentRecord.record(dir, config);
                    (isQuick ? recordedQuick : recordedFull).incrementAndGet();
                } catch (InputException e) {
                    refusal.set(e.getMessage());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            shard.start();
            shards.add(shard);
        }
        start.countDown();
        for (Thread shard : shards) {
            shard.join();
        }

        ExperimentConfig stored =
                Json.MAPPER.readValue(Files.readString(dir.resolve(Experiment.CONFIG)), ExperimentConfig.class);
        assertThat(stored).isIn(quick, full);
        // Every shard that went on holds the settings on disk; the other half was refused.
        assertThat(stored.equals(quick) ? recordedQuick.get() : recordedFull.get())
                .isEqualTo(4);
        assertThat(stored.equals(quick) ? recordedFull.get() : recordedQuick.get())
                .isZero();
        assertThat(refusal.get()).contains("holds an experiment with other settings");
        try (var files = Files.list(dir)) {
            assertThat(files).as("no temp files left").containsExactly(dir.resolve(Experiment.CONFIG));
        }
    }
}
