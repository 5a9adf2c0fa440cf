package io.hyperprune.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Inputs and environments a command cannot work with: a clear error naming them, exit 2, nothing half-written. */
class InputsIT {

    private static final String[] SMALL = {
        "--dataset", "synthetic", "-O", "synthetic.train-size=600", "-O", "synthetic.test-size=200", "--epochs", "1"
    };

    private static String[] train(Path out, String... more) {
        String[] args = new String[1 + SMALL.length + more.length + 2];
        args[0] = "train";
        System.arraycopy(SMALL, 0, args, 1, SMALL.length);
        System.arraycopy(more, 0, args, 1 + SMALL.length, more.length);
        args[args.length - 2] = "--out";
        args[args.length - 1] = out.toString();
        return args;
    }

    @Test
    void aConfigFileMeansExactlyWhatItSays(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("exp");
        Path truncated = Files.writeString(dir.resolve("float.json"), "{\"restarts\": 1.7}");
        assertThat(CliRun.run("experiment", "--config", truncated.toString(), "--out", out.toString())
                        .expectExit(2)
                        .err())
                .contains("error: experiment config " + truncated + ": key 'restarts' must be an integer, got 1.7")
                .doesNotContain("java.lang");
        Path trailing = Files.writeString(dir.resolve("trailing.json"), "{\"restarts\": 2} garbage");
        assertThat(CliRun.run("experiment", "--config", trailing.toString(), "--out", out.toString())
                        .expectExit(2)
                        .err())
                .contains("error: experiment config " + trailing + ": unexpected text after the JSON object");
        Path missing = dir.resolve("missing.json");
        assertThat(CliRun.run("experiment", "--config", missing.toString(), "--out", out.toString())
                        .expectExit(2)
                        .err())
                .contains("error: experiment config " + missing + " does not exist");
        assertThat(CliRun.run("experiment", "--levels", "0:90:0.000001", "--out", out.toString())
                        .expectExit(2)
                        .err())
                .contains("error: --levels 0:90:0.000001 gives 90000001 levels; at most 1001 (a step of 0.1 %)");
        assertThat(out).doesNotExist();
    }

    @Test
    void anOutputLocationThatCannotBeWrittenIsNamedBeforeAnyWork(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("a-file"), "x");
        assertThat(CliRun.run(train(file)).expectExit(2).err())
                .contains("error: --out " + file
                        + " is a file, not a directory; remove the file in the way, or choose another --out")
                .doesNotContain("internal error", "epoch 1/1");
        assertThat(Files.readString(file)).isEqualTo("x");
        if (Files.isDirectory(Path.of("/proc/self"))) {
            assertThat(CliRun.run(train(Path.of("/proc/hyperprune-run")))
                            .expectExit(2)
                            .err())
                    .contains("error: --out /proc/hyperprune-run is not writable (/proc is where it would be created):"
                            + " the file system there takes no new files; choose another --out");
        }
        assertThat(CliRun.run(
                                "report",
                                dir.toString(),
                                "--out",
                                file.resolve("report").toString())
                        .expectExit(2)
                        .err())
                .contains("error: --out " + file.resolve("report") + " cannot be created: " + file
                        + " is a file, not a directory");
    }

    @Test
    void runningOutOfHeapSaysWhatRanOutAndHowToGiveMore(@TempDir Path dir) {
        // 60000 synthetic samples of 784 floats are 188 MB on the heap.
        String err = CliRun.run(
                        Map.of("HYPERPRUNE_OPTS", "-Xmx64m"),
                        "train",
                        "--dataset",
                        "synthetic",
                        "-O",
                        "synthetic.train-size=60000",
                        "--epochs",
                        "1",
                        "--out",
                        dir.resolve("run").toString())
                .expectExit(2)
                .err();
        assertThat(err)
                .contains(
                        "error: out of Java heap memory (limit ",
                        " MiB) while running 'train'; give more with"
                                + " HYPERPRUNE_OPTS=-Xmx4g (the launcher's default is -Xmx1g)")
                .doesNotContain("java.lang.OutOfMemoryError", "\tat ");
    }

    @Test
    void aHypernetworkOutsideItsLambdaRangeIsFlaggedAndAnEmptySweepIsRefused(@TempDir Path dir) throws Exception {
        Path run = dir.resolve("run");
        CliRun.run(train(run, "--hypernetwork", "linear", "--lambda-range", "0.01:10", "--lambda", "0.1,1"))
                .expectExit(0);
        String warning = "warning: lambda 1000 is outside the range this hypernetwork was trained on [0.01, 10];"
                + " its output there is an extrapolation";
        CliRun.Result eval = CliRun.run("eval", "--run", run.toString(), "--lambda", "1,1000")
                .expectExit(0);
        assertThat(eval.err()).contains(warning).doesNotContain("lambda 1 is outside");
        assertThat(eval.out()).contains("1000");
        assertThat(CliRun.run("eval", "--run", run.toString(), "--lambda", "0.01,10")
                        .expectExit(0)
                        .err())
                .doesNotContain("warning");
        assertThat(CliRun.run(
                                "generate",
                                "--run",
                                run.toString(),
                                "--lambda",
                                "1000",
                                "--out",
                                dir.resolve("m.fb").toString())
                        .expectExit(0)
                        .err())
                .contains(warning);
        assertThat(CliRun.run("prune", "--run", run.toString(), "--levels", "0:50:50", "--lambda", "1000")
                        .expectExit(0)
                        .err())
                .contains(warning);
        Files.delete(run.resolve("prune-relative-density-layer-0-50-50-lambda-1000.csv"));
        assertThat(CliRun.run("prune", "--run", run.toString(), "--levels", "90:0:10")
                        .expectExit(2)
                        .err())
                .contains("error: --levels 90:0:10 gives no level: from must be <= to, e.g. 0:90:10");
        try (var files = Files.list(run)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(name -> name.startsWith("prune"));
        }
        assertThat(CliRun.run("generate", "--run", run.toString(), "--out", dir.toString())
                        .expectExit(2)
                        .err())
                .contains("error: --out " + dir + " is a directory; give a file name");
    }
}
