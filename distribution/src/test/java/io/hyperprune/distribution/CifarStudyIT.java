package io.hyperprune.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The quick CIFAR-10 study as a user runs it, cut to a few images: the preset's conv net and its
 * hypernetworks train, prune and report on files in CIFAR-10's binary format, in two workers.
 */
class CifarStudyIT {

    private static final int RECORDS = 10_000;
    private static final int PIXELS = 3 * 32 * 32;

    /** The five training batches and the test batch, random pixels and labels, in the real layout and size. */
    static Path cifarFormatFiles(Path dataDir) throws IOException {
        Path batches = Files.createDirectories(dataDir.resolve("cifar-10-batches-bin"));
        Random random = new Random(22);
        byte[] record = new byte[1 + PIXELS];
        for (String name : List.of(
                "data_batch_1.bin",
                "data_batch_2.bin",
                "data_batch_3.bin",
                "data_batch_4.bin",
                "data_batch_5.bin",
                "test_batch.bin")) {
            try (OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(batches.resolve(name)))) {
                for (int r = 0; r < RECORDS; r++) {
                    random.nextBytes(record);
                    record[0] = (byte) random.nextInt(10);
                    out.write(record);
                }
            }
        }
        return dataDir;
    }

    @Test
    void theQuickPresetTrainsPrunesAndReportsTheConvNetAndItsHypernetworks(@TempDir Path dir) throws Exception {
        Path data = cifarFormatFiles(dir.resolve("data"));
        Path out = dir.resolve("study");
        CliRun.Result result = CliRun.run(
                        "experiment",
                        "--preset",
                        "paper-cifar-quick",
                        "--data-dir",
                        data.toString(),
                        "--out",
                        out.toString(),
                        "--workers",
                        "2",
                        "--evidences",
                        "weight-decay",
                        "--lambdas",
                        "0.1,1",
                        "--epochs-plain",
                        "1",
                        "--epochs-hypernetwork",
                        "1",
                        "--levels",
                        "0,50,90",
                        "-O",
                        "cifar10.train-size=300",
                        "-O",
                        "cifar10.test-size=40")
                .expectExit(0);
        assertThat(result.out()).as("the report on stdout").contains("## Claims checked");

        JsonNode experiment =
                new ObjectMapper().readTree(out.resolve("experiment.json").toFile());
        assertThat(experiment.get("model").asText()).isEqualTo("cifar-conv");
        assertThat(experiment.get("lambdaSamples").asInt())
                .as("the preset's one lambda per batch")
                .isEqualTo(1);
        assertThat(experiment.get("options").get("cifar10").get("train-size").asText())
                .as("-O overrides the preset's subset")
                .isEqualTo("300");

        // 2 plain runs (one per lambda) + linear + piecewise; each pruned at 3 levels per lambda.
        List<String> rows = Files.readAllLines(out.resolve("results.csv"));
        assertThat(rows).hasSize(1 + 2 * 3 + 2 * 2 * 3);
        try (Stream<Path> runs = Files.list(out.resolve("runs"))) {
            List<Path> dirs = runs.toList();
            assertThat(dirs).hasSize(4);
            for (Path run : dirs) {
                JsonNode config =
                        new ObjectMapper().readTree(run.resolve("config.json").toFile());
                assertThat(config.toString()).contains("\"validation\":30");
                assertThat(Files.readString(run.resolve("result.json"))).contains("\"status\" : \"completed\"");
                assertThat(run.resolve("model.npz")).isRegularFile();
            }
        }
        assertThat(out.resolve("report.html")).isRegularFile();
        assertThat(Files.readString(out.resolve("report.md")))
                .contains("weight-decay+linear", "weight-decay+piecewise");
    }
}
