package io.hyperprune.plugins.datasets;

import io.hyperprune.api.DataSplit;
import io.hyperprune.api.InputException;
import java.nio.file.Path;
import java.util.Map;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Reads the IDX files of MNIST-like data sets (images: magic 0x00000803, labels: 0x00000801, big-endian
 * sizes) into one contiguous float32 array, preprocessed as METHOD.md says: x / 255, then
 * (x - 0.5) / 0.5, flattened to rows*cols. The headers are read first and checked (magic, shape,
 * matching counts, what fits the heap) before anything is allocated; then exactly the bytes they
 * declare are read, and content beyond that is an error, never buffered.
 */
final class IdxReader {

    static final int IMAGES_MAGIC = 0x00000803;
    static final int LABELS_MAGIC = 0x00000801;

    private IdxReader() {}

    static DataSplit read(Path images, Path labels, int rows, int columns, int classes) {
        return read(images, labels, rows, columns, classes, Map.of());
    }

    /**
     * @param expectedSha256 SHA-256 of the decompressed content by file, for files that must be the
     *     original data set's (empty: any valid IDX files are accepted)
     */
    static DataSplit read(
            Path images, Path labels, int rows, int columns, int classes, Map<Path, String> expectedSha256) {
        try (DataFiles.Content imageContent = DataFiles.Content.open(images);
                DataFiles.Content labelContent = DataFiles.Content.open(labels)) {
            byte[] imageHeader = imageContent.next(16);
            int imageCount = checkHeader(images, imageHeader, IMAGES_MAGIC, 16, "image");
            int fileRows = readInt(imageHeader, 8);
            int fileColumns = readInt(imageHeader, 12);
            if (fileRows != rows || fileColumns != columns) {
                throw new InputException(images + " holds " + fileRows + "x" + fileColumns + " images, expected " + rows
                        + "x" + columns + "; is it from another data set?");
            }
            int labelCount = checkHeader(labels, labelContent.next(8), LABELS_MAGIC, 8, "label");
            if (imageCount != labelCount) {
                throw new InputException(images + " holds " + imageCount + " images but " + labels + " holds "
                        + labelCount + " labels; the two files must come from the same split (train or t10k)");
            }
            int size = rows * columns;
            long pixelBytes = (long) imageCount * size;
            String declared = "declares " + imageCount + " images of " + rows + "x" + columns + " (" + (16 + pixelBytes)
                    + " bytes)";
            if (pixelBytes > MAX_ARRAY) {
                throw new InputException(
                        images + " " + declared + ", more than one array can hold (2 GiB): the header is corrupt"
                                + " or the file is not an MNIST-like data set");
            }
            // The pixels and their float copy are on the heap together.
            DataFiles.requireFits(images, pixelBytes * (1 + Float.BYTES), declared);
            byte[] pixels = imageContent.next((int) pixelBytes);
            if (pixels.length != pixelBytes) {
                throw new InputException(images + " has " + (16 + pixels.length) + " bytes"
                        + (imageContent.gzip() ? " decompressed" : "") + " but its header " + declared
                        + ": the file is truncated or corrupt; download it again");
            }
            imageContent.requireEnd("its header (" + imageCount + " images of " + rows + "x" + columns + ")");
            byte[] labelBytes = labelContent.next(labelCount);
            if (labelBytes.length != labelCount) {
                throw new InputException(labels + " has " + (8 + labelBytes.length) + " bytes"
                        + (labelContent.gzip() ? " decompressed" : "")
                        + " but its header declares " + labelCount + " labels (" + (8L + labelCount)
                        + " bytes): the file is truncated or corrupt; download it again");
            }
            labelContent.requireEnd("its header (" + labelCount + " labels)");
            checkSum(imageContent, expectedSha256);
            checkSum(labelContent, expectedSha256);
            float[] features = new float[pixels.length];
            for (int i = 0; i < features.length; i++) {
                // (x / 255 - 0.5) / 0.5 = x / 127.5 - 1
                features[i] = (pixels[i] & 0xff) / 127.5f - 1f;
            }
            int[] classLabels = new int[labelCount];
            for (int i = 0; i < labelCount; i++) {
                int label = labelBytes[i] & 0xff;
                if (label >= classes) {
                    throw new InputException(labels + ": label " + label + " of sample " + i + " is out of range [0, "
                            + classes + "); the file is corrupt or not a label file of this data set");
                }
                classLabels[i] = label;
            }
            return new DataSplit(
                    Nd4j.create(features, new long[] {imageCount, size}, 'c'), Nd4j.createFromArray(classLabels));
        }
    }

    /** Largest Java array, with the usual headroom below Integer.MAX_VALUE. */
    static final int MAX_ARRAY = Integer.MAX_VALUE - 16;

    private static void checkSum(DataFiles.Content content, Map<Path, String> expectedSha256) {
        String expected = expectedSha256.get(content.file());
        if (expected == null) {
            return;
        }
        String actual = content.sha256();
        if (!actual.equals(expected)) {
            throw new InputException(content.file() + ": the SHA-256 of its" + (content.gzip() ? " decompressed" : "")
                    + " content is "
                    + actual + ", expected " + expected + " (the original file): it was altered or is another version;"
                    + " replace it with the original (e.g. delete it and run 'hyperprune data fetch')");
        }
    }

    private static int checkHeader(Path file, byte[] bytes, int magic, int headerSize, String kind) {
        if (bytes.length >= 4) {
            int found = readInt(bytes, 0);
            if (found != magic) {
                String hint = found == (magic == IMAGES_MAGIC ? LABELS_MAGIC : IMAGES_MAGIC)
                        ? " (it is an IDX " + (magic == IMAGES_MAGIC ? "label" : "image")
                                + " file: are images and labels swapped?)"
                        : "";
                throw new InputException(file + " has magic number 0x" + String.format("%08x", found) + ", expected 0x"
                        + String.format("%08x", magic) + " of an IDX " + kind + " file" + hint);
            }
        }
        if (bytes.length < headerSize) {
            throw new InputException(file + " is " + bytes.length + " bytes, shorter than the " + headerSize
                    + "-byte IDX " + kind + " header: the file is truncated; download it again");
        }
        int count = readInt(bytes, 4);
        if (count < 0) {
            throw new InputException(file + " declares " + Integer.toUnsignedString(count) + " " + kind
                    + "s, more than any file can hold: the header is corrupt; download it again");
        }
        if (count == 0) {
            throw new InputException(
                    file + " declares 0 " + kind + "s: an empty split can neither train nor test a model;"
                            + " the file is corrupt or a placeholder, replace it with the real one");
        }
        return count;
    }

    static int readInt(byte[] bytes, int offset) {
        return ((bytes[offset] & 0xff) << 24)
                | ((bytes[offset + 1] & 0xff) << 16)
                | ((bytes[offset + 2] & 0xff) << 8)
                | (bytes[offset + 3] & 0xff);
    }
}
