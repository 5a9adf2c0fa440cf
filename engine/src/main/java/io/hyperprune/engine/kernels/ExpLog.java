package io.hyperprune.engine.kernels;

import java.nio.FloatBuffer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Exp;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Log;

/**
 * libnd4j's float {@code exp} and {@code log} computed in Java, within 1 ulp of the correctly rounded
 * result (checked against {@link Math#exp} and {@link Math#log} over the float range).
 *
 * <p>Why: libnd4j M2.1 evaluates them one element at a time, a sizeable part of a hypernetwork step on
 * its log-sigma tensors. Here the polynomial part runs in a loop of float arithmetic only, which the JIT
 * vectorises, and the exponent (exp's 2^k, log's split into mantissa and exponent) in a second loop of
 * integer bit operations: faster per element, copies in and out included (the measurements are in
 * docs/performance.md, "Why each kernel exists"). Both are Cephes' single precision approximations:
 * exp(x) = 2^k p(r) with x = k ln 2 + r, |r| <= ln 2 / 2, and
 * log(x) = k ln 2 + log(1 + f) with x = 2^k (1 + f), 1 + f in [sqrt(1/2), sqrt(2)). Inputs outside the
 * range where those hold (exp: |x| > 87, NaN; log: x <= 0, subnormal, infinite, NaN) are rare; a chunk
 * holding one is finished with {@link Math#exp} or {@link Math#log} for those elements, so special
 * values come out as libnd4j's (inf, 0, NaN, -inf). Not thread-safe.
 */
public final class ExpLog implements Runnable {

    private static final int CHUNK = 4096;
    /** 1.5 * 2^23: adding it rounds a float of magnitude < 2^22 to an integer, kept in its low mantissa bits. */
    private static final float ROUND = 12582912f;

    private static final int ROUND_BITS = 0x4B400000;
    /** ln 2 split in two, so that k ln 2 is exact in float for the k that occur. */
    private static final float LN2_HIGH = 0.693359375f;

    private static final float LN2_LOW = -2.12194440e-4f;
    /** The largest |x| whose exp the polynomial and a normal 2^k cover: 87. */
    private static final int EXP_LIMIT_BITS = Float.floatToRawIntBits(87f);
    /** sqrt(1/2): log's mantissa is brought into [sqrt(1/2), sqrt(2)). */
    private static final int SQRT_HALF_BITS = 0x3F3504F3;

    private final boolean exp;
    private final INDArray input;
    private final INDArray output;
    private final FloatBuffer in;
    private final FloatBuffer out;
    private final float[] x;
    private final float[] y;
    private final float[] a;
    private final float[] b;

    private ExpLog(boolean exp, INDArray input, INDArray output) {
        this.exp = exp;
        this.input = input;
        this.output = output;
        this.in = NativeFloats.of(input);
        this.out = NativeFloats.of(output);
        int chunk = (int) Math.min(CHUNK, input.length());
        this.x = new float[chunk];
        this.y = new float[chunk];
        this.a = new float[chunk];
        this.b = new float[chunk];
    }

    /** Whether this is libnd4j's exp or log of one float array {@link #of} can read. */
    public static boolean applies(Object op, INDArray[] args) {
        return (op instanceof Exp || op instanceof Log) && args.length == 1 && NativeFloats.readable(args[0]);
    }

    /** The op's execution, writing into {@code output} (a contiguous float array of the input's shape). */
    public static ExpLog of(Object op, INDArray input, INDArray output) {
        return new ExpLog(op instanceof Exp, input, output);
    }

    @Override
    public void run() {
        int inOffset = (int) input.offset();
        int outOffset = (int) output.offset();
        long length = input.length();
        for (int start = 0; start < length; start += x.length) {
            int n = (int) Math.min(x.length, length - start);
            in.get(inOffset + start, x, 0, n);
            if (exp) {
                exp(x, y, a, n);
            } else {
                log(x, y, a, b, n);
            }
            out.put(outOffset + start, y, 0, n);
        }
    }

    /** y = exp(x) for the first n elements; t is scratch. */
    static void exp(float[] x, float[] y, float[] t, int n) {
        for (int i = 0; i < n; i++) {
            float v = x[i];
            float rounded = v * 1.44269504088896341f + ROUND;
            float k = rounded - ROUND;
            float r = v - k * LN2_HIGH - k * LN2_LOW;
            float r2 = r * r;
            y[i] = (((((1.9875691500E-4f * r + 1.3981999507E-3f) * r + 8.3334519073E-3f) * r + 4.1665795894E-2f) * r
                                                    + 1.6666665459E-1f)
                                            * r
                                    + 5.0000001201E-1f)
                            * r2
                    + r
                    + 1f;
            t[i] = rounded;
        }
        int outside = 0;
        for (int i = 0; i < n; i++) {
            // 2^k: k sits in the low mantissa bits of t; shifted into the exponent field and biased.
            y[i] *= Float.intBitsToFloat((Float.floatToRawIntBits(t[i]) << 23) + (0x3F800000 - (ROUND_BITS << 23)));
            // Negative exactly when |x| > 87 or x is NaN.
            outside |= EXP_LIMIT_BITS - (Float.floatToRawIntBits(x[i]) & 0x7FFFFFFF);
        }
        if (outside < 0) {
            for (int i = 0; i < n; i++) {
                if (!(Math.abs(x[i]) <= 87f)) {
                    y[i] = (float) Math.exp(x[i]);
                }
            }
        }
    }

    /** y = log(x) for the first n elements; m and e are scratch. */
    public static void log(float[] x, float[] y, float[] m, float[] e, int n) {
        int outside = 0;
        for (int i = 0; i < n; i++) {
            int bits = Float.floatToRawIntBits(x[i]);
            int k = (bits - SQRT_HALF_BITS) >> 23;
            m[i] = Float.intBitsToFloat(bits - (k << 23));
            e[i] = Float.intBitsToFloat(k + ROUND_BITS);
            // Negative exactly when x is not a positive normal finite float (<= 0, subnormal, inf, NaN).
            outside |= (bits - 0x00800000) | (0x7F7FFFFF - bits);
        }
        for (int i = 0; i < n; i++) {
            float k = e[i] - ROUND;
            float f = m[i] - 1f;
            float z = f * f;
            float p =
                    ((((((((7.0376836292E-2f * f - 1.1514610310E-1f) * f + 1.1676998740E-1f) * f - 1.2420140846E-1f) * f
                                                                                                    + 1.4249322787E-1f)
                                                                                            * f
                                                                                    - 1.6668057665E-1f)
                                                                            * f
                                                                    + 2.0000714765E-1f)
                                                            * f
                                                    - 2.4999993993E-1f)
                                            * f
                                    + 3.3333331174E-1f)
                            * f
                            * z;
            y[i] = f + (p - 0.5f * z + k * LN2_LOW) + k * LN2_HIGH;
        }
        if (outside < 0) {
            for (int i = 0; i < n; i++) {
                if (!(x[i] >= Float.MIN_NORMAL && x[i] <= Float.MAX_VALUE)) {
                    y[i] = (float) Math.log(x[i]);
                }
            }
        }
    }
}
