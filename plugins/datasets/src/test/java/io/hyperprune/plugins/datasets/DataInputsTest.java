package io.hyperprune.plugins.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.hyperprune.api.ComponentOptions;
import io.hyperprune.api.DataRequest;
import io.hyperprune.api.Dataset;
import io.hyperprune.api.InputException;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a user-named data location holds is used or named as the problem: never skipped, never replaced by a download. */
class DataInputsTest {

    @TempDir
    Path dir;

    /** Online, with a mirror nobody listens on: a fallthrough to a download would say "could not download". */
    private DataRequest online(Map<String, String> options) {
        return new DataRequest(
                List.of(dir),
                dir.resolve("cache"),
                false,
                List.of(URI.create("http://127.0.0.1:9/")),
                0,
                new ComponentOptions("mnist", options));
    }

    /** The four MNIST files of a tiny split (3 train, 2 test samples) in {@code target}. */
    static void writeMnist(Path target, boolean gzip) throws Exception {
        Files.createDirectories(target);
        Map<String, byte[]> files = Map.of(
                "train-images-idx3-ubyte",
                IdxFiles.images(3, 28, 28, 1),
                "train-labels-idx1-ubyte",
                IdxFiles.labels(3, 1),
                "t10k-images-idx3-ubyte",
                IdxFiles.images(2, 28, 28, 2),
                "t10k-labels-idx1-ubyte",
                IdxFiles.labels(2, 2));
        for (Map.Entry<String, byte[]> e : files.entrySet()) {
            Files.write(
                    target.resolve(e.getKey() + (gzip ? ".gz" : "")),
                    gzip ? IdxFiles.gzip(e.getValue()) : e.getValue());
        }
    }

    @Test
    void aDirectoryUnderADataFileNameIsNamedNotSkipped() throws Exception {
        writeMnist(dir, false);
        Path file = dir.resolve("train-images-idx3-ubyte");
        Files.delete(file);
        Files.createDirectory(file);
        assertThatThrownBy(() -> new MnistProvider().load(online(Map.of())))
                .isInstanceOf(InputException.class)
                .hasMessageStartingWith(file + " is a directory, not the mnist data file 'train-images-idx3-ubyte'")
                .hasMessageNotContaining("download")
                .hasMessageNotContaining("--offline");
        assertThatThrownBy(() -> new MnistProvider().locate(online(Map.of())))
                .hasMessageContaining(file + " is a directory");
    }

    @Test
    void danglingSymlinksAndSymlinkLoopsAreNamed() throws Exception {
        writeMnist(dir, false);
        Path file = dir.resolve("t10k-labels-idx1-ubyte");
        Files.delete(file);
        Files.createSymbolicLink(file, dir.resolve("gone"));
        assertThatThrownBy(() -> new MnistProvider().load(online(Map.of())))
                .isInstanceOf(InputException.class)
                .hasMessageContaining(file + " is a dangling symbolic link (to " + dir.resolve("gone") + ")");
        Files.delete(file);
        Path other = dir.resolve("loop");
        Files.createSymbolicLink(file, other);
        Files.createSymbolicLink(other, file);
        assertThatThrownBy(() -> new MnistProvider().load(online(Map.of())))
                .isInstanceOf(InputException.class)
                .hasMessageContaining(file + " is a symbolic link that cannot be followed")
                .hasMessageContaining("loop");
    }

    @Test
    void anUnreadableFileIsNamed() throws Exception {
        writeMnist(dir, false);
        Path file = dir.resolve("train-labels-idx1-ubyte");
        assumeTrue(
                file.toFile().setReadable(false, false) && !Files.isReadable(file),
                "running as root: every file is readable");
        assertThatThrownBy(() -> new MnistProvider().load(online(Map.of())))
                .hasMessageContaining(file + " cannot be read");
    }

    @Test
    void anIncompleteSetInANamedDirectoryIsAnError() throws Exception {
        writeMnist(dir, true);
        Files.delete(dir.resolve("t10k-images-idx3-ubyte.gz"));
        assertThatThrownBy(() -> new MnistProvider().load(online(Map.of())))
                .isInstanceOf(InputException.class)
                .hasMessageContaining(
                        dir + " holds train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-labels-idx1-ubyte"
                                + " but not t10k-images-idx3-ubyte");
    }

    @Test
    void aMissingDataDirectoryIsAnErrorNotADownload() {
        Path missing = dir.resolve("typo");
        DataRequest request = new DataRequest(
                List.of(missing),
                dir.resolve("cache"),
                false,
                List.of(URI.create("http://127.0.0.1:9/")),
                0,
                ComponentOptions.none("mnist"));
        assertThatThrownBy(() -> new MnistProvider().load(request))
                .hasMessageContaining("data directory " + missing)
                .hasMessageContaining("does not exist");
        assertThatThrownBy(() -> new Cifar10Provider().load(request)).hasMessageContaining("data directory " + missing);
    }

    @Test
    void theDataSetsOwnSubdirectoryComesBeforeTheSharedOne() throws Exception {
        writeMnist(dir, false);
        writeMnist(dir.resolve("fashion-mnist"), true);
        DataRequest request = new DataRequest(
                List.of(dir), dir.resolve("cache"), true, List.of(), 0, ComponentOptions.none("fashion-mnist"));
        assertThat(new FashionMnistProvider().load(request).source())
                .isEqualTo(dir.resolve("fashion-mnist").toString());
        assertThat(new MnistProvider().load(request).source()).isEqualTo(dir.toString());
    }

    @Test
    void strictLoadingComparesTheDecompressedContentWithTheOriginalsChecksums() throws Exception {
        writeMnist(dir, true);
        Map<String, String> strict = Map.of(IdxDatasetProvider.STRICT, "true");
        // The tiny files are not the original MNIST: accepted normally, refused by the strict check.
        assertThat(new MnistProvider().load(online(Map.of())).train().size()).isEqualTo(3);
        Path images = dir.resolve("train-images-idx3-ubyte.gz");
        String actual = DataFiles.sha256(IdxFiles.images(3, 28, 28, 1));
        assertThatThrownBy(() -> new MnistProvider().load(online(strict)))
                .isInstanceOf(InputException.class)
                .hasMessageContaining(images + ": the SHA-256 of its decompressed content is " + actual + ", expected "
                        + new MnistProvider().checksums().get("train-images-idx3-ubyte"));
        // A provider whose reference sums are those of these files accepts them, raw or gzip.
        IdxDatasetProvider matching = new IdxDatasetProvider() {
            @Override
            public String id() {
                return "mnist";
            }

            @Override
            public String description() {
                return "MNIST's files with these tiny files' checksums";
            }

            @Override
            List<URI> defaultMirrors() {
                return List.of();
            }

            @Override
            List<Path> systemDirectories() {
                return List.of();
            }

            @Override
            Map<String, String> checksums() {
                return Map.of(
                        "train-images-idx3-ubyte",
                        actual,
                        "train-labels-idx1-ubyte",
                        DataFiles.sha256(IdxFiles.labels(3, 1)),
                        "t10k-images-idx3-ubyte",
                        DataFiles.sha256(IdxFiles.images(2, 28, 28, 2)),
                        "t10k-labels-idx1-ubyte",
                        DataFiles.sha256(IdxFiles.labels(2, 2)));
            }
        };
        assertThat(matching.load(online(strict)).test().size()).isEqualTo(2);
        byte[] altered = IdxFiles.labels(2, 2);
        altered[9] = (byte) ((altered[9] + 1) % 10); // still a valid label file
        Files.write(dir.resolve("t10k-labels-idx1-ubyte.gz"), IdxFiles.gzip(altered));
        assertThatThrownBy(() -> matching.load(online(strict)))
                .hasMessageContaining("t10k-labels-idx1-ubyte.gz: the SHA-256");
    }

    @Test
    void aGzipBombStopsAtTheSizeItsHeaderDeclares() throws Exception {
        writeMnist(dir, false);
        Path bomb = dir.resolve("train-images-idx3-ubyte");
        Files.delete(bomb);
        byte[] valid = IdxFiles.images(3, 28, 28, 1);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(valid);
            byte[] zeros = new byte[1 << 20];
            for (int i = 0; i < 64; i++) {
                gz.write(zeros); // 64 MiB more than the header declares
            }
        }
        Path gz = dir.resolve("train-images-idx3-ubyte.gz");
        Files.write(gz, out.toByteArray());
        assertThatThrownBy(() -> new MnistProvider().load(online(Map.of())))
                .isInstanceOf(InputException.class)
                .hasMessageStartingWith(gz + " decompresses to more than " + valid.length + " bytes, expected "
                        + valid.length + " from its header (3 images of 28x28)");
    }

    @Test
    void aHeaderDeclaringMoreThanTheHeapHoldsIsRefusedBeforeReading() throws Exception {
        byte[] images = IdxFiles.images(2, 28, 28, 1);
        int count =
                (int) Math.min(IdxReader.MAX_ARRAY / 784, Runtime.getRuntime().maxMemory() / 784 / 5 + 1);
        ByteBuffer.wrap(images).putInt(4, count);
        byte[] labels = IdxFiles.labels(2, 1);
        ByteBuffer.wrap(labels).putInt(4, count);
        Path imageFile = Files.write(dir.resolve("i"), images);
        assertThatThrownBy(() -> IdxReader.read(imageFile, Files.write(dir.resolve("l"), labels), 28, 28, 10))
                .isInstanceOf(InputException.class)
                .hasMessageContaining(imageFile + " declares " + count + " images of 28x28")
                .hasMessageContaining("MiB of heap")
                .hasMessageContaining("-Xmx");
    }

    @Test
    void anEmptySplitIsRefused() throws Exception {
        assertThatThrownBy(() -> IdxReader.read(
                        Files.write(dir.resolve("i"), IdxFiles.images(0, 28, 28, 1)),
                        Files.write(dir.resolve("l"), IdxFiles.labels(0, 1)),
                        28,
                        28,
                        10))
                .hasMessageContaining("declares 0 images");
    }

    @Test
    void aBrokenCifarBatchIsNamedNotSkipped() throws Exception {
        Path batches = dir.resolve("cifar-10-batches-bin");
        Files.createDirectories(batches.resolve(Cifar10Provider.TEST));
        DataRequest request = new DataRequest(
                List.of(dir),
                dir.resolve("cache"),
                false,
                List.of(URI.create("http://127.0.0.1:9/")),
                0,
                ComponentOptions.none("cifar10"));
        assertThatThrownBy(() -> new Cifar10Provider().load(request))
                .hasMessageStartingWith(batches.resolve(Cifar10Provider.TEST) + " is a directory");
    }

    @Test
    void syntheticSizesAreBoundedWithTheReason() {
        DataRequest request = new DataRequest(
                List.of(),
                dir,
                true,
                List.of(),
                0,
                new ComponentOptions("synthetic", Map.of("train-size", "100000000")));
        assertThatThrownBy(() -> new SyntheticProvider().load(request))
                .hasMessageContaining("synthetic.train-size=100000000 is too large: at most 1000000");
        DataRequest product = new DataRequest(
                List.of(),
                dir,
                true,
                List.of(),
                0,
                new ComponentOptions("synthetic", Map.of("train-size", "1000000", "features", "3072")));
        assertThatThrownBy(() -> new SyntheticProvider().load(product))
                .hasMessageContaining("too large: 3072000000 generated values");
        Dataset ok = new SyntheticProvider()
                .load(new DataRequest(
                        List.of(),
                        dir,
                        true,
                        List.of(),
                        0,
                        new ComponentOptions(
                                "synthetic", Map.of("train-size", "20", "test-size", "5", "features", "3072"))));
        assertThat(ok.inputSize()).isEqualTo(3072);
    }
}
