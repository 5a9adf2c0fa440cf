package io.hyperprune.plugins.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hyperprune.api.DataSplit;
import io.hyperprune.api.InputException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxReaderTest {

    @TempDir
    Path dir;

    private Path write(String name, byte[] content) throws Exception {
        Path file = dir.resolve(name);
        Files.write(file, content);
        return file;
    }

    @Test
    void readsRawAndGzipFilesToTheSameNormalisedData() throws Exception {
        byte[] images = IdxFiles.images(5, 28, 28, 1);
        byte[] labels = IdxFiles.labels(5, 2);
        DataSplit raw = IdxReader.read(write("i", images), write("l", labels), 28, 28, 10);
        // The gzip is recognised by its magic bytes even without a .gz name.
        DataSplit gz =
                IdxReader.read(write("i2", IdxFiles.gzip(images)), write("l2", IdxFiles.gzip(labels)), 28, 28, 10);
        assertThat(raw.size()).isEqualTo(5);
        assertThat(raw.features().shape()).containsExactly(5L, 784L);
        assertThat(gz.features().data().asFloat())
                .containsExactly(raw.features().data().asFloat());
        for (int i = 0; i < 784 * 5; i++) {
            assertThat(raw.features().getFloat(i / 784, i % 784)).isEqualTo((images[16 + i] & 0xff) / 127.5f - 1f);
        }
        for (int i = 0; i < 5; i++) {
            assertThat(raw.labels().getInt(i)).isEqualTo(labels[8 + i]);
        }
    }

    @Test
    void swappedImageAndLabelFilesAreNamed() throws Exception {
        Path images = write("images", IdxFiles.images(3, 28, 28, 1));
        Path labels = write("labels", IdxFiles.labels(3, 1));
        assertThatThrownBy(() -> IdxReader.read(labels, images, 28, 28, 10))
                .isInstanceOf(InputException.class)
                .hasMessageContaining(labels.toString())
                .hasMessageContaining("0x00000801")
                .hasMessageContaining("swapped");
    }

    @Test
    void truncatedFileIsReportedWithExpectedAndActualSize() throws Exception {
        byte[] images = IdxFiles.images(3, 28, 28, 1);
        Path truncated = write("images", java.util.Arrays.copyOf(images, images.length - 10));
        assertThatThrownBy(() -> IdxReader.read(truncated, write("labels", IdxFiles.labels(3, 1)), 28, 28, 10))
                .isInstanceOf(InputException.class)
                .hasMessageContaining("truncated")
                .hasMessageContaining(String.valueOf(images.length - 10));
    }

    @Test
    void hostileHeaderDeclaringBillionsIsRejectedWithoutAllocating() throws Exception {
        byte[] images = IdxFiles.images(2, 28, 28, 1);
        ByteBuffer.wrap(images).putInt(4, 2_000_000_000);
        assertThatThrownBy(() ->
                        IdxReader.read(write("images", images), write("labels", IdxFiles.labels(2, 1)), 28, 28, 10))
                .isInstanceOf(InputException.class)
                .hasMessageContaining("2000000000");
        byte[] negative = IdxFiles.images(2, 28, 28, 1);
        ByteBuffer.wrap(negative).putInt(4, -5);
        assertThatThrownBy(() ->
                        IdxReader.read(write("neg", negative), write("labels", IdxFiles.labels(2, 1)), 28, 28, 10))
                .isInstanceOf(InputException.class)
                .hasMessageContaining("header is corrupt");
    }

    @Test
    void countMismatchLabelRangeAndImageSizeAreChecked() throws Exception {
        assertThatThrownBy(() -> IdxReader.read(
                        write("a", IdxFiles.images(3, 28, 28, 1)), write("b", IdxFiles.labels(4, 1)), 28, 28, 10))
                .isInstanceOf(InputException.class)
                .hasMessageContaining("3 images")
                .hasMessageContaining("4 labels");
        byte[] labels = IdxFiles.labels(3, 1);
        labels[9] = 42;
        assertThatThrownBy(
                        () -> IdxReader.read(write("c", IdxFiles.images(3, 28, 28, 1)), write("d", labels), 28, 28, 10))
                .isInstanceOf(InputException.class)
                .hasMessageContaining("label 42");
        assertThatThrownBy(() -> IdxReader.read(
                        write("e", IdxFiles.images(3, 32, 32, 1)), write("f", IdxFiles.labels(3, 1)), 28, 28, 10))
                .isInstanceOf(InputException.class)
                .hasMessageContaining("32x32")
                .hasMessageContaining("expected 28x28");
    }

    @Test
    void corruptGzipIsReported() throws Exception {
        byte[] gz = IdxFiles.gzip(IdxFiles.images(3, 28, 28, 1));
        byte[] cut = java.util.Arrays.copyOf(gz, gz.length / 2);
        assertThatThrownBy(() -> IdxReader.read(write("g", cut), write("h", IdxFiles.labels(3, 1)), 28, 28, 10))
                .isInstanceOf(InputException.class)
                .hasMessageContaining("corrupt or truncated gzip");
    }
}
