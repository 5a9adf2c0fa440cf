package io.hyperprune.engine.kernels;

import java.nio.FloatBuffer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * log(exp(x) + c) for a constant c > 0, given x and the already computed e = exp(x), as
 * x + log1p(c / e): the KL term's log(sigma) of sigma = exp(log_sigma) + 1e-5, without a log.
 *
 * <p>Why: under JDK 17 the exponent split of the Java {@link ExpLog#log} does not vectorise, which made
 * it a noticeable part of a hypernetwork step (docs/performance.md, "Why each kernel exists"); this is
 * a division and a polynomial, which vectorise. Where e >= 128 c, u = c / e <= 2^-7 and
 * log1p(u) = u - u^2/2 + u^3/3 - u^4/4 leaves out less than u^5/5 < 2e-12; the result differs from
 * log(fl(e + c)) by float rounding (within 2e-7 absolute). A chunk with an element outside that range
 * (e < 128 c, infinite or NaN) is computed exactly as the op would: log(e + c) with {@link ExpLog}.
 * Not thread-safe.
 */
public final class LogOfShiftedExp implements Runnable {

    private static final int CHUNK = 4096;

    private final float c;
    /** The bits of 128 c: a positive float is at least 128 c exactly when its bits are at least these. */
    private final int smallestBits;

    private final INDArray x;
    private final INDArray e;
    private final INDArray output;
    private final FloatBuffer xs;
    private final FloatBuffer es;
    /** e's memory read as ints: the range check is an integer OR over them (a float min and max do not vectorise). */
    private final java.nio.IntBuffer eBits;

    private final int[] bits;
    private final FloatBuffer out;
    private final float[] xChunk;
    private final float[] eChunk;
    private final float[] y;
    private final float[] scratch1;
    private final float[] scratch2;

    /**
     * @param x the input of exp, {@code e} its output (contiguous floats of one shape, as {@code output})
     * @param c the positive constant added to e
     */
    public LogOfShiftedExp(INDArray x, INDArray e, float c, INDArray output) {
        if (!(c > 0) || !Float.isFinite(c)) {
            throw new IllegalArgumentException("c must be positive and finite, got " + c);
        }
        this.c = c;
        this.smallestBits = Float.floatToRawIntBits(128 * c);
        this.x = x;
        this.e = e;
        this.output = output;
        this.xs = NativeFloats.of(x);
        this.es = NativeFloats.of(e);
        this.eBits = e.data().asNio().order(java.nio.ByteOrder.nativeOrder()).asIntBuffer();
        this.out = NativeFloats.of(output);
        int chunk = (int) Math.min(CHUNK, x.length());
        this.xChunk = new float[chunk];
        this.eChunk = new float[chunk];
        this.bits = new int[chunk];
        this.y = new float[chunk];
        this.scratch1 = new float[chunk];
        this.scratch2 = new float[chunk];
    }

    /** Whether these arrays are ones this class computes on: contiguous floats of one length. */
    public static boolean applies(INDArray x, INDArray e, INDArray output) {
        return NativeFloats.readable(x)
                && NativeFloats.readable(e)
                && NativeFloats.readable(output)
                && x.length() == e.length()
                && x.length() == output.length()
                && x.length() <= Integer.MAX_VALUE;
    }

    @Override
    public void run() {
        long length = x.length();
        for (int start = 0; start < length; start += xChunk.length) {
            int n = (int) Math.min(xChunk.length, length - start);
            es.get((int) e.offset() + start, eChunk, 0, n);
            eBits.get((int) e.offset() + start, bits, 0, n);
            // Negative exactly when some e is below 128 c (or negative), infinite or NaN.
            int outside = 0;
            for (int i = 0; i < n; i++) {
                outside |= (bits[i] - smallestBits) | (0x7F7FFFFF - bits[i]);
            }
            if (outside >= 0) {
                xs.get((int) x.offset() + start, xChunk, 0, n);
                shifted(xChunk, eChunk, y, c, n);
            } else {
                for (int i = 0; i < n; i++) {
                    eChunk[i] += c;
                }
                ExpLog.log(eChunk, y, scratch1, scratch2, n);
            }
            out.put((int) output.offset() + start, y, 0, n);
        }
        java.lang.ref.Reference.reachabilityFence(x);
        java.lang.ref.Reference.reachabilityFence(e);
        java.lang.ref.Reference.reachabilityFence(output);
    }

    /** y = x + log1p(c / e) by its series to u^4, for c / e <= 2^-7. */
    static void shifted(float[] x, float[] e, float[] y, float c, int n) {
        for (int i = 0; i < n; i++) {
            float u = c / e[i];
            y[i] = x[i] + u * (1f - u * (0.5f - u * (0.33333334f - u * 0.25f)));
        }
    }
}
