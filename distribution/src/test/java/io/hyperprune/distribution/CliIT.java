package io.hyperprune.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI basics, run through the packaged launcher. */
class CliIT {

    static final List<String> BUNDLED = List.of(
            "variational",
            "prior-scaled",
            "weight-decay",
            "constant",
            "linear",
            "piecewise",
            "relative-density",
            "magnitude",
            "random",
            "mnist",
            "fashion-mnist",
            "cifar10",
            "synthetic");

    @Test
    void versionAndHelpExitZero() {
        assertThat(CliRun.run("--version").expectExit(0).out()).startsWith("hyperprune ");
        assertThat(CliRun.run("--help").expectExit(0).out()).contains("experiment", "train", "plugins", "report");
    }

    @Test
    void unknownSubcommandIsAUsageError() {
        assertThat(CliRun.run("trian").expectExit(2).err()).contains("trian");
    }

    @Test
    void pluginsListsEveryBundledComponentFromThePluginsDirectory() throws Exception {
        String out = CliRun.run("plugins").expectExit(0).out();
        for (String id : BUNDLED) {
            assertThat(out).contains(id);
        }
        JsonNode json = new ObjectMapper()
                .readTree(CliRun.run("plugins", "--json").expectExit(0).out());
        List<String> ids = new ArrayList<>();
        json.get("components").forEach(c -> ids.add(c.get("id").asText()));
        assertThat(ids).containsExactlyInAnyOrderElementsOf(BUNDLED);
        json.get("components").forEach(c -> {
            if (!c.get("id").asText().equals("constant")) {
                assertThat(c.get("origin").asText()).contains("plugins");
            }
        });
    }

    @Test
    void doctorListsTheUsableComponentsOfEverySpi() {
        String out = CliRun.run("doctor").expectExit(0).out();
        assertThat(out)
                .contains(
                        "  evidence      prior-scaled, variational, weight-decay",
                        "  hypernetwork  constant, linear, piecewise",
                        "  pruning criterion magnitude, random, relative-density",
                        "  data set      cifar10, fashion-mnist, mnist, synthetic");
    }

    @Test
    void theNativeBuildIsChosenForTheCpuRecordedInTheRunAndTheUsersChoiceWins(@TempDir Path dir) throws Exception {
        String doctor = CliRun.run("doctor").expectExit(0).out();
        java.util.regex.Matcher chosen = java.util.regex.Pattern.compile(
                        "native build    (generic|onednn-avx2|onednn-avx512) \\((the fastest build for this CPU|the CPU"
                                + " has no AVX2)")
                .matcher(doctor);
        assertThat(chosen.find()).as(doctor).isTrue();
        Path run = dir.resolve("run");
        CliRun.run(
                        "train",
                        "--dataset",
                        "synthetic",
                        "-O",
                        "synthetic.train-size=600",
                        "-O",
                        "synthetic.test-size=200",
                        "--epochs",
                        "1",
                        "--out",
                        run.toString())
                .expectExit(0);
        JsonNode config = new ObjectMapper().readTree(run.resolve("config.json").toFile());
        assertThat(config.at("/environment/nativeBuild").asText()).isEqualTo(chosen.group(1));

        assertThat(CliRun.run(Map.of("HYPERPRUNE_NATIVE_BUILD", "generic"), "doctor")
                        .expectExit(0)
                        .out())
                .contains("native build    generic (HYPERPRUNE_NATIVE_BUILD=generic)");
        assertThat(CliRun.run(Map.of("HYPERPRUNE_NATIVE_BUILD", "fast"), "doctor")
                        .expectExit(2)
                        .err())
                .contains("HYPERPRUNE_NATIVE_BUILD must be one of generic|onednn-avx2", "got 'fast'");
    }

    /** Shard {@code shard} of a two-run synthetic grid (one run per evidence) into {@code out}, without a report. */
    private static void shardOfTwo(Path out, String shard, String... extra) {
        List<String> args = new ArrayList<>(List.of(
                "experiment",
                "--dataset",
                "synthetic",
                "-O",
                "synthetic.train-size=600",
                "-O",
                "synthetic.test-size=200",
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
                "--shard",
                shard,
                "--no-report",
                "--out",
                out.toString()));
        args.addAll(List.of(extra));
        CliRun.run(args.toArray(String[]::new)).expectExit(0);
    }

    @Test
    void aReportOfOneShardOfTwoSaysWhichRunsItLacks(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("grid");
        shardOfTwo(out, "0/2");
        CliRun.Result report = CliRun.run("report", out.toString()).expectExit(0);
        // Two runs in the grid (one per evidence, its lambdas side by side); shard 0 of 2 trained the first.
        assertThat(report.err()).contains("warning: 1 of 2 runs of the grid have no results", "variational-r0-");
        assertThat(java.nio.file.Files.readString(out.resolve("report.md")))
                .contains("**Incomplete: 1 of 2 runs of the grid have no results here**", "variational-r0-");
        assertThat(java.nio.file.Files.readString(out.resolve("report.html"))).contains("class=\"warning\"");

        // The directory holds the experiment: shards after the first join it.
        shardOfTwo(out, "1/2", "--resume");
        CliRun.Result complete = CliRun.run("report", out.toString()).expectExit(0);
        assertThat(complete.err()).doesNotContain("warning");
        assertThat(java.nio.file.Files.readString(out.resolve("report.md"))).doesNotContain("Incomplete");
    }

    @Test
    void typoInAComponentIdSuggestsTheRightOneAndExitsTwo() {
        String err = CliRun.run("train", "--dataset", "synthetic", "--evidence", "variatonal", "--out", "unused")
                .expectExit(2)
                .err();
        assertThat(err).contains("unknown evidence 'variatonal'", "did you mean 'variational'");
    }

    @Test
    void badOptionsExitTwoWithTheOptionNamed(@TempDir Path dir) {
        assertThat(CliRun.run(
                                "train",
                                "--dataset",
                                "synthetic",
                                "--lambda",
                                "-1",
                                "--out",
                                dir.resolve("r").toString())
                        .expectExit(2)
                        .err())
                .contains("--lambda must be positive");
        assertThat(CliRun.run(
                                "train",
                                "--dataset",
                                "synthetic",
                                "-O",
                                "piecewise.pivot=3",
                                "--hypernetwork",
                                "piecewise",
                                "--out",
                                dir.resolve("r2").toString())
                        .expectExit(2)
                        .err())
                .contains("did you mean 'pivots'");
        assertThat(CliRun.run(
                                "train",
                                "--dataset",
                                "synthetic",
                                "--eval-every",
                                "-1",
                                "--out",
                                dir.resolve("r").toString())
                        .expectExit(2)
                        .err())
                .contains("--eval-every must be >= 0");
        assertThat(CliRun.run("bench", "--epochs", "3", "--warmup", "3")
                        .expectExit(2)
                        .err())
                .contains("--epochs must exceed --warmup", "got --epochs 3 --warmup 3");
        assertThat(Files.exists(dir.resolve("r"))).isFalse();
    }

    @Test
    void evalEverySkipsTheEvaluationOfEarlierEpochsButNotTheLast(@TempDir Path dir) throws Exception {
        Path run = dir.resolve("run");
        String err = CliRun.run(
                        "train",
                        "--dataset",
                        "synthetic",
                        "-O",
                        "synthetic.train-size=600",
                        "-O",
                        "synthetic.test-size=200",
                        "--epochs",
                        "3",
                        "--eval-every",
                        "2",
                        "--out",
                        run.toString())
                .expectExit(0)
                .err();
        assertThat(err)
                .contains("epoch 1/3: ", "(not evaluated, --eval-every)")
                .contains("epoch 2/3: loss ", "epoch 3/3: loss ");
        List<String> rows = Files.readAllLines(run.resolve("metrics.csv"));
        assertThat(rows).hasSize(4);
        assertThat(rows.get(1)).matches("1,1\\.0,,,,,,[0-9.]+,"); // training time only, no made-up figures
        assertThat(rows.get(2)).startsWith("2,1.0,").doesNotContain(",,");
        assertThat(rows.get(3)).startsWith("3,1.0,").doesNotContain(",,");
    }

    @Test
    void missingDataOfflineExitsTwoNamingWhereItLooked(@TempDir Path dir) {
        String err = CliRun.run(
                        Map.of("HYPERPRUNE_DATA", dir.toString(), "XDG_CACHE_HOME", dir.toString()),
                        "train",
                        "--dataset",
                        "cifar10",
                        "--model",
                        "cifar-conv",
                        "--offline",
                        "--out",
                        dir.resolve("run").toString())
                .expectExit(2)
                .err();
        assertThat(err).contains("cifar10 data not found", dir.toString());
        assertThat(Files.exists(dir.resolve("run"))).isFalse();
    }

    @Test
    void launcherRunsFromTheUnpackedTarball(@TempDir Path dir) throws Exception {
        Path tarball = Path.of(System.getProperty("hyperprune.tarball"));
        Process tar = new ProcessBuilder("tar", "xzf", tarball.toString(), "-C", dir.toString())
                .inheritIO()
                .start();
        assertThat(tar.waitFor()).isZero();
        Path unpacked = dir.resolve("hyperprune-0.1.0-SNAPSHOT");
        CliRun.Result result = CliRun.run(unpacked, Map.of(), "plugins");
        result.expectExit(0);
        assertThat(result.out())
                .contains("relative-density", unpacked.resolve("plugins").toString());
    }
}
