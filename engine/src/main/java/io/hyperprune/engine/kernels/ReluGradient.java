package io.hyperprune.engine.kernels;

import java.nio.FloatBuffer;
import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.ops.impl.transforms.gradient.ThresholdReluBp;

/**
 * SameDiff's gradient of relu ({@code thresholdedrelu_bp}: dL/dx = dL/dy where x > cutoff, else 0)
 * computed in Java. Why: libnd4j M2.1 runs it through a per-element lambda; this vectorised loop is many
 * times faster (docs/performance.md, "Why each kernel exists"). Not thread-safe.
 */
public final class ReluGradient implements Runnable {

    private static final int CHUNK = 16_384;

    private final INDArray input;
    private final INDArray gradient;
    private final INDArray output;
    private final float cutoff;
    private final float[] x;
    private final float[] g;
    /** The arrays' buffers, made once: the arrays never change for a plan (the fields above keep them alive). */
    private final FloatBuffer xs;

    private final FloatBuffer gs;
    private final FloatBuffer out;

    private ReluGradient(INDArray input, INDArray gradient, INDArray output, float cutoff) {
        this.input = input;
        this.gradient = gradient;
        this.output = output;
        this.cutoff = cutoff;
        int chunk = (int) Math.min(CHUNK, input.length());
        this.x = new float[chunk];
        this.g = new float[chunk];
        this.xs = NativeFloats.of(input);
        this.gs = NativeFloats.of(gradient);
        this.out = NativeFloats.of(output);
    }

    /** Whether this op is a relu gradient on arrays {@link #of} computes. */
    public static boolean applies(DynamicCustomOp op, INDArray[] args) {
        return op instanceof ThresholdReluBp
                && op.tArgs().length == 1
                && args.length == 2
                && Arrays.equals(args[0].shape(), args[1].shape())
                && NativeFloats.readable(args[0])
                && NativeFloats.readable(args[1]);
    }

    /** The op's execution, writing into {@code output} (a contiguous float array of the input's shape). */
    public static ReluGradient of(DynamicCustomOp op, INDArray[] args, INDArray output) {
        // libnd4j compares the float input with the double cutoff: x > c holds for a float x exactly when
        // x > the largest float not above c.
        double cutoff = op.tArgs()[0];
        float below = (float) cutoff;
        if (below > cutoff) {
            below = Math.nextDown(below);
        }
        return new ReluGradient(args[0], args[1], output, below);
    }

    @Override
    public void run() {
        int xOffset = (int) input.offset();
        int gOffset = (int) gradient.offset();
        int outOffset = (int) output.offset();
        long length = input.length();
        for (int start = 0; start < length; start += x.length) {
            int n = (int) Math.min(x.length, length - start);
            xs.get(xOffset + start, x, 0, n);
            gs.get(gOffset + start, g, 0, n);
            for (int i = 0; i < n; i++) {
                // Branch-free (the sign of a hidden unit is a coin flip, a branch mispredicts): the sign bit of
                // cutoff - x is set exactly when x > cutoff, and spread over all bits it masks the gradient.
                g[i] = Float.intBitsToFloat(
                        Float.floatToRawIntBits(g[i]) & (Float.floatToRawIntBits(cutoff - x[i]) >> 31));
            }
            out.put(outOffset + start, g, 0, n);
        }
    }
}
