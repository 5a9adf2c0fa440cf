package io.hyperprune.plugins.datasets;

import io.hyperprune.api.DataSplit;
import io.hyperprune.api.InputException;
import java.nio.file.Path;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Reads the IDX files of MNIST-like data sets (images: magic 0x00000803, labels: 0x00000801, big-endian
 * sizes) into one contiguous float32 array, preprocessed as METHOD.md says: x / 255, then
 * (x - 0.5) / 0.5, flattened to rows*cols. Every header value is checked against the file's length
 * before anything is allocated.
 */
final class IdxReader {

    static final int IMAGES_MAGIC = 0x00000803;
    static final int LABELS_MAGIC = 0x00000801;

    private IdxReader() {}

    static DataSplit read(Path images, Path labels, int rows, int columns, int classes) {
        byte[] imageBytes = DataFiles.read(images);
        byte[] labelBytes = DataFiles.read(labels);
        int imageCount = checkHeader(images, imageBytes, IMAGES_MAGIC, 16, "image");
        int labelCount = checkHeader(labels, labelBytes, LABELS_MAGIC, 8, "label");
        int fileRows = readInt(imageBytes, 8);
        int fileColumns = readInt(imageBytes, 12);
        if (fileRows != rows || fileColumns != columns) {
            throw new InputException(images + " holds " + fileRows + "x" + fileColumns + " images, expected " + rows + "x" + columns
                    + "; is it from another data set?");
        }
        long expectedImageBytes = 16L + (long) imageCount * rows * columns;
        if (imageBytes.length != expectedImageBytes) {
            throw new InputException(images + " has " + imageBytes.length + " bytes but its header declares " + imageCount + " images of "
                    + rows + "x" + columns + " (" + expectedImageBytes + " bytes): the file is truncated or corrupt; download it again");
        }
        if (labelBytes.length != 8L + labelCount) {
            throw new InputException(labels + " has " + labelBytes.length + " bytes but its header declares " + labelCount
                    + " labels (" + (8L + labelCount) + " bytes): the file is truncated or corrupt; download it again");
        }
        if (imageCount != labelCount) {
            throw new InputException(images + " holds " + imageCount + " images but " + labels + " holds " + labelCount
                    + " labels; the two files must come from the same split (train or t10k)");
        }
        int size = rows * columns;
        float[] features = new float[imageCount * size];
        for (int i = 0; i < features.length; i++) {
            // (x / 255 - 0.5) / 0.5 = x / 127.5 - 1
            features[i] = (imageBytes[16 + i] & 0xff) / 127.5f - 1f;
        }
        int[] classLabels = new int[labelCount];
        for (int i = 0; i < labelCount; i++) {
            int label = labelBytes[8 + i] & 0xff;
            if (label >= classes) {
                throw new InputException(labels + ": label " + label + " of sample " + i + " is out of range [0, " + classes
                        + "); the file is corrupt or not a label file of this data set");
            }
            classLabels[i] = label;
        }
        return new DataSplit(Nd4j.create(features, new long[] {imageCount, size}, 'c'), Nd4j.createFromArray(classLabels));
    }

    private static int checkHeader(Path file, byte[] bytes, int magic, int headerSize, String kind) {
        if (bytes.length >= 4) {
            int found = readInt(bytes, 0);
            if (found != magic) {
                String hint = found == (magic == IMAGES_MAGIC ? LABELS_MAGIC : IMAGES_MAGIC)
                        ? " (it is an IDX " + (magic == IMAGES_MAGIC ? "label" : "image") + " file: are images and labels swapped?)"
                        : "";
                throw new InputException(file + " has magic number 0x" + String.format("%08x", found) + ", expected 0x"
                        + String.format("%08x", magic) + " of an IDX " + kind + " file" + hint);
            }
        }
        if (bytes.length < headerSize) {
            throw new InputException(file + " is " + bytes.length + " bytes, shorter than the " + headerSize + "-byte IDX " + kind
                    + " header: the file is truncated; download it again");
        }
        int count = readInt(bytes, 4);
        if (count < 0) {
            throw new InputException(file + " declares " + Integer.toUnsignedString(count) + " " + kind
                    + "s, more than any file can hold: the header is corrupt; download it again");
        }
        return count;
    }

    static int readInt(byte[] bytes, int offset) {
        return ((bytes[offset] & 0xff) << 24) | ((bytes[offset + 1] & 0xff) << 16) | ((bytes[offset + 2] & 0xff) << 8)
                | (bytes[offset + 3] & 0xff);
    }
}
