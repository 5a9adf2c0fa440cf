package io.hyperprune.api;

import static java.util.Objects.requireNonNull;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One split of a data set, held once in contiguous native memory.
 *
 * @param features float32, shape {@code [n, ...sampleShape]}, preprocessed (normalised)
 * @param labels int32 class indices, shape {@code [n]}
 */
public record DataSplit(INDArray features, INDArray labels) {

    public DataSplit {
        requireNonNull(features, "features is null");
        requireNonNull(labels, "labels is null");
        if (features.dataType() != DataType.FLOAT) {
            throw new IllegalArgumentException("features must be float32, got " + features.dataType());
        }
        if (labels.dataType() != DataType.INT) {
            throw new IllegalArgumentException("labels must be int32, got " + labels.dataType());
        }
        if (labels.rank() != 1 || labels.length() != features.size(0)) {
            throw new IllegalArgumentException("labels must be a vector of length " + features.size(0));
        }
    }

    public int size() {
        return (int) features.size(0);
    }
}
