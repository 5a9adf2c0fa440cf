package io.hyperprune.runtime.experiment;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkerPoolTest {

    @Test
    void aFailedWorkerIsReportedWithItsExitCode(@TempDir Path dir) {
        // A usage error: the worker exits with picocli's code 2 before any work.
        List<String> failures = WorkerPool.run(List.of("no-such-command"), 2, 1, dir);
        assertThat(failures).containsExactly("worker 0/2 exited with code 2", "worker 1/2 exited with code 2");
    }
}
