package io.hyperprune.engine.kernels;

import java.nio.FloatBuffer;
import org.nd4j.autodiff.functions.DifferentialFunction;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.BaseOp;
import org.nd4j.linalg.api.ops.impl.reduce.floating.SquaredNorm;
import org.nd4j.linalg.api.ops.impl.reduce.same.Sum;

/**
 * A sum or squared norm over every axis but the model axis ({@code reduce_sum}, {@code reduce_sqnorm}
 * of a [K, ...] tensor into [K]) computed in Java, for the KL terms of the variational evidences.
 * Why: libnd4j M2.1 is slow at these reductions of a hypernetwork's [K, ...] tensors, three per step;
 * here a chunk is copied out in bulk and summed with eight independent double accumulators, markedly
 * faster per element (docs/performance.md, "Why each kernel exists"). Summing in double is also
 * at least as accurate as libnd4j's float sum; results agree to float rounding. Not thread-safe.
 */
public final class ModelReductions implements Runnable {

    private static final int CHUNK = 4096;

    private final boolean squares;
    private final INDArray input;
    private final INDArray output;
    private final FloatBuffer in;
    private final FloatBuffer out;
    private final float[] chunk;

    private ModelReductions(boolean squares, INDArray input, INDArray output) {
        this.squares = squares;
        this.input = input;
        this.output = output;
        this.in = NativeFloats.of(input);
        this.out = NativeFloats.of(output);
        this.chunk = new float[(int) Math.min(CHUNK, input.length() / input.size(0))];
    }

    /**
     * The Java execution of a sum or squared norm of {@code args[0]} over all axes but the first (given
     * as {@code args[1]} or as the op's dimensions) into {@code output} of K elements, or null if the op
     * is another.
     */
    public static ModelReductions of(DifferentialFunction f, INDArray[] args, INDArray output) {
        boolean squares = f instanceof SquaredNorm;
        if (!(squares || f instanceof Sum)
                || !NativeFloats.readable(output)
                || !overElementAxes(f, args)
                || output.length() != args[0].size(0)) {
            return null;
        }
        return new ModelReductions(squares, args[0], output);
    }

    /**
     * Whether this legacy reduction of a readable float {@code args[0]} reduces every axis but the
     * first (axes given as {@code args[1]} or as the op's dimensions).
     */
    private static boolean overElementAxes(DifferentialFunction f, INDArray[] args) {
        if (!(f instanceof BaseOp op)
                || args.length < 1
                || args.length > 2
                || args[0].rank() < 2
                || !NativeFloats.readable(args[0])
                || args[0].length() / args[0].size(0) > Integer.MAX_VALUE) {
            return false;
        }
        // The axes: an input (SameDiff's axis argument) or the op's own dimensions.
        INDArray axisArray = args.length == 2 ? args[1] : op.dimensions();
        if (axisArray == null || axisArray.isEmpty() || !axisArray.dataType().isIntType()) {
            return false;
        }
        return elementAxes(axisArray.toLongVector(), args[0].rank());
    }

    /** Whether {@code axes} are every axis but the first of a rank-{@code rank} array (negative ones count from the end). */
    static boolean elementAxes(long[] axes, int rank) {
        if (axes.length != rank - 1) {
            return false;
        }
        for (int i = 0; i < axes.length; i++) {
            if (axes[i] != i + 1 && axes[i] != i + 1 - rank) {
                return false;
            }
        }
        return true;
    }

    /** One element's contribution, in double: its square for a squared norm, else itself. */
    private double term(float value) {
        return squares ? (double) value * value : value;
    }

    @Override
    public void run() {
        long models = input.size(0);
        long perModel = input.length() / models;
        int inOffset = (int) input.offset();
        int outOffset = (int) output.offset();
        for (int k = 0; k < models; k++) {
            double s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
            for (long start = 0; start < perModel; start += chunk.length) {
                int n = (int) Math.min(chunk.length, perModel - start);
                in.get((int) (inOffset + k * perModel + start), chunk, 0, n);
                int i = 0;
                for (; i + 8 <= n; i += 8) {
                    s0 += term(chunk[i]);
                    s1 += term(chunk[i + 1]);
                    s2 += term(chunk[i + 2]);
                    s3 += term(chunk[i + 3]);
                    s4 += term(chunk[i + 4]);
                    s5 += term(chunk[i + 5]);
                    s6 += term(chunk[i + 6]);
                    s7 += term(chunk[i + 7]);
                }
                for (; i < n; i++) {
                    s0 += term(chunk[i]);
                }
            }
            out.put(outOffset + k, (float) (((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7))));
        }
    }
}
