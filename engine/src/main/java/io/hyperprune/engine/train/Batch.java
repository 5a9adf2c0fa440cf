package io.hyperprune.engine.train;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One mini-batch.
 *
 * @param features float32 {@code [size, ...sampleShape]}, freshly gathered (safe to hand to SameDiff)
 * @param labels one-hot float32 {@code [size, classes]}
 */
public record Batch(INDArray features, INDArray labels, int size) {}
