package io.hyperprune.runtime.experiment;

import java.time.Duration;
import java.util.Optional;

/**
 * Ends a worker process when the process that started it is gone, however that ended (a parent
 * killed with {@code kill -9} runs no shutdown hook that could stop its workers). The worker's own
 * shutdown hooks then give back its claim; its run resumes from its last checkpoint.
 */
public final class ParentWatch {

    static final Duration INTERVAL = Duration.ofMillis(500);

    private ParentWatch() {}

    /** Starts watching this process's parent (nothing to watch if it has none). */
    public static void start() {
        Optional<ProcessHandle> parent = ProcessHandle.current().parent();
        if (parent.isEmpty()) {
            return;
        }
        long pid = parent.get().pid();
        Thread watcher = new Thread(
                () -> {
                    while (true) {
                        try {
                            Thread.sleep(INTERVAL.toMillis());
                        } catch (InterruptedException e) {
                            return;
                        }
                        // An orphan is re-parented (to init or a subreaper): a changed parent pid means the parent
                        // died.
                        Optional<ProcessHandle> now = ProcessHandle.current().parent();
                        if (now.isEmpty()
                                || now.get().pid() != pid
                                || !now.get().isAlive()) {
                            System.err.println(
                                    "worker " + ProcessHandle.current().pid() + ": its parent process " + pid
                                            + " ended; stopping" + " (continue the experiment with --resume)");
                            System.exit(1);
                        }
                    }
                },
                "parent-watch");
        watcher.setDaemon(true);
        watcher.start();
    }
}
