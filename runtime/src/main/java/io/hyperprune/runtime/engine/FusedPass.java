package io.hyperprune.runtime.engine;

import java.nio.FloatBuffer;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Several element-wise ops on same-shaped [K, ...] float tensors, and per-model reductions of them,
 * computed in one Java pass ({@link ElementwiseFusion} finds them): a chunk of every input is read
 * once, each op works on the previous ops' chunks while they are in cache, and only the values some
 * other op or the caller reads are written back.
 *
 * <p>Why: a variational net's big weight tensor goes through ~18 such ops per step (the sample
 * mu + sigma * eps, sigma = exp(log-sigma) + 1e-5, the KL's log, sums and squared norms, and all
 * their gradients), each a full pass over a [5, 784, 50] tensor of a hypernetwork's S samples; the
 * passes, not the arithmetic, were the cost. Each op computes as its single-op execution does
 * ({@link ExpLog}, {@link SmallArithmetic}'s float operations, {@link SquaredNormGradient}), so
 * results agree with them to float rounding (sums accumulate in double in another order). Not
 * thread-safe.
 */
final class FusedPass implements Runnable {

    private static final int CHUNK = 1024;

    enum Kind {
        EXP, LOG, ADD, SUBTRACT, MULTIPLY, DIVIDE, ADD_SCALAR, SUBTRACT_SCALAR, MULTIPLY_SCALAR, DIVIDE_SCALAR,
        /** Both gradients of x * y: g * y and g * x. */
        MULTIPLY_BP,
        /** Per-model sum and squared norm over every element axis, into a [K] array. */
        SUM, SQUARED_NORM,
        /** Their gradients: dL/dz[k] broadcast, and 2 x dL/dz[k]. */
        SUM_BP, SQUARED_NORM_BP;

        boolean reduces() {
            return this == SUM || this == SQUARED_NORM;
        }

        /** Ops reading one value per model (or one for all) from their side array. */
        boolean readsSide() {
            return this == ADD_SCALAR || this == SUBTRACT_SCALAR || this == MULTIPLY_SCALAR || this == DIVIDE_SCALAR
                    || this == SUM_BP || this == SQUARED_NORM_BP;
        }
    }

    /**
     * One op of the pass: reads the chunks in slots {@code in}, writes slots {@code out} (-1: an output
     * nothing reads); {@code side} is its per-model or single value (scalar ops, gradients of
     * reductions) or, for a reduction, its [K] output.
     */
    record Step(Kind kind, int[] in, int[] out, INDArray side) {}

    /** An array read or written chunk by chunk, and the slot holding its chunk. */
    record Binding(INDArray array, int slot) {}

    private final long models;
    private final long perModel;
    private final List<Step> steps;
    private final List<Binding> inputs;
    private final List<Binding> outputs;
    private final float[][] slots;
    private final float[] scratch1 = new float[CHUNK];
    private final float[] scratch2 = new float[CHUNK];
    private final FloatBuffer[] inBuffers;
    private final FloatBuffer[] outBuffers;
    private final FloatBuffer[] sideBuffers;
    private final float[] sideValues;
    private final double[] sums;

    /**
     * @param models K, the leading axis of every full tensor
     * @param perModel elements per model
     * @param slots how many chunk slots the steps use
     */
    FusedPass(long models, long perModel, List<Step> steps, List<Binding> inputs, List<Binding> outputs, int slots) {
        if (perModel > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("a model's tensor of " + perModel + " elements is too large");
        }
        this.models = models;
        this.perModel = perModel;
        this.steps = List.copyOf(steps);
        this.inputs = List.copyOf(inputs);
        this.outputs = List.copyOf(outputs);
        int chunk = (int) Math.min(CHUNK, perModel);
        this.slots = new float[slots][chunk];
        this.inBuffers = inputs.stream().map(b -> NativeFloats.of(b.array())).toArray(FloatBuffer[]::new);
        this.outBuffers = outputs.stream().map(b -> NativeFloats.of(b.array())).toArray(FloatBuffer[]::new);
        this.sideBuffers = steps.stream().map(s -> s.side() == null ? null : NativeFloats.of(s.side())).toArray(FloatBuffer[]::new);
        this.sideValues = new float[steps.size()];
        this.sums = new double[steps.size()];
    }

    @Override
    public void run() {
        for (long k = 0; k < models; k++) {
            for (int s = 0; s < steps.size(); s++) {
                Step step = steps.get(s);
                if (step.kind().readsSide()) {
                    INDArray side = step.side();
                    sideValues[s] = sideBuffers[s].get((int) (side.offset() + (side.length() == 1 ? 0 : k)));
                }
                sums[s] = 0;
            }
            for (long start = 0; start < perModel; start += slots[0].length) {
                int n = (int) Math.min(slots[0].length, perModel - start);
                long at = k * perModel + start;
                for (int i = 0; i < inBuffers.length; i++) {
                    Binding b = inputs.get(i);
                    inBuffers[i].get((int) (b.array().offset() + at), slots[b.slot()], 0, n);
                }
                for (int s = 0; s < steps.size(); s++) {
                    compute(s, steps.get(s), n);
                }
                for (int i = 0; i < outBuffers.length; i++) {
                    Binding b = outputs.get(i);
                    outBuffers[i].put((int) (b.array().offset() + at), slots[b.slot()], 0, n);
                }
            }
            for (int s = 0; s < steps.size(); s++) {
                Step step = steps.get(s);
                if (step.kind().reduces()) {
                    sideBuffers[s].put((int) (step.side().offset() + k), (float) sums[s]);
                }
            }
        }
        java.lang.ref.Reference.reachabilityFence(inputs);
        java.lang.ref.Reference.reachabilityFence(outputs);
    }

    private void compute(int s, Step step, int n) {
        float[] x = step.in().length > 0 ? slots[step.in()[0]] : null;
        float[] y = step.in().length > 1 ? slots[step.in()[1]] : null;
        float[] z = step.out()[0] >= 0 ? slots[step.out()[0]] : null;
        float v = sideValues[s];
        switch (step.kind()) {
            case EXP -> ExpLog.exp(x, z, scratch1, n);
            case LOG -> ExpLog.log(x, z, scratch1, scratch2, n);
            case ADD -> { for (int i = 0; i < n; i++) z[i] = x[i] + y[i]; }
            case SUBTRACT -> { for (int i = 0; i < n; i++) z[i] = x[i] - y[i]; }
            case MULTIPLY -> { for (int i = 0; i < n; i++) z[i] = x[i] * y[i]; }
            case DIVIDE -> { for (int i = 0; i < n; i++) z[i] = x[i] / y[i]; }
            case ADD_SCALAR -> { for (int i = 0; i < n; i++) z[i] = x[i] + v; }
            case SUBTRACT_SCALAR -> { for (int i = 0; i < n; i++) z[i] = x[i] - v; }
            case MULTIPLY_SCALAR -> { for (int i = 0; i < n; i++) z[i] = x[i] * v; }
            case DIVIDE_SCALAR -> { for (int i = 0; i < n; i++) z[i] = x[i] / v; }
            case MULTIPLY_BP -> {
                float[] g = slots[step.in()[2]];
                if (z != null) {
                    for (int i = 0; i < n; i++) z[i] = y[i] * g[i];
                }
                if (step.out()[1] >= 0) {
                    float[] dy = slots[step.out()[1]];
                    for (int i = 0; i < n; i++) dy[i] = x[i] * g[i];
                }
            }
            case SUM -> sums[s] += sum(x, n, false);
            case SQUARED_NORM -> sums[s] += sum(x, n, true);
            case SUM_BP -> java.util.Arrays.fill(z, 0, n, v);
            case SQUARED_NORM_BP -> {
                float twice = 2 * v;
                for (int i = 0; i < n; i++) z[i] = x[i] * twice;
            }
        }
    }

    /** The sum (or sum of squares) of a chunk in double, with independent accumulators as in {@link ModelReductions}. */
    private static double sum(float[] x, int n, boolean squares) {
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int i = 0;
        if (squares) {
            for (; i + 4 <= n; i += 4) {
                s0 += (double) x[i] * x[i];
                s1 += (double) x[i + 1] * x[i + 1];
                s2 += (double) x[i + 2] * x[i + 2];
                s3 += (double) x[i + 3] * x[i + 3];
            }
            for (; i < n; i++) {
                s0 += (double) x[i] * x[i];
            }
        } else {
            for (; i + 4 <= n; i += 4) {
                s0 += x[i];
                s1 += x[i + 1];
                s2 += x[i + 2];
                s3 += x[i + 3];
            }
            for (; i < n; i++) {
                s0 += x[i];
            }
        }
        return (s0 + s1) + (s2 + s3);
    }
}
