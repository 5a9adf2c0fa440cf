package io.hyperprune.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The study end to end on the synthetic data set: the integration matrix over every registered
 * evidence x hypernetwork x pruning criterion (a third-party criterion jar included), resuming a
 * killed experiment, and a generated model loaded without hyperprune on the class path.
 */
class StudyIT {

    private static final String[] SMALL_DATA = {
        "--dataset", "synthetic", "-O", "synthetic.train-size=1200", "-O", "synthetic.test-size=400"
    };

    private static String[] args(String... extra) {
        List<String> all = new ArrayList<>(List.of(extra));
        all.addAll(List.of(SMALL_DATA));
        return all.toArray(String[]::new);
    }

    @Test
    void everyCombinationOfRegisteredComponentsTrainsPrunesAndReports(@TempDir Path dir) throws Exception {
        Path plugins = PluginJars.pluginsCopy(dir);
        PluginJars.build(
                plugins,
                "snr.jar",
                Map.of(
                        "example.SignalToNoise",
                        PluginJars.criterionSource("example", "SignalToNoise", "signal-to-noise", "")),
                Map.of("io.hyperprune.api.PruningCriterion", "example.SignalToNoise\n"),
                Map.of());
        JsonNode listing = new ObjectMapper()
                .readTree(CliRun.run("--plugins-dir", plugins.toString(), "plugins", "--json")
                        .expectExit(0)
                        .out());
        Map<String, List<String>> ids = Map.of(
                "evidence",
                new ArrayList<>(),
                "hypernetwork",
                new ArrayList<>(),
                "pruning criterion",
                new ArrayList<>());
        listing.get("components").forEach(c -> {
            List<String> list = ids.get(c.get("spi").asText());
            if (list != null && c.get("problem").isNull()) {
                list.add(c.get("id").asText());
            }
        });
        assertThat(ids.get("pruning criterion")).contains("signal-to-noise");
        Path out = dir.resolve("matrix");
        CliRun.run(args(
                        "--plugins-dir",
                        plugins.toString(),
                        "experiment",
                        "--out",
                        out.toString(),
                        "--evidences",
                        String.join(",", ids.get("evidence")),
                        "--hypernetworks",
                        String.join(",", ids.get("hypernetwork")),
                        "--criteria",
                        String.join(",", ids.get("pruning criterion")),
                        "--lambdas",
                        "0.01,10",
                        "--epochs-plain",
                        "1",
                        "--epochs-hypernetwork",
                        "1",
                        "--levels",
                        "0,50,90",
                        "--batch-size",
                        "128"))
                .expectExit(0);

        List<String> lines = Files.readAllLines(out.resolve("results.csv"));
        Set<String> combinations = new HashSet<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",");
            combinations.add(f[2] + "/" + f[3] + "/" + f[6]);
            double accuracy = Double.parseDouble(f[9]);
            assertThat(accuracy).isBetween(0.0, 1.0);
            double deleted = Double.parseDouble(f[8]) / 100;
            long remaining = Long.parseLong(f[10]);
            // 784-50-10: weights 39200 + 500 per layer exactly round(f * n) deleted, biases (60) kept.
            assertThat(remaining).isEqualTo(39760 - Math.round(deleted * 39200) - Math.round(deleted * 500));
        }
        int expected = ids.get("evidence").size()
                * ids.get("hypernetwork").size()
                * ids.get("pruning criterion").size();
        assertThat(combinations).hasSize(expected);
        // Plain runs: 2 lambdas; hypernetworks: both lambdas from one run. Each at 3 levels.
        assertThat(lines)
                .hasSize(1
                        + ids.get("evidence").size()
                                * ids.get("hypernetwork").size()
                                * 2
                                * 3
                                * ids.get("pruning criterion").size());
        assertThat(out.resolve("report.html")).exists();
        assertThat(out.resolve("report.md")).exists();
        assertThat(CliRun.text(out.resolve("report.html")))
                .doesNotContain("http://", "https://")
                .contains("data:image/png;base64,");
        try (Stream<Path> figures = Files.list(out.resolve("figures"))) {
            assertThat(figures.filter(p -> p.toString().endsWith(".png")).count())
                    .isGreaterThanOrEqualTo(2L * expected / 3);
        }
        assertThat(Files.readAllLines(out.resolve("agreement.csv")).size()).isGreaterThan(1);
    }

    @Test
    void workerProcessesTrainTheGridAndTheParentOnlyCollects(@TempDir Path dir) throws Exception {
        // --no-report on the command line once broke every worker (it was passed twice) and the parent
        // silently trained the whole grid alone.
        CliRun.Result result = CliRun.run(args(
                        "experiment",
                        "--out",
                        dir.resolve("g").toString(),
                        "--workers",
                        "2",
                        "--no-report",
                        "--evidences",
                        "weight-decay,variational",
                        "--hypernetworks",
                        "constant",
                        "--lambdas",
                        "0.1,1",
                        "--epochs-plain",
                        "1",
                        "--levels",
                        "0,50",
                        "--batch-size",
                        "128"))
                .expectExit(0);
        assertThat(result.err())
                .contains("running 2 runs in 2 worker processes")
                .doesNotContain("exited with code", "should be specified only once")
                .contains("2 of them finished before this process looked");
        // The workers claim runs as they go: each run trained once, by one of them.
        assertThat(result.err()
                        .lines()
                        .filter(line -> line.contains(": completed ("))
                        .count())
                .isEqualTo(2);
        try (Stream<Path> claims = Files.walk(dir.resolve("g"))) {
            assertThat(claims.filter(path -> path.getFileName().toString().contains("claim")))
                    .as("claims removed")
                    .isEmpty();
        }
    }

    @Test
    void aKilledExperimentResumesToTheResultsOfAnUninterruptedOne(@TempDir Path dir) throws Exception {
        // Two runs (one per evidence), each holding both lambdas' plain models side by side.
        String[] common = args(
                "--evidences",
                "weight-decay,variational",
                "--hypernetworks",
                "constant",
                "--lambdas",
                "0.1,1",
                "--epochs-plain",
                "4",
                "--levels",
                "0,50,90",
                "--batch-size",
                "64",
                "--checkpoint-every",
                "0");
        Path whole = dir.resolve("whole");
        CliRun.run(concat(new String[] {"experiment", "--out", whole.toString()}, common))
                .expectExit(0);

        Path interrupted = dir.resolve("interrupted");
        Process process = CliRun.start(
                CliRun.DISTRIBUTION,
                Map.of(),
                concat(new String[] {"experiment", "--out", interrupted.toString()}, common));
        // Kill once the second run has a checkpoint but no result: mid-run, after a finished one.
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while (System.nanoTime() < deadline && !midSecondRun(interrupted)) {
            Thread.sleep(50);
        }
        assertThat(midSecondRun(interrupted))
                .as("the experiment reached its second run")
                .isTrue();
        process.destroyForcibly().waitFor();
        assertThat(interrupted.resolve("results.csv")).doesNotExist();

        CliRun.run(concat(new String[] {"experiment", "--out", interrupted.toString(), "--resume"}, common))
                .expectExit(0);
        assertThat(withoutSeconds(interrupted.resolve("results.csv")))
                .isEqualTo(withoutSeconds(whole.resolve("results.csv")));
    }

    @Test
    void aGeneratedModelPredictsWithPlainNd4jOnly(@TempDir Path dir) throws Exception {
        Path run = dir.resolve("run");
        CliRun.run(args(
                        "train",
                        "--evidence",
                        "variational",
                        "--hypernetwork",
                        "linear",
                        "--epochs",
                        "1",
                        "--out",
                        run.toString()))
                .expectExit(0);
        Path model = dir.resolve("model.fb");
        JsonNode generated = new ObjectMapper()
                .readTree(CliRun.run(
                                "generate",
                                "--run",
                                run.toString(),
                                "--lambda",
                                "3.7",
                                "--prune",
                                "0.5",
                                "--out",
                                model.toString(),
                                "--json")
                        .expectExit(0)
                        .out());
        assertThat(generated.get("testAccuracy").asDouble()).isBetween(0.0, 1.0);
        assertThat(generated.get("nonZeroParameters").asLong()).isLessThanOrEqualTo(39760 - 19600 - 250);

        Path program = dir.resolve("LoadModel.java");
        Files.writeString(program, """
                import java.io.File;
                import java.util.Map;
                import org.nd4j.autodiff.samediff.SameDiff;
                import org.nd4j.linalg.api.ndarray.INDArray;
                import org.nd4j.linalg.factory.Nd4j;
                public class LoadModel {
                    public static void main(String[] args) throws Exception {
                        try {
                            Class.forName("io.hyperprune.api.Evidence");
                            throw new AssertionError("hyperprune is on the class path");
                        } catch (ClassNotFoundException expected) {
                        }
                        SameDiff model = SameDiff.load(new File(args[0]), false);
                        INDArray p = model.outputSingle(Map.of("input", Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, 3, 784)), "probabilities");
                        System.out.println("shape " + p.shape()[0] + "x" + p.shape()[1] + " sum " + p.sumNumber());
                    }
                }
                """);
        String output = CliRun.plainNd4j(program, model.toString());
        assertThat(output).contains("shape 3x10");
        double sum = Double.parseDouble(
                output.substring(output.indexOf(" sum ") + 5).trim().split("\\s")[0]);
        assertThat(sum).as("three rows of probabilities").isCloseTo(3.0, org.assertj.core.api.Assertions.within(1e-4));
    }

    private static boolean midSecondRun(Path experiment) {
        Path runs = experiment.resolve("runs");
        if (!Files.isDirectory(runs)) {
            return false;
        }
        try (Stream<Path> list = Files.list(runs)) {
            List<Path> dirs = list.toList();
            long finished = dirs.stream()
                    .filter(d -> Files.exists(d.resolve("prune.csv")))
                    .count();
            long checkpointed = dirs.stream()
                    .filter(d -> Files.exists(d.resolve("checkpoint.json")) && !Files.exists(d.resolve("result.json")))
                    .count();
            return finished == 1 && checkpointed == 1;
        } catch (java.io.IOException e) {
            return false;
        }
    }

    private static List<String> withoutSeconds(Path csv) throws Exception {
        return Files.readAllLines(csv).stream()
                .map(line -> line.substring(0, line.lastIndexOf(',')))
                .toList();
    }

    private static String[] concat(String[] a, String[] b) {
        String[] all = new String[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
