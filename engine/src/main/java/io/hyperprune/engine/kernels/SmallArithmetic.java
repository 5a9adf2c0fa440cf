package io.hyperprune.engine.kernels;

import java.nio.FloatBuffer;
import java.util.Arrays;
import org.nd4j.autodiff.functions.DifferentialFunction;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.ScalarOp;
import org.nd4j.linalg.api.ops.impl.scalar.ScalarAdd;
import org.nd4j.linalg.api.ops.impl.scalar.ScalarDivision;
import org.nd4j.linalg.api.ops.impl.scalar.ScalarMultiplication;
import org.nd4j.linalg.api.ops.impl.scalar.ScalarSubtraction;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.AddOp;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.DivOp;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.MulOp;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.SubOp;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.bp.AddBpOp;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.bp.MulBpOp;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.bp.SubBpOp;

/**
 * Add, subtract, multiply and divide (pairwise, or with a scalar) and the gradients of the first
 * three, on small float arrays, in Java. Why: a variational net's bias and output-layer tensors (10 to
 * a few hundred elements) each get their own chain of these ops, about a hundred calls per step, and
 * libnd4j M2.1 spends the whole cost of such an op on the JNI crossing, shape inference and output
 * validation; here a call costs a small fraction of that (docs/performance.md, "Why each kernel
 * exists"). The same float operations in the same order as
 * libnd4j, so results are bit-identical; larger arrays stay with libnd4j, whose loops are faster
 * than the copies in and out this needs. Not thread-safe.
 */
public final class SmallArithmetic implements Runnable {

    /** Arrays up to this many elements: where a call's fixed cost dominates. */
    public static final int MAX_LENGTH = 4096;

    private enum Kind {
        ADD,
        SUBTRACT,
        MULTIPLY,
        DIVIDE,
        ADD_BP,
        SUBTRACT_BP,
        MULTIPLY_BP
    }

    private final Kind kind;
    private final INDArray[] inputs;
    private final INDArray[] outputs;
    /** The scalar of a legacy scalar op given as an attribute (no second input), else null. */
    private final INDArray fixedScalar;

    private final FloatBuffer[] in;
    private final FloatBuffer[] out;
    private final float[][] values;
    private final float[][] results;

    private SmallArithmetic(Kind kind, INDArray[] inputs, INDArray[] outputs, INDArray fixedScalar) {
        this.kind = kind;
        this.inputs = inputs;
        this.outputs = outputs;
        this.fixedScalar = fixedScalar;
        this.in = Arrays.stream(inputs).map(NativeFloats::of).toArray(FloatBuffer[]::new);
        this.out = Arrays.stream(outputs).map(NativeFloats::of).toArray(FloatBuffer[]::new);
        this.values =
                Arrays.stream(inputs).map(a -> new float[(int) a.length()]).toArray(float[][]::new);
        this.results =
                Arrays.stream(outputs).map(a -> new float[(int) a.length()]).toArray(float[][]::new);
    }

    /**
     * The Java execution of this op on these wired arrays, or null if it is not one this class
     * computes: small contiguous float arrays; pairwise ops on equal shapes or with one side a single
     * element; gradients on equal shapes only (a broadcast gradient sums, in libnd4j's order).
     */
    public static SmallArithmetic of(DifferentialFunction f, INDArray[] args, INDArray[] outputs) {
        if (!small(args) || !small(outputs)) {
            return null;
        }
        Kind pairwise = f instanceof AddOp
                ? Kind.ADD
                : f instanceof SubOp
                        ? Kind.SUBTRACT
                        : f instanceof MulOp ? Kind.MULTIPLY : f instanceof DivOp ? Kind.DIVIDE : null;
        if (pairwise != null
                && f.getClass() != DivOp.class
                && f.getClass() != AddOp.class
                && f.getClass() != SubOp.class
                && f.getClass() != MulOp.class) {
            pairwise = null; // subclasses (reverse or truncating variants) compute something else
        }
        if (pairwise != null && args.length == 2 && outputs.length == 1) {
            long length = Math.max(args[0].length(), args[1].length());
            boolean shapes =
                    Arrays.equals(args[0].shape(), args[1].shape()) || args[0].length() == 1 || args[1].length() == 1;
            return shapes && outputs[0].length() == length ? new SmallArithmetic(pairwise, args, outputs, null) : null;
        }
        Kind gradient = f.getClass() == AddBpOp.class
                ? Kind.ADD_BP
                : f.getClass() == SubBpOp.class
                        ? Kind.SUBTRACT_BP
                        : f.getClass() == MulBpOp.class ? Kind.MULTIPLY_BP : null;
        if (gradient != null && args.length == 3 && outputs.length == 2) {
            long[] shape = args[0].shape();
            boolean same = Arrays.stream(args).allMatch(a -> Arrays.equals(a.shape(), shape))
                    && Arrays.stream(outputs).allMatch(a -> Arrays.equals(a.shape(), shape));
            return same ? new SmallArithmetic(gradient, args, outputs, null) : null;
        }
        Kind scalar = f.getClass() == ScalarAdd.class
                ? Kind.ADD
                : f.getClass() == ScalarSubtraction.class
                        ? Kind.SUBTRACT
                        : f.getClass() == ScalarMultiplication.class
                                ? Kind.MULTIPLY
                                : f.getClass() == ScalarDivision.class ? Kind.DIVIDE : null;
        if (scalar != null && outputs.length == 1 && Arrays.equals(args[0].shape(), outputs[0].shape())) {
            if (args.length == 2 && args[1].length() == 1) {
                return new SmallArithmetic(scalar, args, outputs, null);
            }
            INDArray value = ((ScalarOp) f).scalar();
            if (args.length == 1 && value != null && value.length() == 1 && NativeFloats.readable(value)) {
                return new SmallArithmetic(scalar, new INDArray[] {args[0], value}, outputs, value);
            }
        }
        return null;
    }

    private static boolean small(INDArray[] arrays) {
        return Arrays.stream(arrays).allMatch(a -> a != null && a.length() <= MAX_LENGTH && NativeFloats.readable(a));
    }

    @Override
    public void run() {
        for (int i = 0; i < inputs.length; i++) {
            in[i].get((int) inputs[i].offset(), values[i], 0, values[i].length);
        }
        float[] x = values[0];
        float[] y = values[1];
        float[] z = results[0];
        switch (kind) {
            case ADD, SUBTRACT, MULTIPLY, DIVIDE -> pairwise(x, y, z);
            case ADD_BP -> {
                System.arraycopy(values[2], 0, z, 0, z.length);
                System.arraycopy(values[2], 0, results[1], 0, z.length);
            }
            case SUBTRACT_BP -> {
                float[] g = values[2];
                float[] dy = results[1];
                for (int i = 0; i < g.length; i++) {
                    z[i] = g[i];
                    dy[i] = -g[i];
                }
            }
            case MULTIPLY_BP -> {
                float[] g = values[2];
                float[] dy = results[1];
                for (int i = 0; i < g.length; i++) {
                    z[i] = y[i] * g[i];
                    dy[i] = x[i] * g[i];
                }
            }
        }
        for (int i = 0; i < outputs.length; i++) {
            out[i].put((int) outputs[i].offset(), results[i], 0, results[i].length);
        }
        java.lang.ref.Reference.reachabilityFence(fixedScalar);
    }

    /** z = x op y; a one-element side is broadcast. One loop per case, so the JIT can vectorise each. */
    private void pairwise(float[] x, float[] y, float[] z) {
        if (x.length == z.length && y.length == z.length) {
            switch (kind) {
                case ADD -> {
                    for (int i = 0; i < z.length; i++) z[i] = x[i] + y[i];
                }
                case SUBTRACT -> {
                    for (int i = 0; i < z.length; i++) z[i] = x[i] - y[i];
                }
                case MULTIPLY -> {
                    for (int i = 0; i < z.length; i++) z[i] = x[i] * y[i];
                }
                default -> {
                    for (int i = 0; i < z.length; i++) z[i] = x[i] / y[i];
                }
            }
        } else if (y.length == 1) {
            float b = y[0];
            switch (kind) {
                case ADD -> {
                    for (int i = 0; i < z.length; i++) z[i] = x[i] + b;
                }
                case SUBTRACT -> {
                    for (int i = 0; i < z.length; i++) z[i] = x[i] - b;
                }
                case MULTIPLY -> {
                    for (int i = 0; i < z.length; i++) z[i] = x[i] * b;
                }
                default -> {
                    for (int i = 0; i < z.length; i++) z[i] = x[i] / b;
                }
            }
        } else {
            float a = x[0];
            switch (kind) {
                case ADD -> {
                    for (int i = 0; i < z.length; i++) z[i] = a + y[i];
                }
                case SUBTRACT -> {
                    for (int i = 0; i < z.length; i++) z[i] = a - y[i];
                }
                case MULTIPLY -> {
                    for (int i = 0; i < z.length; i++) z[i] = a * y[i];
                }
                default -> {
                    for (int i = 0; i < z.length; i++) z[i] = a / y[i];
                }
            }
        }
    }
}
