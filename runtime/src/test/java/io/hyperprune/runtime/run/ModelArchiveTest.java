package io.hyperprune.runtime.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hyperprune.api.InputException;
import io.hyperprune.engine.train.TrainingState;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

class ModelArchiveTest {

    private static Map<String, INDArray> arrays() {
        Map<String, INDArray> arrays = new LinkedHashMap<>();
        arrays.put("variable/dense0/W", Nd4j.rand(DataType.FLOAT, 2, 3));
        arrays.put("variable/dense0/b", Nd4j.rand(DataType.FLOAT, 5));
        // Adam's moments are views into one state array; the second starts at an offset.
        INDArray state = Nd4j.rand(DataType.FLOAT, 1, 12);
        arrays.put(
                "updater/dense0/W/M",
                state.get(NDArrayIndex.point(0), NDArrayIndex.interval(0, 6)).reshape(2, 3));
        arrays.put(
                "updater/dense0/W/V",
                state.get(NDArrayIndex.point(0), NDArrayIndex.interval(6, 12)).reshape(2, 3));
        // Not contiguous: written as its C-order copy.
        arrays.put("variable/transposed", Nd4j.rand(DataType.FLOAT, 3, 4).transpose());
        return arrays;
    }

    private static Map<String, INDArray> zerosLike(Map<String, INDArray> arrays) {
        Map<String, INDArray> zeros = new LinkedHashMap<>();
        arrays.forEach((name, array) -> zeros.put(name, Nd4j.zeros(array.dataType(), array.shape())));
        return zeros;
    }

    @Test
    void arraysAndCountsComeBackBitForBitAsNumPyArrays(@TempDir Path dir) throws Exception {
        Map<String, INDArray> arrays = arrays();
        Path file = dir.resolve("model.npz");
        String sha = ModelArchive.write(arrays, new TrainingState.Counters(470, 2), file);

        assertThat(sha).isEqualTo(ModelFile.sha256(file));
        ModelArchive.Contents contents = ModelArchive.contents(file);
        assertThat(contents.counters()).isEqualTo(new TrainingState.Counters(470, 2));
        assertThat(contents.entries()).containsExactlyElementsOf(arrays.keySet());
        Map<String, INDArray> read = zerosLike(arrays);
        ModelArchive.read(file, read, false);
        arrays.forEach((name, array) -> assertThat(read.get(name).dup().data().asFloat())
                .as(name)
                .containsExactly(array.dup('c').data().asFloat()));

        // The .npy header numpy.save writes for these shapes (NumPy 1.24), padded to 128 bytes.
        try (ZipFile zip = new ZipFile(file.toFile())) {
            byte[] entry =
                    zip.getInputStream(zip.getEntry("variable/dense0/b.npy")).readAllBytes();
            assertThat(entry).hasSize(128 + 5 * 4);
            assertThat(new String(Arrays.copyOfRange(entry, 10, 128), StandardCharsets.US_ASCII))
                    .isEqualTo("{'descr': '<f4', 'fortran_order': False, 'shape': (5,), }" + " ".repeat(60) + "\n");
            assertThat(Arrays.copyOf(entry, 10)).containsExactly(0x93 - 256, 'N', 'U', 'M', 'P', 'Y', 1, 0, 118, 0);
            assertThat(new String(
                            Arrays.copyOfRange(
                                    zip.getInputStream(zip.getEntry("variable/dense0/W.npy"))
                                            .readAllBytes(),
                                    10,
                                    70),
                            StandardCharsets.US_ASCII))
                    .startsWith("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }");
        }
        // The same arrays give the same bytes: a file is identified by its checksum.
        assertThat(ModelArchive.write(arrays, new TrainingState.Counters(470, 2), dir.resolve("again.npz")))
                .isEqualTo(sha);
    }

    @Test
    void updaterStateMayBeLeftUnreadButAnyOtherDifferenceIsNamed(@TempDir Path dir) throws Exception {
        Map<String, INDArray> arrays = arrays();
        Path file = dir.resolve("model.npz");
        ModelArchive.write(arrays, new TrainingState.Counters(1, 1), file);

        Map<String, INDArray> variablesOnly = zerosLike(arrays);
        variablesOnly.keySet().removeIf(name -> name.startsWith(TrainingState.UPDATER));
        ModelArchive.read(file, variablesOnly, true);
        assertThat(variablesOnly.get("variable/dense0/b").data().asFloat())
                .containsExactly(arrays.get("variable/dense0/b").data().asFloat());
        assertThatThrownBy(() -> ModelArchive.read(file, zerosLike(variablesOnly), false))
                .isInstanceOf(InputException.class)
                .hasMessageContaining("holds an array updater/dense0/W/M this run's model does not have");

        Map<String, INDArray> more = zerosLike(arrays);
        more.put("variable/dense1/W", Nd4j.zeros(DataType.FLOAT, 3, 3));
        assertThatThrownBy(() -> ModelArchive.read(file, more, false))
                .isInstanceOf(InputException.class)
                .hasMessageContaining("lacks the array variable/dense1/W");

        Map<String, INDArray> reshaped = zerosLike(arrays);
        reshaped.put("variable/dense0/W", Nd4j.zeros(DataType.FLOAT, 3, 2));
        assertThatThrownBy(() -> ModelArchive.read(file, reshaped, false))
                .isInstanceOf(InputException.class)
                .hasMessageContaining("variable/dense0/W is <f4 [2, 3], this run's model has <f4 [3, 2]");

        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, Arrays.copyOf(bytes, bytes.length - 200));
        assertThatThrownBy(() -> ModelArchive.read(file, zerosLike(arrays), false))
                .isInstanceOf(java.io.IOException.class);
    }

    @Test
    void aLargeArrayIsStreamedWithoutCopyingItOntoTheHeap(@TempDir Path dir) throws Exception {
        // 64 MiB of weights: SameDiff's own format built the whole file in a heap buffer.
        INDArray large = Nd4j.rand(DataType.FLOAT, 4096, 4096);
        Map<String, INDArray> arrays = Map.of("variable/large", large);
        Map<String, INDArray> read = Map.of("variable/large", Nd4j.zeros(DataType.FLOAT, 4096, 4096));
        // Once small first: class loading and the JSON mapper's first use are not the model's bytes.
        Map<String, INDArray> small = Map.of("variable/large", Nd4j.rand(DataType.FLOAT, 4, 4));
        ModelArchive.write(small, new TrainingState.Counters(0, 0), dir.resolve("small.npz"));
        ModelArchive.read(dir.resolve("small.npz"), small, false);
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().getId();
        long before = threads.getThreadAllocatedBytes(thread);
        ModelArchive.write(arrays, new TrainingState.Counters(0, 0), dir.resolve("model.npz"));
        ModelArchive.read(dir.resolve("model.npz"), read, false);
        long allocated = threads.getThreadAllocatedBytes(thread) - before;

        assertThat(allocated)
                .as("heap bytes allocated to write and read 64 MiB")
                .isLessThan(8L << 20); // three 1 MiB buffers
        assertThat(read.get("variable/large").equals(large)).isTrue();
        assertThat(Files.size(dir.resolve("model.npz"))).isGreaterThan(64L << 20);
    }
}
