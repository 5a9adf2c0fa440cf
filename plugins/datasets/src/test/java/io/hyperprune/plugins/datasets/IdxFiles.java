package io.hyperprune.plugins.datasets;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.zip.GZIPOutputStream;

/** Builds IDX files in the exact MNIST format for tests. */
final class IdxFiles {

    private IdxFiles() {}

    static byte[] images(int count, int rows, int columns, long seed) {
        ByteBuffer buffer = ByteBuffer.allocate(16 + count * rows * columns);
        buffer.putInt(IdxReader.IMAGES_MAGIC).putInt(count).putInt(rows).putInt(columns);
        java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
        for (int i = 0; i < count * rows * columns; i++) {
            buffer.put((byte) random.nextInt(256));
        }
        return buffer.array();
    }

    static byte[] labels(int count, long seed) {
        ByteBuffer buffer = ByteBuffer.allocate(8 + count);
        buffer.putInt(IdxReader.LABELS_MAGIC).putInt(count);
        java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
        for (int i = 0; i < count; i++) {
            buffer.put((byte) random.nextInt(10));
        }
        return buffer.array();
    }

    static byte[] gzip(byte[] content) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
                gz.write(content);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
