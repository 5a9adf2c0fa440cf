package io.hyperprune.engine.kernels;

import java.nio.FloatBuffer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.ops.impl.reduce.bp.SquaredNormBp;

/**
 * The gradient of a squared norm over every axis but the model axis ({@code reduce_sqnorm_bp}:
 * dL/dx[k, ...] = 2 x[k, ...] dL/dz[k]) computed in Java, for the KL terms of the variational
 * evidences. Why: libnd4j M2.1 is slow at it for a hypernetwork's [K, ...] tensors, eight per step; this
 * is several times faster (docs/performance.md, "Why each kernel exists") and bit-identical (doubling is
 * exact, so every order of the two products rounds alike). Not thread-safe.
 */
public final class SquaredNormGradient implements Runnable {

    private static final int CHUNK = 16_384;

    private final INDArray input;
    private final INDArray gradient;
    private final INDArray output;
    private final float[] chunk;
    /** The arrays' buffers, made once: the arrays never change for a plan (the fields above keep them alive). */
    private final FloatBuffer xs;

    private final FloatBuffer gs;
    private final FloatBuffer out;

    private SquaredNormGradient(INDArray input, INDArray gradient, INDArray output) {
        this.input = input;
        this.gradient = gradient;
        this.output = output;
        this.chunk = new float[(int) Math.min(CHUNK, input.length() / input.size(0))];
        this.xs = NativeFloats.of(input);
        this.gs = NativeFloats.of(gradient);
        this.out = NativeFloats.of(output);
    }

    /**
     * Whether this op is the gradient of a squared norm of {@code args[0]} over all axes but the first,
     * on arrays this class reads directly.
     */
    public static boolean applies(DynamicCustomOp op, INDArray[] args) {
        if (!(op instanceof SquaredNormBp)
                || args.length != 2
                || args[0].rank() < 2
                || !NativeFloats.readable(args[0])
                || !NativeFloats.readable(args[1])
                || args[1].length() != args[0].size(0)) {
            return false;
        }
        if (!ModelReductions.elementAxes(op.iArgs(), args[0].rank())) {
            return false;
        }
        return args[0].length() / args[0].size(0) <= Integer.MAX_VALUE;
    }

    /** The op's execution, writing into {@code output} (a contiguous float array of the input's shape). */
    public static SquaredNormGradient of(INDArray[] args, INDArray output) {
        return new SquaredNormGradient(args[0], args[1], output);
    }

    @Override
    public void run() {
        long models = input.size(0);
        long perModel = input.length() / models;
        for (int k = 0; k < models; k++) {
            float twice = 2 * gs.get((int) gradient.offset() + k);
            long base = k * perModel;
            for (long start = 0; start < perModel; start += chunk.length) {
                int n = (int) Math.min(chunk.length, perModel - start);
                xs.get((int) (input.offset() + base + start), chunk, 0, n);
                for (int i = 0; i < n; i++) {
                    chunk[i] *= twice;
                }
                out.put((int) (output.offset() + base + start), chunk, 0, n);
            }
        }
    }
}
