package io.hyperprune.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's "Run on a cluster" recipe against a real Slurm: {@code scripts/slurm-local.sh} starts a
 * one-node cluster (2 CPUs, select/cons_tres) and {@code docs/slurm/hyperprune-array.sbatch}, the script
 * the README shows, is submitted as a user would, with the distribution's {@code bin/} on the PATH.
 * Skipped, saying why, where Slurm is not installed ({@code .ci/run} installs it).
 */
class SlurmIT {

    private static final Path ROOT = Path.of(System.getProperty("hyperprune.root", ".."))
            .toAbsolutePath()
            .normalize();
    private static final Path SCRIPT = ROOT.resolve("docs/slurm/hyperprune-array.sbatch");
    private static final Path BIN = CliRun.DISTRIBUTION.resolve("bin").toAbsolutePath();
    private static final Duration ARRAY_TIMEOUT = Duration.ofMinutes(4);
    private static final Pattern EPOCH = Pattern.compile("\\] (\\S+) epoch (\\d+)/\\d+: loss");
    private static final Pattern COMPLETED = Pattern.compile("(?m)^(\\S+): completed \\(");
    private static final List<String> PRUNE_COLUMNS =
            List.of("lambda", "criterion", "scope", "deleted_percent", "accuracy", "remaining_parameters");
    private static final List<String> SMALL =
            List.of("--dataset", "synthetic", "-O", "synthetic.train-size=600", "-O", "synthetic.test-size=200");

    @TempDir
    static Path shared;

    private static LocalSlurm slurm;

    /** The cluster, started by the first test that needs it; the test is skipped if Slurm is not installed. */
    private static LocalSlurm slurm() {
        Optional<String> missing = LocalSlurm.missing();
        Assumptions.assumeTrue(missing.isEmpty(), missing::get);
        if (slurm == null) {
            try { // munged wants its socket's directories traversable by all (a temp dir is owner-only)
                Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwx--x--x"));
            } catch (java.io.IOException e) {
                throw new AssertionError(e);
            }
            long start = System.nanoTime();
            slurm = LocalSlurm.start(ROOT, shared.resolve("slurm"));
            timing("cluster start (munged, slurmctld, slurmd; node idle)", start);
        }
        return slurm;
    }

    @AfterAll
    static void stopSlurm() {
        if (slurm != null) {
            slurm.stop();
        }
    }

    @Test
    void theReadmeShowsTheArrayScriptThatIsTestedHere() throws Exception {
        assertThat(Files.readString(ROOT.resolve("README.md")))
                .as("README.md shows %s verbatim", SCRIPT)
                .contains("```bash\n" + Files.readString(SCRIPT) + "```");
    }

    @Test
    void theArrayTrainsEveryRunOnceAndMergesToTheResultsOfOneProcess(@TempDir Path dir) throws Exception {
        LocalSlurm slurm = slurm();
        List<String> grid = concat(
                SMALL,
                List.of(
                        "--evidences",
                        "weight-decay,variational",
                        "--hypernetworks",
                        "constant,linear",
                        "--lambdas",
                        "0.1,1",
                        "--epochs-plain",
                        "1",
                        "--epochs-hypernetwork",
                        "1",
                        "--levels",
                        "0,50"));
        Path out = dir.resolve("shared/runs/grid");
        long start = System.nanoTime();
        String job = slurm.sbatch(
                dir,
                onPath(BIN),
                concat(List.of("--array=0-3", "--cpus-per-task=1", SCRIPT.toString(), out.toString()), grid));
        slurm.await(job, ARRAY_TIMEOUT);
        timing("array of 4 tasks (4 runs, 2 CPUs)", start);
        assertThat(slurm.states(job))
                .hasSize(4)
                .containsOnlyKeys(tasks(job, 4))
                .allSatisfy((task, state) -> assertThat(state)
                        .as("%s; its log:%n%s", task, log(dir, task))
                        .isEqualTo("COMPLETED"));

        start = System.nanoTime();
        CliRun.Result report = CliRun.run("report", out.toString()).expectExit(0);
        timing("hyperprune report (merge)", start);
        assertThat(report.err()).contains("report: " + out.resolve("report.html"));
        assertThat(out.resolve("report.html")).isNotEmptyFile();
        assertThat(Files.readString(out.resolve("report.md")))
                .contains("weight-decay", "variational", "weight-decay+linear", "variational+linear");

        Path whole = dir.resolve("one-process");
        CliRun.run(experiment(whole, grid)).expectExit(0);
        List<String> runs = runNames(whole.resolve("results.csv"));
        assertThat(runs).hasSize(4);
        // Task i trained exactly its share (grid positions i, i+4, ...): each run once, by one task.
        for (int i = 0; i < 4; i++) {
            assertThat(completions(log(dir, job + "_" + i)))
                    .as("runs task %d trained", i)
                    .containsExactly(runs.get(i));
        }
        assertThat(withoutSeconds(out.resolve("results.csv"))).isEqualTo(withoutSeconds(whole.resolve("results.csv")));
        assertNoClaimsOrTempFiles(out);
    }

    @Test
    void tasksCancelledOrKilledMidRunAndRequeuedTrainEveryRunOnceToTheSameResults(@TempDir Path dir) throws Exception {
        LocalSlurm slurm = slurm();
        List<String> grid = List.of(
                "--dataset",
                "synthetic",
                "-O",
                "synthetic.train-size=3000",
                "-O",
                "synthetic.test-size=200",
                "--evidences",
                "weight-decay,variational",
                "--hypernetworks",
                "constant",
                "--lambdas",
                "0.1,1",
                "--epochs-plain",
                "40",
                "--checkpoint-every",
                "0",
                "--levels",
                "0,50");
        Path out = dir.resolve("shared/runs/grid");
        // Each attempt of a task on a "node" of its own (its own host name, one shared file system), where
        // this machine allows it: then a killed attempt's claim is another host's to its requeued attempt.
        boolean nodes = canSimulateNodes();
        Map<String, String> env = new HashMap<>(nodes ? onPath(nodeShim(dir), BIN) : onPath(BIN));
        env.put("HYPERPRUNE_OPTS", "-Dhyperprune.claim-stale-seconds=20");
        long start = System.nanoTime();
        String job = slurm.sbatch(
                dir, env, concat(List.of("--array=0-1", "--cpus-per-task=1", SCRIPT.toString(), out.toString()), grid));
        // Task 0 trains weight-decay's run, task 1 variational's (grid order); both run at once on 2 CPUs.
        List<Path> midRun = awaitMidRun(out, "weight-decay-r0-", "variational-r0-");
        Path killed = midRun.get(0);
        Path cancelled = midRun.get(1);
        long pid = new ObjectMapper()
                .readTree(killed.resolve("claim.json").toFile())
                .get("pid")
                .asLong();
        new ProcessBuilder("kill", "-KILL", String.valueOf(pid)).start().waitFor(); // as the OOM killer does
        slurm.command("scancel", job + "_1"); // SIGTERM, as for preemption or a time limit
        slurm.awaitState(job + "_0", "FAILED", Duration.ofMinutes(1));
        slurm.awaitState(job + "_1", "CANCELLED", Duration.ofMinutes(1));
        assertThat(killed.resolve("result.json")).as("killed mid-run").doesNotExist();
        assertThat(cancelled.resolve("result.json")).as("cancelled mid-run").doesNotExist();
        assertThat(killed.resolve("claim.json")).as("kill -9 leaves the claim").exists();
        assertThat(cancelled.resolve("claim.json"))
                .as("SIGTERM gives the claim back")
                .doesNotExist();
        Map<Path, Integer> saved = Map.of(killed, savedEpoch(killed), cancelled, savedEpoch(cancelled));

        slurm.command("scontrol", "requeue", job + "_0," + job + "_1");
        slurm.await(job, ARRAY_TIMEOUT);
        timing("array of 2 tasks, one killed and one cancelled mid-run, both requeued", start);
        assertThat(slurm.states(job))
                .containsOnlyKeys(tasks(job, 2))
                .allSatisfy((task, state) -> assertThat(state)
                        .as("%s; its log:%n%s", task, log(dir, task))
                        .isEqualTo("COMPLETED"));
        assertThat(slurm.restarts(job + "_0")).isEqualTo(1);
        assertThat(slurm.restarts(job + "_1")).isEqualTo(1);

        // One log per task (--open-mode=append): both attempts. Each run completed once, and the second
        // attempt continued after the epoch saved before the kill: no epoch reported twice (a run trained
        // again from the start would report epoch 1 again), and its metrics hold every epoch once.
        for (int i = 0; i < 2; i++) {
            Path run = i == 0 ? killed : cancelled;
            String name = run.getFileName().toString();
            String log = log(dir, job + "_" + i);
            assertThat(completions(log)).as("runs task %d completed", i).containsExactly(name);
            int savedEpoch = saved.get(run);
            List<Integer> unreported = new ArrayList<>(range(1, 40)); // killed after saving, before reporting it
            unreported.remove(Integer.valueOf(savedEpoch));
            assertThat(epochs(log, name))
                    .as(
                            "epochs of %s reported over both attempts (epoch %d saved when it was stopped)",
                            name, savedEpoch)
                    .isIn(range(1, 40), unreported);
            assertThat(Files.readAllLines(run.resolve("metrics.csv")).stream()
                            .skip(1)
                            .map(line -> line.substring(0, line.indexOf(','))))
                    .as("metrics.csv of %s: each epoch once per lambda", name)
                    .containsExactlyElementsOf(range(1, 40).stream()
                            .flatMap(e -> Stream.of(e.toString(), e.toString()))
                            .toList());
        }
        if (nodes) {
            assertThat(log(dir, job + "_0"))
                    .as("the requeued attempt watched its killed attempt's claim (another host's) until it was stale")
                    .contains("waiting for 1 run(s) claimed from another host (" + killed.getFileName())
                    .doesNotContain(": being trained by");
        }

        Path whole = dir.resolve("one-process");
        CliRun.run(experiment(whole, grid)).expectExit(0);
        assertThat(withoutSeconds(out.resolve("results.csv"))).isEqualTo(withoutSeconds(whole.resolve("results.csv")));
        assertNoClaimsOrTempFiles(out);
    }

    @Test
    void tasksFinishingTogetherWriteTheSharedFilesOneAfterTheOther(@TempDir Path dir) throws Exception {
        LocalSlurm slurm = slurm();
        List<String> grid = concat(
                SMALL,
                List.of(
                        "--evidences",
                        "weight-decay",
                        "--hypernetworks",
                        "constant",
                        "--restarts",
                        "2",
                        "--lambdas",
                        "0.1,1",
                        "--epochs-plain",
                        "1",
                        "--levels",
                        "0,50"));
        Path out = dir.resolve("shared/runs/grid");
        // The lock of the shared result files, held by this (live) process: each task, its run finished,
        // waits for it; let go, both go for it at the same moment.
        Path lock = out.resolve("results-claim.json");
        Files.createDirectories(out);
        Files.writeString(lock, ownClaim());
        long start = System.nanoTime();
        // Held, then released: both tasks start on the same scheduler tick (and record experiment.json together).
        String job = slurm.sbatch(
                dir,
                onPath(BIN),
                concat(List.of("--hold", "--array=0-1", "--cpus-per-task=1", SCRIPT.toString(), out.toString()), grid));
        slurm.command("scontrol", "release", job);
        List<Path> runs = List.of(awaitFinished(out, "weight-decay-r0-"), awaitFinished(out, "weight-decay-r1-"));
        LocalSlurm.pause(1000);
        assertThat(slurm.states(job))
                .as("both tasks wait for the lock of results.csv")
                .containsOnlyKeys(tasks(job, 2))
                .containsValues("RUNNING")
                .doesNotContainValue("COMPLETED");
        Duration apart = Duration.between(
                        Files.getLastModifiedTime(runs.get(0).resolve("result.json"))
                                .toInstant(),
                        Files.getLastModifiedTime(runs.get(1).resolve("result.json"))
                                .toInstant())
                .abs();
        System.err.printf(Locale.ROOT, "SlurmIT: the two runs finished %d ms apart%n", apart.toMillis());
        Files.delete(lock);
        slurm.await(job, ARRAY_TIMEOUT);
        timing("array of 2 tasks finishing together", start);
        assertThat(slurm.states(job))
                .allSatisfy((task, state) -> assertThat(state)
                        .as("%s; its log:%n%s", task, log(dir, task))
                        .isEqualTo("COMPLETED"));

        // results.csv holds both runs' rows, exactly as each run's prune.csv has them, in grid order.
        List<String> expected = new ArrayList<>();
        for (Path run : runs) {
            columns(Files.readAllLines(run.resolve("prune.csv")), PRUNE_COLUMNS).stream()
                    .map(row -> run.getFileName() + "," + row)
                    .forEach(expected::add);
        }
        List<String> run = new ArrayList<>(List.of("run"));
        run.addAll(PRUNE_COLUMNS);
        assertThat(columns(Files.readAllLines(out.resolve("results.csv")), run)).containsExactlyElementsOf(expected);
        JsonNode summary =
                new ObjectMapper().readTree(out.resolve("summary.json").toFile());
        assertThat(summary.get("results").asInt()).isEqualTo(expected.size());
        assertThat(new ObjectMapper()
                        .readTree(out.resolve("experiment.json").toFile())
                        .get("restarts")
                        .asInt())
                .isEqualTo(2);
        assertNoClaimsOrTempFiles(out);
    }

    // --- helpers

    private static void timing(String what, long startNanos) {
        System.err.printf(Locale.ROOT, "SlurmIT timing: %s: %.2f s%n", what, (System.nanoTime() - startNanos) / 1e9);
    }

    private static Map<String, String> onPath(Path... directories) {
        List<String> path = new ArrayList<>();
        for (Path directory : directories) {
            path.add(directory.toString());
        }
        path.add(System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        path.add("/usr/sbin");
        return Map.of("PATH", String.join(":", path));
    }

    private static boolean canSimulateNodes() throws Exception {
        Process probe = new ProcessBuilder("unshare", "--uts", "true")
                .redirectErrorStream(true)
                .start();
        boolean can = probe.waitFor() == 0;
        if (!can) {
            System.err.println("SlurmIT: 'unshare --uts' is not allowed here (needs root): all attempts run as one"
                    + " host, so a killed attempt's claim is recognised by its pid, not by its missing renewals");
        }
        return can;
    }

    /** A {@code hyperprune} that runs the real one under a host name of its own per task and attempt. */
    private static Path nodeShim(Path dir) throws Exception {
        Path shim = dir.resolve("node-shim");
        Files.createDirectories(shim);
        Path command = shim.resolve("hyperprune");
        Files.writeString(
                command,
                "#!/bin/sh\n"
                        + "exec unshare --uts sh -c 'hostname \"node$SLURM_ARRAY_TASK_ID-attempt${SLURM_RESTART_COUNT:-0}\""
                        + " && exec \"$0\" \"$@\"' " + BIN.resolve("hyperprune") + " \"$@\"\n");
        Files.setPosixFilePermissions(command, PosixFilePermissions.fromString("rwxr-xr-x"));
        return shim;
    }

    private static String[] experiment(Path out, List<String> grid) {
        return concat(List.of("experiment", "--out", out.toString(), "--no-report"), grid)
                .toArray(String[]::new);
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    private static List<String> tasks(String job, int count) {
        return IntStream.range(0, count).mapToObj(i -> job + "_" + i).toList();
    }

    private static List<Integer> range(int from, int to) {
        return IntStream.rangeClosed(from, to).boxed().toList();
    }

    /** A task's log ({@code slurm-%A_%a.out} in the directory sbatch ran in). */
    private static String log(Path dir, String task) {
        Path file = dir.resolve("slurm-" + task + ".out");
        return Files.exists(file) ? CliRun.text(file) : "(no " + file + ")";
    }

    /** The runs a log says were completed, in order (one line per run that was trained here). */
    private static List<String> completions(String log) {
        List<String> runs = new ArrayList<>();
        Matcher matcher = COMPLETED.matcher(log);
        while (matcher.find()) {
            runs.add(matcher.group(1));
        }
        return runs;
    }

    /** The epochs of a run a log reports as trained, in order. */
    private static List<Integer> epochs(String log, String run) {
        List<Integer> epochs = new ArrayList<>();
        Matcher matcher = EPOCH.matcher(log);
        while (matcher.find()) {
            if (matcher.group(1).equals(run)) {
                epochs.add(Integer.parseInt(matcher.group(2)));
            }
        }
        return epochs;
    }

    /** The grid's run names in order, from a results.csv (rows are written in grid order). */
    private static List<String> runNames(Path results) throws Exception {
        return Files.readAllLines(results).stream()
                .skip(1)
                .map(line -> line.substring(0, line.indexOf(',')))
                .distinct()
                .toList();
    }

    private static List<String> withoutSeconds(Path csv) throws Exception {
        return Files.readAllLines(csv).stream()
                .map(line -> line.substring(0, line.lastIndexOf(',')))
                .toList();
    }

    /** The named columns of a CSV file's rows (after its header), comma-separated. */
    private static List<String> columns(List<String> lines, List<String> names) {
        List<String> header = List.of(lines.get(0).split(","));
        assertThat(header).containsAll(names);
        return lines.subList(1, lines.size()).stream()
                .map(line -> {
                    String[] values = line.split(",");
                    return String.join(
                            ",",
                            names.stream().map(n -> values[header.indexOf(n)]).toList());
                })
                .toList();
    }

    /** Waits until each run (by name prefix) has saved an epoch past the first but has no result yet: all mid-run. */
    private static List<Path> awaitMidRun(Path out, String... prefixes) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (System.nanoTime() < deadline) {
            List<Path> runs = new ArrayList<>();
            for (String prefix : prefixes) {
                runDirectory(out, prefix)
                        .filter(run -> Files.exists(run.resolve("claim.json"))
                                && !Files.exists(run.resolve("result.json"))
                                && savedEpoch(run) >= 2)
                        .ifPresent(runs::add);
            }
            if (runs.size() == prefixes.length) {
                return runs;
            }
            LocalSlurm.pause(50);
        }
        throw new AssertionError("the runs " + List.of(prefixes) + " under " + out + " were never all mid-run at once");
    }

    private static Path awaitFinished(Path out, String prefix) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (System.nanoTime() < deadline) {
            Optional<Path> run = runDirectory(out, prefix);
            if (run.isPresent() && Files.exists(run.get().resolve("prune.csv"))) {
                return run.get();
            }
            LocalSlurm.pause(100);
        }
        throw new AssertionError("run " + prefix + "* under " + out + " did not finish in 3 minutes");
    }

    private static Optional<Path> runDirectory(Path out, String prefix) throws Exception {
        Path runs = out.resolve("runs");
        if (!Files.isDirectory(runs)) {
            return Optional.empty();
        }
        try (Stream<Path> list = Files.list(runs)) {
            return list.filter(p -> p.getFileName().toString().startsWith(prefix))
                    .findFirst();
        }
    }

    /** The epoch a run's checkpoint.json names (0: none yet or being replaced). */
    private static int savedEpoch(Path run) {
        try {
            return new ObjectMapper()
                    .readTree(run.resolve("checkpoint.json").toFile())
                    .get("epoch")
                    .asInt();
        } catch (java.io.IOException | RuntimeException e) {
            return 0;
        }
    }

    /** A claim file naming this (live) test process, as hyperprune writes them. */
    private static String ownClaim() throws Exception {
        ProcessHandle self = ProcessHandle.current();
        Map<String, Object> owner = new java.util.LinkedHashMap<>();
        owner.put("host", Files.readString(Path.of("/proc/sys/kernel/hostname")).trim());
        owner.put("pid", self.pid());
        owner.put(
                "processStart",
                self.info().startInstant().map(Instant::toString).orElse(""));
        owner.put("token", "SlurmIT");
        owner.put("since", Instant.now().toString());
        return new ObjectMapper().writeValueAsString(owner);
    }

    /** No claim of a run or of the shared files, and no temp file of an interrupted write, is left. */
    private static void assertNoClaimsOrTempFiles(Path out) throws Exception {
        try (Stream<Path> files = Files.walk(out)) {
            assertThat(files.map(p -> out.relativize(p).toString())
                            .filter(name -> name.contains("claim") || name.endsWith(".tmp")))
                    .isEmpty();
        }
    }
}
