package io.hyperprune.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What docs/reliability.md promises, tried as a user would: an experiment's files are
 * written only by the experiment, one process owns a run, workers end with their parent, a damaged
 * model or checkpoint is named, and a refused command leaves everything as it was.
 */
class ReliabilityIT {

    private static final List<String> SMALL =
            List.of("--dataset", "synthetic", "-O", "synthetic.train-size=600", "-O", "synthetic.test-size=200");
    private static final List<String> GRID = List.of(
            "--hypernetworks",
            "constant",
            "--lambdas",
            "0.1,1",
            "--epochs-plain",
            "1",
            "--levels",
            "0,50",
            "--no-report");

    private static String[] experiment(Path out, String... extra) {
        List<String> args = new ArrayList<>(List.of("experiment", "--out", out.toString()));
        args.addAll(SMALL);
        args.addAll(GRID);
        if (!List.of(extra).contains("--evidences")) {
            args.addAll(List.of("--evidences", "weight-decay,variational"));
        }
        args.addAll(List.of(extra));
        return args.toArray(String[]::new);
    }

    private static String[] train(Path out, String... extra) {
        List<String> args = new ArrayList<>(List.of("train", "--out", out.toString()));
        args.addAll(SMALL);
        args.addAll(List.of(extra));
        return args.toArray(String[]::new);
    }

    private static Path aRunOf(Path experiment, String prefix) throws Exception {
        try (Stream<Path> runs = Files.list(experiment.resolve("runs"))) {
            return runs.filter(p -> p.getFileName().toString().startsWith(prefix))
                    .findFirst()
                    .orElseThrow();
        }
    }

    @Test
    void aManualPruneWritesItsOwnFileAndNeverChangesTheExperimentsResults(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("e");
        CliRun.run(experiment(out)).expectExit(0);
        String results = Files.readString(out.resolve("results.csv"));
        Path run = aRunOf(out, "variational-r0");
        String prune = Files.readString(run.resolve("prune.csv"));

        String err = CliRun.run("prune", "--run", run.toString(), "--criterion", "magnitude", "--levels", "0:50:25")
                .expectExit(0)
                .err();

        Path own = run.resolve("prune-magnitude-layer-0-50-25.csv");
        assertThat(err).contains("wrote " + own);
        List<String> lines = Files.readAllLines(own);
        assertThat(lines).hasSize(1 + 2 * 3);
        assertThat(lines.subList(1, lines.size())).allMatch(line -> line.contains(",magnitude,layer,"));
        assertThat(Files.readString(run.resolve("prune.csv"))).isEqualTo(prune);
        CliRun.run(experiment(out, "--resume")).expectExit(0);
        assertThat(Files.readString(out.resolve("results.csv")))
                .isEqualTo(results)
                .doesNotContain("magnitude");
    }

    @Test
    void aRefusedExperimentWritesNothingAndExperimentJsonIsNeverReplaced(@TempDir Path dir) throws Exception {
        Path fresh = dir.resolve("fresh");
        assertThat(CliRun.run(experiment(fresh, "--criteria", "magnitde"))
                        .expectExit(2)
                        .err())
                .contains("unknown pruning criterion 'magnitde'", "did you mean 'magnitude'");
        assertThat(fresh).doesNotExist();

        Path out = dir.resolve("e");
        CliRun.run(experiment(out)).expectExit(0);
        String recorded = Files.readString(out.resolve("experiment.json"));
        assertThat(CliRun.run(experiment(out)).expectExit(2).err())
                .contains("already holds this experiment", "add --resume");
        assertThat(CliRun.run(experiment(out, "--resume", "--criteria", "magnitude"))
                        .expectExit(2)
                        .err())
                .contains(
                        "holds an experiment with other settings",
                        "criteria [\"relative-density\"] there, [\"magnitude\"] now");
        assertThat(CliRun.run(experiment(out, "--resume", "--criteria", "nope"))
                        .expectExit(2)
                        .err())
                .contains("unknown pruning criterion 'nope'");
        assertThat(Files.readString(out.resolve("experiment.json"))).isEqualTo(recorded);
    }

    @Test
    void aRunOfAnExperimentIsWrittenOnlyByTheExperiment(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("e");
        CliRun.run(experiment(out)).expectExit(0);
        Path run = aRunOf(out, "weight-decay-r0");
        String result = Files.readString(run.resolve("result.json"));

        assertThat(CliRun.run(train(run, "--evidence", "weight-decay", "--lambda", "0.1,1", "--resume"))
                        .expectExit(2)
                        .err())
                .contains("belongs to the experiment in " + out, "experiment --out " + out + " --resume");
        assertThat(Files.readString(run.resolve("result.json"))).isEqualTo(result);
    }

    @Test
    void resumingWithFewerEpochsIsRefusedAndResultJsonStillDescribesTheModel(@TempDir Path dir) throws Exception {
        Path run = dir.resolve("run");
        CliRun.run(train(run, "--epochs", "3")).expectExit(0);
        String result = Files.readString(run.resolve("result.json"));
        assertThat(CliRun.run(train(run, "--epochs", "1", "--resume"))
                        .expectExit(2)
                        .err())
                .contains("holds a model trained for 3 epochs", "--epochs 1 cannot shrink it", "--epochs 3 or more");
        assertThat(Files.readString(run.resolve("result.json")))
                .isEqualTo(result)
                .contains("\"epochs\" : 3");
    }

    @Test
    void aDamagedModelIsNamedByEveryCommandAndResumeTrainsItAgain(@TempDir Path dir) throws Exception {
        Path run = dir.resolve("run");
        CliRun.run(train(run, "--epochs", "2", "--hypernetwork", "linear")).expectExit(0);
        Path model = run.resolve("model.npz");
        byte[] bytes = Files.readAllBytes(model);
        Files.write(model, java.util.Arrays.copyOf(bytes, bytes.length / 3));

        for (String[] command : List.of(
                new String[] {"eval", "--run", run.toString()},
                new String[] {"prune", "--run", run.toString()},
                new String[] {
                    "generate",
                    "--run",
                    run.toString(),
                    "--lambda",
                    "1",
                    "--out",
                    dir.resolve("g.fb").toString()
                })) {
            assertThat(CliRun.run(command).expectExit(2).err())
                    .as(command[0])
                    .contains("error: " + model, "is not the model that was saved", "train the run again")
                    .doesNotContain("internal error");
        }
        assertThat(dir.resolve("g.fb")).doesNotExist();

        String err = CliRun.run(train(run, "--epochs", "2", "--hypernetwork", "linear", "--resume"))
                .expectExit(0)
                .err();
        assertThat(err).contains("warning: " + model, "starts again from epoch 1");
        CliRun.run("eval", "--run", run.toString()).expectExit(0);
    }

    @Test
    void anEmptyCheckpointIsNamedAndTheRunContinuesFromScratch(@TempDir Path dir) throws Exception {
        Path run = dir.resolve("run");
        CliRun.run(train(run, "--epochs", "1")).expectExit(0);
        Files.writeString(run.resolve("checkpoint.json"), "");
        String err = CliRun.run(train(run, "--epochs", "2", "--resume"))
                .expectExit(0)
                .err();
        assertThat(err)
                .contains("warning: " + run.resolve("checkpoint.json") + " is not a checkpoint (empty)")
                .doesNotContain("NullPointerException");
        assertThat(Files.readString(run.resolve("result.json"))).contains("\"epochs\" : 2");
    }

    @Test
    void badWorkerCountsAndShardVariablesAreNamed(@TempDir Path dir) {
        Path out = dir.resolve("e");
        assertThat(CliRun.run(experiment(out, "--workers", "0")).expectExit(2).err())
                .contains("--workers must be at least 1 (1: train in this process), got 0");
        assertThat(CliRun.run(experiment(out, "--workers", "-5")).expectExit(2).err())
                .contains("--workers must be at least 1");
        assertThat(CliRun.run(experiment(out, "--workers", "2", "--threads-per-worker", "0"))
                        .expectExit(2)
                        .err())
                .contains("--threads-per-worker must be at least 1");
        assertThat(CliRun.run(Map.of("SLURM_ARRAY_TASK_ID", "abc", "SLURM_ARRAY_TASK_COUNT", "4"), experiment(out))
                        .expectExit(2)
                        .err())
                .contains("SLURM_ARRAY_TASK_ID='abc' is not a whole number");
        assertThat(CliRun.run(Map.of("JOB_COMPLETION_INDEX", "1", "HYPERPRUNE_SHARD_COUNT", "x"), experiment(out))
                        .expectExit(2)
                        .err())
                .contains("HYPERPRUNE_SHARD_COUNT='x' is not a whole number");
        assertThat(out).doesNotExist();
    }

    @Test
    void aFullDiskStopsTheGridKeepingWhatFinishedAndResumeCompletesIt(@TempDir Path dir) throws Exception {
        Path disk = dir.resolve("disk");
        Files.createDirectories(disk);
        // A real file system that fills up: 1.5 MB holds one plain run (~1 MB of model and Adam state), not two.
        Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=1500k", "tmpfs", disk.toString())
                .redirectErrorStream(true)
                .start();
        org.junit.jupiter.api.Assumptions.assumeTrue(
                mount.waitFor() == 0, () -> "needs permission to mount a tmpfs: " + new String(readAll(mount)));
        try {
            Path out = disk.resolve("e");
            String[] grid = experiment(out, "--evidences", "weight-decay,variational,prior-scaled");
            String err = CliRun.run(grid).expectExit(2).err();
            assertThat(err)
                    .contains(
                            "weight-decay-r0-",
                            ": completed",
                            "error: cannot write " + out.resolve("runs"),
                            "no space left on device",
                            "stopped scheduling runs",
                            "experiment --out " + out + " --resume");
            assertThat(err).doesNotContain("prior-scaled-r0-", "internal error");
            assertThat(Files.exists(aRunOf(out, "weight-decay-r0").resolve("prune.csv")))
                    .isTrue();

            Path roomy = dir.resolve("roomy");
            new ProcessBuilder("cp", "-r", out.toString(), roomy.toString())
                    .start()
                    .waitFor();
            String resumed = CliRun.run(
                            experiment(roomy, "--evidences", "weight-decay,variational,prior-scaled", "--resume"))
                    .expectExit(0)
                    .err();
            assertThat(resumed).contains("3 completed");
        } finally {
            new ProcessBuilder("umount", disk.toString()).start().waitFor();
        }
    }

    private static byte[] readAll(Process process) {
        try {
            return process.getInputStream().readAllBytes();
        } catch (java.io.IOException e) {
            return new byte[0];
        }
    }

    /** A grid long enough to be caught mid-run. */
    private static String[] longGrid(Path out, String... extra) {
        List<String> args = new ArrayList<>(List.of(
                "experiment",
                "--out",
                out.toString(),
                "--dataset",
                "synthetic",
                "-O",
                "synthetic.train-size=3000",
                "--evidences",
                "weight-decay,variational",
                "--hypernetworks",
                "constant,linear",
                "--lambdas",
                "0.1,1",
                "--epochs-plain",
                "25",
                "--epochs-hypernetwork",
                "25",
                "--levels",
                "0,50",
                "--no-report"));
        args.addAll(List.of(extra));
        return args.toArray(String[]::new);
    }

    @Test
    void aSecondProcessOnOneExperimentIsRefusedUntilTheFirstIsGone(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("e");
        Process first = CliRun.start(CliRun.DISTRIBUTION, Map.of(), longGrid(out));
        try {
            awaitFiles(out, "claim.json", 1);
            assertThat(CliRun.run(longGrid(out, "--resume")).expectExit(2).err())
                    .contains(out + " is in use by another experiment, process " + first.pid(), "--shard i/N");
        } finally {
            first.destroyForcibly().waitFor();
        }
        // Its claims are stale now (the process is gone): a new process takes over and finishes the grid.
        CliRun.Result resumed = CliRun.run(longGrid(out, "--resume"));
        resumed.expectExit(0);
        assertThat(resumed.err()).contains("4 completed");
    }

    @Test
    void workersEndWithTheirParentWhetherItIsTerminatedOrKilled(@TempDir Path dir) throws Exception {
        for (boolean forcibly : List.of(false, true)) {
            Path out = dir.resolve(forcibly ? "killed" : "terminated");
            Process parent = CliRun.start(CliRun.DISTRIBUTION, Map.of(), longGrid(out, "--workers", "2"));
            awaitFiles(out, "claim.json", 2);
            assertThat(workersOf(out)).hasSize(2);
            if (forcibly) {
                parent.destroyForcibly(); // kill -9: no hook runs in the parent
            } else {
                parent.destroy(); // SIGTERM, as timeout(1) or a scheduler sends
            }
            parent.waitFor(30, TimeUnit.SECONDS);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!workersOf(out).isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            assertThat(workersOf(out))
                    .as(forcibly ? "after kill -9" : "after SIGTERM")
                    .isEmpty();
        }
    }

    /** The live worker processes of an experiment (/proc's full command lines: ProcessHandle truncates long ones). */
    private static List<ProcessHandle> workersOf(Path out) {
        return ProcessHandle.allProcesses()
                .filter(p -> {
                    try {
                        List<String> args = List.of(new String(
                                        Files.readAllBytes(Path.of("/proc", String.valueOf(p.pid()), "cmdline")),
                                        java.nio.charset.StandardCharsets.UTF_8)
                                .split("\u0000"));
                        return p.isAlive() && args.contains("--worker") && args.contains(out.toString());
                    } catch (java.io.IOException e) {
                        return false; // ended meanwhile
                    }
                })
                .toList();
    }

    private static void awaitFiles(Path out, String name, int count) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (System.nanoTime() < deadline) {
            if (Files.isDirectory(out)) {
                try (Stream<Path> files = Files.walk(out)) {
                    if (files.filter(p -> p.getFileName().toString().equals(name))
                                    .count()
                            >= count) {
                        return;
                    }
                } catch (java.io.UncheckedIOException | java.io.IOException e) {
                    // a file vanished while walking: look again
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError(count + " " + name + " files did not appear under " + out);
    }
}
