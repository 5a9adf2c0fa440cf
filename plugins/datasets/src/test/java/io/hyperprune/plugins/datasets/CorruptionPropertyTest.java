package io.hyperprune.plugins.datasets;

import static org.assertj.core.api.Assertions.assertThat;

import io.hyperprune.api.DataSplit;
import io.hyperprune.api.InputException;
import java.nio.file.Files;
import java.nio.file.Path;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/** Randomly corrupted or truncated files give either exactly the original data or the project's own error. */
class CorruptionPropertyTest {

    private static final byte[] IMAGES = IdxFiles.images(4, 28, 28, 7);
    private static final byte[] LABELS = IdxFiles.labels(4, 7);

    @Property(tries = 150)
    void corruptedOrTruncatedIdxFilesNeverGiveWrongDataOrForeignExceptions(
            @ForAll @IntRange(min = 0, max = 3) int mode,
            @ForAll @IntRange(min = 0, max = 3151) int position,
            @ForAll byte value,
            @ForAll boolean gzip)
            throws Exception {
        byte[] images = IMAGES.clone();
        byte[] labels = LABELS.clone();
        switch (mode) {
            case 0 -> images[position % images.length] = value;
            case 1 -> labels[position % labels.length] = value;
            case 2 -> images = java.util.Arrays.copyOf(images, position % images.length);
            default -> labels = java.util.Arrays.copyOf(labels, position % labels.length);
        }
        byte[] rawImages = images;
        byte[] rawLabels = labels;
        if (gzip) {
            images = IdxFiles.gzip(images);
            labels = IdxFiles.gzip(labels);
            if (mode == 3) {
                // also a corrupt gzip stream: cut the compressed labels short
                labels = java.util.Arrays.copyOf(labels, Math.max(2, labels.length - 1 - position % 8));
            }
        }
        Path dir = Files.createTempDirectory("idx");
        try {
            Path imageFile = Files.write(dir.resolve("images"), images);
            Path labelFile = Files.write(dir.resolve("labels"), labels);
            DataSplit split;
            try {
                split = IdxReader.read(imageFile, labelFile, 28, 28, 10);
            } catch (InputException e) {
                assertThat(e.getMessage()).isNotBlank();
                return;
            }
            // Accepted: the data must be exactly what the (possibly changed but still valid) file holds.
            int count = split.size();
            for (int i = 0; i < count * 784; i++) {
                assertThat(split.features().getFloat(i / 784, i % 784))
                        .isEqualTo((rawImages[16 + i] & 0xff) / 127.5f - 1f);
            }
            for (int i = 0; i < count; i++) {
                assertThat(split.labels().getInt(i)).isEqualTo(rawLabels[8 + i] & 0xff);
            }
        } finally {
            try (var files = Files.list(dir)) {
                for (Path p : files.toList()) {
                    Files.delete(p);
                }
            }
            Files.delete(dir);
        }
    }

    private static Path write(Path dir, String name, byte[] content) throws Exception {
        return Files.write(dir.resolve(name), content);
    }
}
