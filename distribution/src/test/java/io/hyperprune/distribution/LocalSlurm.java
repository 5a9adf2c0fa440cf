package io.hyperprune.distribution;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A one-node Slurm started by {@code scripts/slurm-local.sh} (all its files under one directory, on a
 * free pair of loopback ports), and its client commands as a user types them.
 */
final class LocalSlurm {

    private static final List<String> TOOLS =
            List.of("munged", "mungekey", "slurmctld", "slurmd", "sbatch", "squeue", "scontrol", "scancel");
    private static final Pattern CONF = Pattern.compile("export SLURM_CONF=(\\S+)");

    private final Path script;
    private final Map<String, String> scriptEnvironment;
    private final Map<String, String> environment;

    private LocalSlurm(Path script, Map<String, String> scriptEnvironment, Path conf) {
        this.script = script;
        this.scriptEnvironment = scriptEnvironment;
        // A client's environment; jobs inherit it (sbatch's default --export=ALL). Slurm variables of a job
        // this test itself may run in would confuse the submitted tasks' shard.
        Map<String, String> env = new HashMap<>(System.getenv());
        env.keySet().removeIf(name -> name.startsWith("SLURM_"));
        env.put("SLURM_CONF", conf.toString());
        env.put("PATH", env.getOrDefault("PATH", "/usr/bin:/bin") + ":/usr/sbin");
        this.environment = Map.copyOf(env);
    }

    /** Why Slurm cannot run on this machine, or empty if it can. */
    static Optional<String> missing() {
        List<String> path =
                new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)));
        path.add("/usr/sbin");
        for (String tool : TOOLS) {
            if (path.stream().noneMatch(dir -> !dir.isEmpty() && Files.isExecutable(Path.of(dir, tool)))) {
                return Optional.of("Slurm is not installed here (no " + tool
                        + "); install it as root with 'apt-get install -y slurm-wlm munge' (.ci/run does)");
            }
        }
        return Optional.empty();
    }

    /** Starts the cluster with its files under {@code directory}. */
    static LocalSlurm start(Path repository, Path directory) {
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new AssertionError("cannot create " + directory, e);
        }
        int port = freePortPair();
        Map<String, String> env =
                Map.of("HYPERPRUNE_SLURM_DIR", directory.toString(), "HYPERPRUNE_SLURM_PORT", String.valueOf(port));
        Path script = repository.resolve("scripts/slurm-local.sh");
        String out = run(directory, env, List.of(script.toString(), "start"));
        Matcher conf = CONF.matcher(out);
        if (!conf.find()) {
            throw new AssertionError("slurm-local.sh start printed no 'export SLURM_CONF=': " + out);
        }
        return new LocalSlurm(script, env, Path.of(conf.group(1)));
    }

    void stop() {
        run(Path.of("."), scriptEnvironment, List.of(script.toString(), "stop"));
    }

    /** The environment of a user of this cluster (what jobs inherit), plus {@code extra}. */
    Map<String, String> environment(Map<String, String> extra) {
        Map<String, String> env = new HashMap<>(environment);
        env.putAll(extra);
        return env;
    }

    /** Submits a batch script from {@code directory}; returns the job id. */
    String sbatch(Path directory, Map<String, String> env, List<String> arguments) {
        List<String> command = new ArrayList<>(List.of("sbatch", "--parsable"));
        command.addAll(arguments);
        return run(directory, environment(env), command).trim().split(";")[0];
    }

    /** A client command (squeue, scancel, scontrol ...); its standard output. */
    String command(String... command) {
        return run(Path.of("."), environment, List.of(command));
    }

    /** Each task of a job (e.g. {@code 12_0}) and its state, while Slurm keeps the job's record. */
    Map<String, String> states(String job) {
        Map<String, String> states = new LinkedHashMap<>();
        for (String line : command("squeue", "-h", "-t", "all", "-j", job, "-o", "%i %T")
                .lines()
                .toList()) {
            String[] parts = line.trim().split("\\s+");
            if (parts.length == 2) {
                states.put(parts[0], parts[1]);
            }
        }
        return states;
    }

    /** Waits until no task of the job is pending or running (squeue every 0.2 s, as sbatch --wait is slow). */
    void await(String job, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!command("squeue", "-h", "-j", job).isBlank()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("job " + job + " still in the queue after " + timeout + ": " + states(job));
            }
            pause(200);
        }
    }

    /** Waits until a task is in {@code state}. */
    void awaitState(String task, String state, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!state.equals(states(task).get(task))) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(task + " not " + state + " after " + timeout + ": " + states(task));
            }
            pause(100);
        }
    }

    /** How often the scheduler has started a task again ({@code Restarts=} of scontrol show job). */
    int restarts(String task) {
        Matcher restarts = Pattern.compile("Restarts=(\\d+)").matcher(command("scontrol", "show", "job", task));
        if (!restarts.find()) {
            throw new AssertionError("scontrol show job " + task + " names no Restarts");
        }
        return Integer.parseInt(restarts.group(1));
    }

    static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static String run(Path directory, Map<String, String> env, List<String> command) {
        try {
            ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile());
            builder.environment().putAll(env);
            // Files, not pipes: a daemon started by the command must not keep the test waiting for end of output.
            Path outFile = Files.createTempFile("slurm-out", ".txt");
            Path err = Files.createTempFile("slurm-err", ".txt");
            builder.redirectOutput(outFile.toFile());
            builder.redirectError(err.toFile());
            Process process = builder.start();
            if (!process.waitFor(2, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new AssertionError(String.join(" ", command) + " did not finish in 2 minutes");
            }
            String out = Files.readString(outFile, StandardCharsets.UTF_8);
            String error = Files.readString(err);
            Files.delete(outFile);
            Files.delete(err);
            if (process.exitValue() != 0) {
                throw new AssertionError(
                        String.join(" ", command) + " exited with " + process.exitValue() + ": " + error + out);
            }
            return out;
        } catch (IOException e) {
            throw new AssertionError(String.join(" ", command) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** A port whose successor is free too (slurmctld's and slurmd's), on the loopback address they bind. */
    private static int freePortPair() {
        for (int attempt = 0; attempt < 100; attempt++) {
            int port = ThreadLocalRandom.current().nextInt(20000, 30000);
            if (free(port) && free(port + 1)) {
                return port;
            }
        }
        throw new AssertionError("no free pair of ports in 20000-30000 on 127.0.0.1");
    }

    private static boolean free(int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
