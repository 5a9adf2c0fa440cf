package io.hyperprune.runtime.engine;

import java.nio.FloatBuffer;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Standard normal noise for the reparametrisation, drawn in Java from a seeded generator. Why not
 * ND4J's {@code GaussianDistribution}: libnd4j M2.1 draws ~15 ns per element, 2.9 ms for the 196k
 * draws of a hypernetwork step (5 models) — a third of the step's time, spent by the batch thread on
 * the core a second worker process needs. {@link SplittableRandom#nextGaussian} (the JDK's ziggurat)
 * takes ~3.3 ns. Not thread-safe: one instance per epoch's batch source.
 */
final class GaussianNoise {

    private static final int CHUNK = 16_384;

    private final SplittableRandom random;
    private final float[] chunk = new float[CHUNK];

    GaussianNoise(long seed) {
        this.random = new SplittableRandom(seed);
    }

    /**
     * Fills a contiguous float array with fresh draws, in C order. With {@code copies} > 1 the array's
     * leading axis holds that many equal blocks: one draw of a block's size, written to each (K
     * independent plain models share the draw each would make alone from the same seed).
     *
     * @throws IllegalArgumentException if the array is not contiguous float in C order or its length is
     *     not a multiple of {@code copies}
     */
    void fill(INDArray eps, int copies) {
        if (!NativeFloats.readable(eps) || copies < 1 || eps.length() % copies != 0) {
            throw new IllegalArgumentException("noise needs a contiguous float array of " + copies + " equal blocks, got "
                    + eps.dataType() + " " + java.util.Arrays.toString(eps.shape()) + " order " + eps.ordering());
        }
        FloatBuffer out = NativeFloats.of(eps);
        int block = (int) (eps.length() / copies);
        int base = (int) eps.offset();
        for (int start = 0; start < block; start += CHUNK) {
            int length = Math.min(CHUNK, block - start);
            for (int i = 0; i < length; i++) {
                chunk[i] = (float) random.nextGaussian();
            }
            for (int copy = 0; copy < copies; copy++) {
                out.put(base + copy * block + start, chunk, 0, length);
            }
        }
        java.lang.ref.Reference.reachabilityFence(eps);
    }
}
