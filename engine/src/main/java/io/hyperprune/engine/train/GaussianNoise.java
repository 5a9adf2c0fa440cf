package io.hyperprune.engine.train;

import io.hyperprune.engine.kernels.ExpLog;
import io.hyperprune.engine.kernels.NativeFloats;
import io.hyperprune.engine.kernels.ProductHelper;
import java.nio.FloatBuffer;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Standard normal noise for the reparametrisation, drawn in Java from a seeded generator. Why not
 * ND4J's {@code GaussianDistribution}: libnd4j M2.1 draws one element at a time, slowly enough that a
 * hypernetwork step's draws took a large share of the step's time, spent by the batch thread on the
 * core a second worker process needs.
 *
 * <p>Box-Muller in float, in loops the JIT vectorises: one 64-bit draw of {@link SplittableRandom}
 * gives a pair's two uniforms (24 bits each), then z = sqrt(-2 ln u) (cos, sin)(2 pi v) with {@link
 * ExpLog#log} and polynomials for sine and cosine: faster per element written than libnd4j's, and than
 * {@link SplittableRandom#nextGaussian} (the JDK's ziggurat, one draw at a time) measured side by side
 * (docs/performance.md, "Why each kernel exists"). The 24-bit u bounds |z| by sqrt(48 ln 2) = 5.77: a
 * standard normal exceeds that with probability 8e-9. Not thread-safe: one instance per epoch's batch source.
 */
final class GaussianNoise {

    /** Draws per chunk; a pair's two draws are half a chunk apart ({@link #draw}). */
    static final int CHUNK = 16_384;

    private static final int PAIRS = CHUNK / 2;
    private static final float TWO_PI = (float) (2 * Math.PI);

    private final SplittableRandom random;
    private final float[] chunk = new float[CHUNK];
    private final float[] uniform = new float[PAIRS];
    private final float[] angle = new float[PAIRS];
    private final float[] radius = new float[PAIRS];
    private final float[] sines = new float[PAIRS];
    private final float[] scratch = new float[PAIRS];
    private final float[] scratch2 = new float[PAIRS];

    /** Between chunks, helps with a product the training thread shares (see {@link ProductHelper#helpIfBusy}); may be null. */
    private final ProductHelper helper;

    GaussianNoise(long seed) {
        this(seed, null);
    }

    GaussianNoise(long seed, ProductHelper helper) {
        this.random = new SplittableRandom(seed);
        this.helper = helper;
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
            throw new IllegalArgumentException(
                    "noise needs a contiguous float array of " + copies + " equal blocks, got " + eps.dataType() + " "
                            + java.util.Arrays.toString(eps.shape()) + " order " + eps.ordering());
        }
        FloatBuffer out = NativeFloats.of(eps);
        int block = (int) (eps.length() / copies);
        int base = (int) eps.offset();
        for (int start = 0; start < block; start += CHUNK) {
            int length = Math.min(CHUNK, block - start);
            draw((length + 1) / 2);
            for (int copy = 0; copy < copies; copy++) {
                out.put(base + copy * block + start, chunk, 0, length);
            }
            if (helper != null) {
                helper.helpIfBusy();
            }
        }
        java.lang.ref.Reference.reachabilityFence(eps);
    }

    /**
     * Fills the first 2 x pairs elements of {@link #chunk}, a pair's draws at p and pairs + p. One store
     * stream per loop: with both draws stored in one loop, or interleaved, C2 left it scalar, several
     * times slower than apart.
     */
    private void draw(int pairs) {
        // The generator's state is sequential: only this loop runs one element at a time.
        for (int p = 0; p < pairs; p++) {
            long bits = random.nextLong();
            uniform[p] = ((int) (bits >>> 40) + 1) * 0x1p-24f; // (0, 1]: ln u is finite
            angle[p] = TWO_PI * (((int) bits & 0xFFFFFF) * 0x1p-24f - 0.5f); // 2 pi v - pi, in [-pi, pi)
        }
        ExpLog.log(uniform, radius, scratch, scratch2, pairs);
        for (int p = 0; p < pairs; p++) {
            radius[p] = (float) Math.sqrt(-2f * radius[p]);
        }
        // cos and sin of 2 pi v are minus those of the angle.
        for (int p = 0; p < pairs; p++) {
            float x = angle[p];
            chunk[p] = -radius[p] * cos(x * x);
        }
        for (int p = 0; p < pairs; p++) {
            float x = angle[p];
            sines[p] = -radius[p] * x * sinOverX(x * x);
        }
        System.arraycopy(sines, 0, chunk, pairs, pairs);
    }

    /**
     * cos x from x^2, for |x| <= pi: Taylor to x^18 (the next term is below 4e-9 there; float rounding,
     * ~5e-7 absolute near pi, is what remains).
     */
    static float cos(float x2) {
        return 1f
                + x2
                        * (-1f / 2
                                + x2
                                        * (1f / 24
                                                + x2
                                                        * (-1f / 720
                                                                + x2
                                                                        * (1f / 40_320
                                                                                + x2
                                                                                        * (-2.7557319e-7f
                                                                                                + x2
                                                                                                        * (2.0876757e-9f
                                                                                                                + x2
                                                                                                                        * (-1.1470746e-11f
                                                                                                                                + x2
                                                                                                                                        * (4.7794773e-14f
                                                                                                                                                + x2
                                                                                                                                                        * -1.5619207e-16f))))))));
    }

    /** sin(x) / x from x^2, for |x| <= pi: sin's Taylor series to x^17 (the next term is below 3e-8 there). */
    static float sinOverX(float x2) {
        return 1f
                + x2
                        * (-1f / 6
                                + x2
                                        * (1f / 120
                                                + x2
                                                        * (-1f / 5040
                                                                + x2
                                                                        * (2.7557319e-6f
                                                                                + x2
                                                                                        * (-2.5052108e-8f
                                                                                                + x2
                                                                                                        * (1.6059044e-10f
                                                                                                                + x2
                                                                                                                        * (-7.6471637e-13f
                                                                                                                                + x2
                                                                                                                                        * 2.8114573e-15f)))))));
    }
}
