package io.hyperprune.plugins.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.hyperprune.api.ComponentOptions;
import io.hyperprune.api.DataRequest;
import io.hyperprune.api.Dataset;
import io.hyperprune.api.InputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class ProvidersTest {

    private static DataRequest request(List<Path> dirs, Path cache, Map<String, String> options, String id) {
        return new DataRequest(dirs, cache, true, List.of(), 0, new ComponentOptions(id, options));
    }

    @Test
    void realMnistHasTheExactCountsShapesAndChecksums(@TempDir Path cache) {
        String data = System.getenv("HYPERPRUNE_DATA");
        assumeTrue(
                data != null && Files.isDirectory(Path.of(data, "mnist")),
                "real MNIST not provisioned (HYPERPRUNE_DATA/mnist)");
        long start = System.nanoTime();
        Dataset mnist = new MnistProvider().load(request(List.of(Path.of(data)), cache, Map.of(), "mnist"));
        assertThat(mnist.train().size()).isEqualTo(60_000);
        assertThat(mnist.test().size()).isEqualTo(10_000);
        assertThat(mnist.train().features().shape()).containsExactly(60_000L, 784L);
        assertThat(mnist.checksums())
                .containsEntry(
                        "train-images-idx3-ubyte", "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db");
        assertThat(mnist.checksums()).containsAllEntriesOf(new MnistProvider().checksums());
        System.err.printf("MNIST loaded in %.0f ms (incl. checksums)%n", (System.nanoTime() - start) / 1e6);
    }

    @Test
    void debianFashionMnistIsFoundAndExact(@TempDir Path cache) {
        assumeTrue(
                Files.isDirectory(Path.of("/usr/share/datasets/fashion-mnist")),
                "Debian's dataset-fashion-mnist not installed");
        Dataset fashion = new FashionMnistProvider().load(request(List.of(), cache, Map.of(), "fashion-mnist"));
        assertThat(fashion.train().size()).isEqualTo(60_000);
        assertThat(fashion.test().size()).isEqualTo(10_000);
        assertThat(fashion.checksums()).hasSize(4);
        assertThat(fashion.source()).contains("fashion-mnist");
    }

    @Test
    void offlineWithoutFilesNamesTheSearchedDirectories(@TempDir Path empty) {
        assertThatThrownBy(() ->
                        new MnistProvider().load(request(List.of(empty), empty.resolve("cache"), Map.of(), "mnist")))
                .isInstanceOf(InputException.class)
                .hasMessageContaining("--offline")
                .hasMessageContaining(empty.toString());
    }

    @Test
    void syntheticIsSeededAndNotSeparableByOnePixel(@TempDir Path cache) {
        Map<String, String> options = Map.of("train-size", "2000", "test-size", "500", "seed", "3");
        Dataset a = new SyntheticProvider().load(request(List.of(), cache, options, "synthetic"));
        Dataset b = new SyntheticProvider().load(request(List.of(), cache, options, "synthetic"));
        assertThat(java.util.Arrays.equals(
                        a.train().features().data().asFloat(),
                        b.train().features().data().asFloat()))
                .isTrue();
        assertThat(a.train().size()).isEqualTo(2000);
        // Best single-pixel classifier (nearest class mean on one feature) stays far below an MLP's accuracy.
        float[] x = a.train().features().data().asFloat();
        int[] y = a.train().labels().toIntVector();
        double best = 0;
        for (int feature = 0; feature < 784; feature += 7) {
            double[] sum = new double[10];
            int[] count = new int[10];
            for (int s = 0; s < y.length; s++) {
                sum[y[s]] += x[s * 784 + feature];
                count[y[s]]++;
            }
            int correct = 0;
            for (int s = 0; s < y.length; s++) {
                int guess = 0;
                for (int c = 1; c < 10; c++) {
                    if (Math.abs(x[s * 784 + feature] - sum[c] / count[c])
                            < Math.abs(x[s * 784 + feature] - sum[guess] / count[guess])) {
                        guess = c;
                    }
                }
                correct += guess == y[s] ? 1 : 0;
            }
            best = Math.max(best, correct / (double) y.length);
        }
        assertThat(best).isLessThan(0.3);
    }

    @Test
    void cifarBatchesAreReadNormalisedAndValidated(@TempDir Path dir) throws Exception {
        Path batches = dir.resolve("cifar-10-batches-bin");
        Files.createDirectories(batches);
        SplittableRandom random = new SplittableRandom(1);
        byte[][] files = new byte[6][];
        for (int f = 0; f < 6; f++) {
            byte[] content = new byte[3 * Cifar10Provider.RECORD];
            for (int r = 0; r < 3; r++) {
                content[r * Cifar10Provider.RECORD] = (byte) random.nextInt(10);
                for (int i = 1; i < Cifar10Provider.RECORD; i++) {
                    content[r * Cifar10Provider.RECORD + i] = (byte) random.nextInt(256);
                }
            }
            files[f] = content;
            Files.write(batches.resolve(f < 5 ? Cifar10Provider.TRAIN.get(f) : Cifar10Provider.TEST), content);
        }
        Dataset cifar = new Cifar10Provider(Cifar10Provider.ARCHIVE_MD5, 3)
                .load(request(List.of(dir), dir.resolve("cache"), Map.of(), "cifar10"));
        assertThat(cifar.train().features().shape()).containsExactly(15L, 3L, 32L, 32L);
        assertThat(cifar.test().size()).isEqualTo(3);
        int pixel = files[5][1 + 1024 + 5] & 0xff; // test record 0, channel 1, row 0, column 5
        assertThat(cifar.test().features().getFloat(0, 1, 0, 5))
                .isCloseTo((pixel / 255f - 0.4822f) / 0.1994f, org.assertj.core.api.Assertions.within(1e-5f));
        assertThat(cifar.test().labels().getInt(0)).isEqualTo(files[5][0]);

        INDArray batch = cifar.train()
                .features()
                .get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 4))
                .dup();
        INDArray once = cifar.trainAugmentation().orElseThrow().apply(batch.dup(), new SplittableRandom(9));
        INDArray again = cifar.trainAugmentation().orElseThrow().apply(batch.dup(), new SplittableRandom(9));
        assertThat(once.data().asFloat()).containsExactly(again.data().asFloat());
        assertThat(once.shape()).containsExactly(4L, 3L, 32L, 32L);

        // A subset: the first records in file order, across a batch boundary; the same values as the whole read.
        Dataset subset = new Cifar10Provider(Cifar10Provider.ARCHIVE_MD5, 3)
                .load(request(
                        List.of(dir), dir.resolve("cache"), Map.of("train-size", "4", "test-size", "2"), "cifar10"));
        assertThat(subset.train().features().shape()).containsExactly(4L, 3L, 32L, 32L);
        assertThat(subset.train().features().data().asFloat())
                .containsExactly(
                        java.util.Arrays.copyOf(cifar.train().features().data().asFloat(), 4 * 3072));
        assertThat(subset.train().labels().toIntVector())
                .containsExactly(java.util.Arrays.copyOf(cifar.train().labels().toIntVector(), 4));
        assertThat(subset.test().size()).isEqualTo(2);
        assertThat(subset.checksums()).isEqualTo(cifar.checksums());
        for (String size : List.of("0", "16")) {
            assertThatThrownBy(() -> new Cifar10Provider(Cifar10Provider.ARCHIVE_MD5, 3)
                            .load(request(List.of(dir), dir.resolve("cache"), Map.of("train-size", size), "cifar10")))
                    .isInstanceOf(InputException.class)
                    .hasMessageContaining("option cifar10.train-size must be between 1 and 15", "got " + size);
        }

        // Real batches hold 10000 records: these 3-record files are each a batch truncated at a record boundary.
        assertThatThrownBy(() ->
                        new Cifar10Provider().load(request(List.of(dir), dir.resolve("cache"), Map.of(), "cifar10")))
                .isInstanceOf(InputException.class)
                .hasMessageContaining(
                        batches.resolve(Cifar10Provider.TRAIN.get(0)).toString())
                .hasMessageContaining("holds 3 records, expected 10000 records of 3073 bytes");
        Files.write(
                batches.resolve(Cifar10Provider.TEST), java.util.Arrays.copyOf(files[5], Cifar10Provider.RECORD + 7));
        assertThatThrownBy(() -> new Cifar10Provider(Cifar10Provider.ARCHIVE_MD5, 3)
                        .load(request(List.of(dir), dir.resolve("cache"), Map.of(), "cifar10")))
                .isInstanceOf(InputException.class)
                .hasMessageContaining(batches.resolve(Cifar10Provider.TEST).toString())
                .hasMessageContaining("holds 3080 bytes (1 records of 3073 bytes and 7 bytes more)");
        Files.write(
                batches.resolve(Cifar10Provider.TEST), java.util.Arrays.copyOf(files[5], 4 * Cifar10Provider.RECORD));
        assertThatThrownBy(() -> new Cifar10Provider(Cifar10Provider.ARCHIVE_MD5, 3)
                        .load(request(List.of(dir), dir.resolve("cache"), Map.of(), "cifar10")))
                .isInstanceOf(InputException.class)
                .hasMessageContaining("holds 4 records, expected 3 records");
        Nd4j.getRandom();
    }
}
