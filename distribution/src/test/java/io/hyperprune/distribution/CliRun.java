package io.hyperprune.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs the packaged {@code bin/hyperprune} as a user would, capturing exit code, stdout and stderr. */
final class CliRun {

    static final Path DISTRIBUTION =
            Path.of(System.getProperty("hyperprune.distribution", "target/hyperprune-0.1.0-SNAPSHOT"));

    /** The outcome of one command. */
    record Result(int exitCode, String out, String err) {
        Result expectExit(int expected) {
            assertThat(exitCode)
                    .as("exit code; stderr:%n%s%nstdout:%n%s", err, out)
                    .isEqualTo(expected);
            return this;
        }
    }

    private CliRun() {}

    /**
     * Runs a single-file Java program with ND4J's jars only (the distribution's lib/ without hyperprune's), as a
     * user's own code loading an exported model would; returns its output after asserting it exited 0.
     */
    static String plainNd4j(Path program, String... args) throws IOException, InterruptedException {
        String classPath;
        try (java.util.stream.Stream<Path> jars = Files.list(DISTRIBUTION.resolve("lib"))) {
            classPath = String.join(
                    java.io.File.pathSeparator,
                    jars.filter(p -> !p.getFileName().toString().startsWith("hyperprune"))
                            .map(Path::toString)
                            .toList());
        }
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                classPath,
                program.toString()));
        command.addAll(List.of(args));
        Process java = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(java.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(java.waitFor()).as(output).isZero();
        return output;
    }

    static Result run(String... args) {
        return run(DISTRIBUTION, Map.of(), args);
    }

    static Result run(Map<String, String> env, String... args) {
        return run(DISTRIBUTION, env, args);
    }

    static Result run(Path distribution, Map<String, String> env, String... args) {
        Process process = start(distribution, env, args);
        try {
            if (!process.waitFor(10, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new AssertionError("hyperprune " + String.join(" ", args) + " did not finish in 10 minutes");
            }
            return new Result(
                    process.exitValue(),
                    Files.readString(output(process, true)),
                    Files.readString(output(process, false)));
        } catch (IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Starts the command without waiting (stdout/stderr go to temp files). */
    static Process start(Path distribution, Map<String, String> env, String... args) {
        List<String> command = new ArrayList<>();
        command.add(distribution.resolve("bin/hyperprune").toString());
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().remove("HYPERPRUNE_PLUGINS");
        builder.environment().putAll(env);
        try {
            Path out = Files.createTempFile("hyperprune-out", ".txt");
            Path err = Files.createTempFile("hyperprune-err", ".txt");
            builder.redirectOutput(out.toFile());
            builder.redirectError(err.toFile());
            Process process = builder.start();
            OUTPUTS.put(process, new Path[] {out, err});
            return process;
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static final Map<Process, Path[]> OUTPUTS = new java.util.concurrent.ConcurrentHashMap<>();

    private static Path output(Process process, boolean stdout) {
        return OUTPUTS.get(process)[stdout ? 0 : 1];
    }

    static String text(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
