package io.hyperprune.api;

import java.util.SplittableRandom;
import org.nd4j.linalg.api.ndarray.INDArray;

/** A training-time transform of a mini-batch (e.g. random crop and flip for CIFAR-10). */
@FunctionalInterface
public interface BatchAugmentation {

    /**
     * Returns the augmented batch (same shape); may modify {@code batch} in place and return it. All
     * randomness must come from {@code random}, which the runtime seeds from the run seed.
     */
    INDArray apply(INDArray batch, SplittableRandom random);
}
