package io.hyperprune.runtime.experiment;

import io.hyperprune.api.InputException;
import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs K worker processes of this same program on one machine, each with its own
 * {@code OMP_NUM_THREADS} (small nets train fastest with one thread per process), and waits for all.
 * A worker is the same command line with {@code --worker j/K} added: it goes through the runs longest
 * first, trains each one it claims before the others (see {@link Experiment#run}) and writes into the
 * shared run directories.
 */
public final class WorkerPool {

    private WorkerPool() {}

    /**
     * @param arguments the original command line (after the program name) without {@code --workers}
     * @param crashLogs where a worker's JVM writes its crash log ({@code worker-crash-<pid>.log}) if it dies
     * @return one line per worker that failed (non-zero exit): which, its exit code and what that means
     */
    public static List<String> run(
            List<String> arguments, int workers, int threadsPerWorker, java.nio.file.Path crashLogs) {
        String java = ProcessHandle.current()
                .info()
                .command()
                .orElse(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java");
        List<Process> processes = new java.util.concurrent.CopyOnWriteArrayList<>();
        // SIGTERM/SIGINT to this process (timeout, a supervisor, Ctrl-C) stops the workers with it; after
        // kill -9 each worker notices itself (ParentWatch).
        Thread stopWorkers = new Thread(() -> stop(processes), "stop-workers");
        Runtime.getRuntime().addShutdownHook(stopWorkers);
        try {
            for (int j = 0; j < workers; j++) {
                List<String> command = new ArrayList<>();
                command.add(java);
                command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
                // A native crash would otherwise print to the worker's discarded output and log into the current
                // directory.
                command.add("-XX:ErrorFile=" + crashLogs.toAbsolutePath().resolve("worker-crash-%p.log"));
                command.add("-cp");
                command.add(System.getProperty("java.class.path"));
                command.add("io.hyperprune.runtime.cli.Main");
                command.addAll(arguments);
                command.add("--worker");
                command.add(j + "/" + workers);
                ProcessBuilder builder = new ProcessBuilder(command);
                builder.environment().put("OMP_NUM_THREADS", String.valueOf(threadsPerWorker));
                builder.redirectOutput(ProcessBuilder.Redirect.DISCARD);
                builder.redirectError(ProcessBuilder.Redirect.INHERIT);
                processes.add(builder.start());
            }
            List<String> failures = new ArrayList<>();
            for (int j = 0; j < processes.size(); j++) {
                int code = processes.get(j).waitFor();
                if (code != 0) {
                    failures.add("worker " + j + "/" + workers + " exited with code " + code
                            + (code > 128
                                    ? " (killed by signal " + (code - 128) + "; if the JVM crashed, its log is "
                                            + crashLogs.resolve("worker-crash-"
                                                    + processes.get(j).pid() + ".log") + ")"
                                    : ""));
                }
            }
            return failures;
        } catch (IOException e) {
            stop(processes);
            throw new InputException("cannot start a worker process: " + e.getMessage() + "; run without --workers", e);
        } catch (InterruptedException e) {
            stop(processes);
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for workers", e);
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(stopWorkers);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running: it stops the workers
            }
        }
    }

    /** Asks every live worker to stop (SIGTERM: it gives back its claim), then kills those still running after 10 s. */
    private static void stop(List<Process> processes) {
        processes.stream().filter(Process::isAlive).forEach(Process::destroy);
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        for (Process process : processes) {
            try {
                long left = deadline - System.nanoTime();
                if (left <= 0 || !process.waitFor(left, java.util.concurrent.TimeUnit.NANOSECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The command line without {@code --workers N} / {@code --workers=N}. */
    public static List<String> withoutWorkers(List<String> arguments) {
        List<String> result = new ArrayList<>();
        for (int i = 0; i < arguments.size(); i++) {
            String argument = arguments.get(i);
            if (argument.equals("--workers")) {
                i++;
            } else if (!argument.startsWith("--workers=")) {
                result.add(argument);
            }
        }
        return result;
    }
}
