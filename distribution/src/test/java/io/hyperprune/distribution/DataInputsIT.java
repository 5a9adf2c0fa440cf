package io.hyperprune.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Data inputs and graph-size bounds through the packaged launcher (its default -Xmx1g heap). */
class DataInputsIT {

    static final List<String> IDX = List.of(
            "train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte");

    @TempDir
    Path dir;

    /** Nothing from the machine: an empty cache of its own, no $HYPERPRUNE_DATA. */
    private Map<String, String> env() {
        Map<String, String> env = new HashMap<>();
        env.put("XDG_CACHE_HOME", dir.resolve("cache").toString());
        env.put("HYPERPRUNE_DATA", "");
        return env;
    }

    private static byte[] images(int count) {
        ByteBuffer b = ByteBuffer.allocate(16 + count * 784)
                .putInt(0x803)
                .putInt(count)
                .putInt(28)
                .putInt(28);
        for (int i = 16; i < b.capacity(); i++) {
            b.put(i, (byte) (i * 31));
        }
        return b.array();
    }

    private static byte[] labels(int count) {
        ByteBuffer b = ByteBuffer.allocate(8 + count).putInt(0x801).putInt(count);
        for (int i = 8; i < b.capacity(); i++) {
            b.put(i, (byte) (i % 10));
        }
        return b.array();
    }

    private static void writeTinyMnist(Path target) throws IOException {
        Files.createDirectories(target);
        Files.write(target.resolve(IDX.get(0)), images(20));
        Files.write(target.resolve(IDX.get(1)), labels(20));
        Files.write(target.resolve(IDX.get(2)), images(10));
        Files.write(target.resolve(IDX.get(3)), labels(10));
    }

    @Test
    void aDirectoryInPlaceOfADataFileIsNamedAndNothingIsDownloaded() throws Exception {
        Path data = dir.resolve("data");
        writeTinyMnist(data);
        Path file = data.resolve(IDX.get(0));
        Files.delete(file);
        Files.createDirectory(file);
        CliRun.Result train = CliRun.run(
                        env(),
                        "train",
                        "--dataset",
                        "mnist",
                        "--data-dir",
                        data.toString(),
                        "--epochs",
                        "1",
                        "--mirror",
                        "http://127.0.0.1:9/",
                        "--out",
                        dir.resolve("run").toString())
                .expectExit(2);
        assertThat(train.err())
                .contains("error: " + file + " is a directory, not the mnist data file 'train-images-idx3-ubyte'")
                .doesNotContain("download", "--offline", "null");
        assertThat(dir.resolve("cache/hyperprune/mnist")).doesNotExist();
        assertThat(dir.resolve("run")).doesNotExist();
        String verify = CliRun.run(env(), "data", "verify", "mnist", "--data-dir", data.toString())
                .expectExit(2)
                .err();
        assertThat(verify).contains(file + " is a directory").doesNotContain("--offline");

        Files.delete(file);
        Files.createSymbolicLink(file, file); // a symlink loop
        assertThat(CliRun.run(env(), "data", "verify", "mnist", "--data-dir", data.toString())
                        .expectExit(2)
                        .err())
                .contains(file + " is a symbolic link that cannot be followed");
        assertThat(CliRun.run(env(), "data", "list", "--data-dir", data.toString())
                        .expectExit(2)
                        .out())
                .contains("mnist", file + " is a symbolic link");
    }

    @Test
    void verifyWithoutFilesSaysSoWithoutDownloadingOrMentioningOffline() throws Exception {
        Path empty = Files.createDirectories(dir.resolve("empty"));
        String err = CliRun.run(env(), "data", "verify", "cifar10", "--data-dir", empty.toString())
                .expectExit(2)
                .err();
        assertThat(err)
                .contains("error: no cifar10 files to verify", empty.toString())
                .doesNotContain("--offline");
        assertThat(CliRun.run(
                                env(),
                                "data",
                                "verify",
                                "mnist",
                                "--data-dir",
                                dir.resolve("typo").toString())
                        .expectExit(2)
                        .err())
                .contains("data directory " + dir.resolve("typo"), "does not exist");
    }

    @Test
    void verifyComparesTheOriginalChecksumsSoAnAlteredFileFails() throws Exception {
        Path data = dir.resolve("tiny");
        writeTinyMnist(data);
        String err = CliRun.run(env(), "data", "verify", "mnist", "--data-dir", data.toString())
                .expectExit(2)
                .err();
        assertThat(err)
                .containsPattern(
                        "error: " + java.util.regex.Pattern.quote(data.toString())
                                + "/[a-z0-9-]+: the SHA-256 of its content is [0-9a-f]{64}, expected [0-9a-f]{64} \\(the original file\\)");
        // A plain train accepts the (valid) tiny files: only verify insists on the original data.
        Path real = realFiles();
        if (real == null) {
            return;
        }
        Path copy = dir.resolve("real");
        Files.createDirectories(copy);
        for (String name : IDX) {
            Path source = Files.exists(real.resolve(name)) ? real.resolve(name) : real.resolve(name + ".gz");
            Files.copy(source, copy.resolve(source.getFileName()));
        }
        String id = real.toString().contains("fashion") ? "fashion-mnist" : "mnist";
        assertThat(CliRun.run(env(), "data", "verify", id, "--data-dir", copy.toString())
                        .expectExit(0)
                        .out())
                .contains("train 60000 samples, test 10000 samples", "every file's content matches the original " + id);
        Path labels = Files.exists(copy.resolve(IDX.get(3))) ? copy.resolve(IDX.get(3)) : null;
        if (labels == null) {
            // gzip: replace with an altered raw copy of the content, still a valid label file
            Path gz = copy.resolve(IDX.get(3) + ".gz");
            byte[] content = new java.util.zip.GZIPInputStream(Files.newInputStream(gz)).readAllBytes();
            Files.delete(gz);
            labels = copy.resolve(IDX.get(3));
            Files.write(labels, content);
        }
        byte[] content = Files.readAllBytes(labels);
        content[100] = (byte) ((content[100] + 1) % 10);
        Files.write(labels, content);
        assertThat(CliRun.run(env(), "data", "verify", id, "--data-dir", copy.toString())
                        .expectExit(2)
                        .err())
                .contains(labels + ": the SHA-256 of its content is ", ", expected ");
    }

    /** Real MNIST ($HYPERPRUNE_DATA/mnist) or Debian's Fashion-MNIST, if this machine has them. */
    private static Path realFiles() {
        String data = System.getenv("HYPERPRUNE_DATA");
        if (data != null && !data.isBlank() && Files.isDirectory(Path.of(data, "mnist"))) {
            return Path.of(data, "mnist");
        }
        Path fashion = Path.of("/usr/share/datasets/fashion-mnist");
        return Files.isDirectory(fashion) ? fashion : null;
    }

    @Test
    void aGzipBombStopsAtTheSizeItsHeaderDeclaresUnderTheLaunchersHeap() throws Exception {
        Path data = dir.resolve("bomb");
        writeTinyMnist(data);
        Files.delete(data.resolve(IDX.get(0)));
        Files.write(data.resolve(IDX.get(1)), labels(60000));
        Path bomb = data.resolve(IDX.get(0) + ".gz");
        // The real train-images header (60000 images, 47040016 bytes), then 1.5 GiB: more than the whole -Xmx1g heap.
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(bomb), 1 << 16)) {
            out.write(ByteBuffer.allocate(16)
                    .putInt(0x803)
                    .putInt(60000)
                    .putInt(28)
                    .putInt(28)
                    .array());
            byte[] zeros = new byte[1 << 20];
            for (int i = 0; i < 1536; i++) {
                out.write(zeros);
            }
        }
        String err = CliRun.run(env(), "data", "verify", "mnist", "--data-dir", data.toString())
                .expectExit(2)
                .err();
        assertThat(err)
                .contains("error: " + bomb
                        + " decompresses to more than 47040016 bytes, expected 47040016 from its header")
                .doesNotContain("OutOfMemoryError");
    }

    @Test
    void aCifarBatchTruncatedAtARecordBoundaryFails() throws Exception {
        Path batches = Files.createDirectories(dir.resolve("cifar/cifar-10-batches-bin"));
        for (String name : List.of(
                "data_batch_1.bin",
                "data_batch_2.bin",
                "data_batch_3.bin",
                "data_batch_4.bin",
                "data_batch_5.bin",
                "test_batch.bin")) {
            Files.write(batches.resolve(name), new byte[2 * 3073]);
        }
        String err = CliRun.run(
                        env(),
                        "data",
                        "verify",
                        "cifar10",
                        "--data-dir",
                        dir.resolve("cifar").toString())
                .expectExit(2)
                .err();
        assertThat(err)
                .contains("error: " + batches.resolve("data_batch_1.bin")
                        + " holds 2 records, expected 10000 records of 3073 bytes");
    }

    @Test
    void optionsThatScaleTheGraphAreBoundedWithTheReason() {
        long start = System.nanoTime();
        String err = CliRun.run(
                        env(),
                        "train",
                        "--dataset",
                        "synthetic",
                        "--hypernetwork",
                        "piecewise",
                        "-O",
                        "piecewise.pivots=100000",
                        "--epochs",
                        "1",
                        "--out",
                        dir.resolve("pw").toString())
                .expectExit(2)
                .err();
        assertThat(err)
                .contains("piecewise.pivots asks for 100000 pivots, too many: at most 64", "full copy of the model");
        assertThat((System.nanoTime() - start) / 1e9).as("seconds").isLessThan(60);
        assertThat(CliRun.run(
                                env(),
                                "train",
                                "--dataset",
                                "synthetic",
                                "--model",
                                "784-100000-10",
                                "--epochs",
                                "1",
                                "--out",
                                dir.resolve("m").toString())
                        .expectExit(2)
                        .err())
                .contains("layer size 100000 is too large: at most 65536");
        assertThat(CliRun.run(
                                env(),
                                "train",
                                "--dataset",
                                "synthetic",
                                "-O",
                                "synthetic.train-size=100000000",
                                "--epochs",
                                "1",
                                "--out",
                                dir.resolve("s").toString())
                        .expectExit(2)
                        .err())
                .contains("synthetic.train-size=100000000 is too large");
        assertThat(dir.resolve("pw")).doesNotExist();
    }
}
