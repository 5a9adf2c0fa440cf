package io.hyperprune.api;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;
import java.util.Map;
import java.util.Optional;

/**
 * A loaded, preprocessed data set.
 *
 * @param id the provider id
 * @param train the training split (m = {@code train.size()} in the penalty's 1/m)
 * @param test the test split
 * @param classes number of classes Y; labels are in [0, Y)
 * @param sampleShape the shape of one sample without the batch axis ({@code [784]} for MNIST,
 *     {@code [3, 32, 32]} for CIFAR-10)
 * @param checksums SHA-256 (hex) of every source file by file name, for provenance
 * @param source where the data came from (a directory, or a description for generated data)
 * @param trainAugmentation applied to every training mini-batch, if any
 */
public record Dataset(
        String id,
        DataSplit train,
        DataSplit test,
        int classes,
        long[] sampleShape,
        Map<String, String> checksums,
        String source,
        Optional<BatchAugmentation> trainAugmentation) {

    public Dataset {
        requireNonNull(id, "id is null");
        requireNonNull(train, "train is null");
        requireNonNull(test, "test is null");
        sampleShape = requireNonNull(sampleShape, "sampleShape is null").clone();
        checksums = Map.copyOf(requireNonNull(checksums, "checksums is null"));
        requireNonNull(source, "source is null");
        requireNonNull(trainAugmentation, "trainAugmentation is null");
        if (classes < 2) {
            throw new IllegalArgumentException("a classification data set needs at least 2 classes, got " + classes);
        }
        long[] expected = train.features().shape();
        if (!Arrays.equals(Arrays.copyOfRange(expected, 1, expected.length), sampleShape)
                || !Arrays.equals(
                        Arrays.copyOfRange(
                                test.features().shape(), 1, test.features().rank()),
                        sampleShape)) {
            throw new IllegalArgumentException(
                    "features of " + id + " do not have the sample shape " + Arrays.toString(sampleShape));
        }
    }

    @Override
    public long[] sampleShape() {
        return sampleShape.clone();
    }

    /** Number of input features of one flattened sample. */
    public long inputSize() {
        long n = 1;
        for (long d : sampleShape) {
            n *= d;
        }
        return n;
    }
}
