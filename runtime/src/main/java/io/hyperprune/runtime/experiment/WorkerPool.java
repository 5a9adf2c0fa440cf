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
    public static List<String> run(List<String> arguments, int workers, int threadsPerWorker, java.nio.file.Path crashLogs) {
        String java = ProcessHandle.current().info().command().orElse(System.getProperty("java.home") + File.separator + "bin"
                + File.separator + "java");
        List<Process> processes = new ArrayList<>();
        try {
            for (int j = 0; j < workers; j++) {
                List<String> command = new ArrayList<>();
                command.add(java);
                command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
                // A native crash would otherwise print to the worker's discarded output and log into the current directory.
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
                    failures.add("worker " + j + "/" + workers + " exited with code " + code + (code > 128
                            ? " (killed by signal " + (code - 128) + "; if the JVM crashed, its log is "
                                    + crashLogs.resolve("worker-crash-" + processes.get(j).pid() + ".log") + ")"
                            : ""));
                }
            }
            return failures;
        } catch (IOException e) {
            processes.forEach(Process::destroy);
            throw new InputException("cannot start a worker process: " + e.getMessage() + "; run without --workers", e);
        } catch (InterruptedException e) {
            processes.forEach(Process::destroy);
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for workers", e);
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
