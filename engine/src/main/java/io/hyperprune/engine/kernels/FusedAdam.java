package io.hyperprune.engine.kernels;

import java.nio.FloatBuffer;
import java.util.List;
import java.util.Optional;
import org.nd4j.autodiff.samediff.TrainingConfig;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.AdamUpdater;
import org.nd4j.linalg.learning.GradientUpdater;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.regularization.Regularization;

/**
 * Gradient clipping by value, SameDiff's Adam step and the parameter update as one pass over each
 * parameter, computed in Java on chunks copied out of and back into the native arrays.
 *
 * <p>Why: libnd4j M2.1's {@code adam_updater} runs a scalar loop per element, plus two clipping passes
 * and a subtraction, each a native call per parameter tensor; this one pass, a loop the JIT vectorises,
 * is several times faster, its bulk copies in and out being a good part of what remains (see
 * docs/performance.md, "Why each kernel exists"). The state stays where SameDiff keeps it (the M and V
 * views of its updater state), so saved graphs and resumed runs see exactly what SameDiff's own updater
 * would have left, and the arithmetic is libnd4j's, in float, in the same order.
 *
 * <p>Used only for the configuration it reproduces: Adam with a learning rate, at most one
 * {@link GradientClipping}, minimising, float parameters in contiguous arrays. Not thread-safe.
 */
public final class FusedAdam {

    /** Elements per chunk: four chunk buffers (64 KiB each) stay in the core's L2 cache. */
    private static final int CHUNK = 16_384;
    /** Elements per block when the step is shared with a helper thread: a few chunks, so blocks outnumber threads. */
    public static final int BLOCK = 4 * CHUNK;

    private final Adam adam;
    private final float clip;
    /** The chunk buffers (gradient, parameter, M, V) of each thread that runs passes. */
    private final ThreadLocal<float[][]> scratch = ThreadLocal.withInitial(() -> new float[4][CHUNK]);

    private FusedAdam(Adam adam, float clip) {
        this.adam = adam;
        this.clip = clip;
    }

    /** The fused step for this training config, or empty if it configures something it does not reproduce. */
    public static Optional<FusedAdam> of(TrainingConfig config) {
        if (!(config.getUpdater() instanceof Adam adam) || !config.isMinimize()) {
            return Optional.empty();
        }
        List<Regularization> regularizations =
                config.getRegularization() == null ? List.of() : config.getRegularization();
        if (regularizations.size() > 1
                || (regularizations.size() == 1 && !(regularizations.get(0) instanceof GradientClipping))) {
            return Optional.empty();
        }
        float clip = regularizations.isEmpty()
                ? Float.POSITIVE_INFINITY
                : (float) ((GradientClipping) regularizations.get(0)).getClipValue();
        return Optional.of(new FusedAdam(adam, clip));
    }

    /**
     * Clips {@code gradient}, advances the updater's state and subtracts the step from {@code parameter},
     * as clipping, {@code updater.applyUpdater} and {@code parameter.subi(update)} would; false (and
     * nothing changed) if an array is not a contiguous float array this step can read directly.
     */
    boolean apply(INDArray parameter, INDArray gradient, GradientUpdater<?> updater, int iteration, int epoch) {
        Pass pass = prepare(parameter, gradient, updater, iteration, epoch);
        if (pass == null) {
            return false;
        }
        pass.run(0, pass.length());
        return true;
    }

    /**
     * The step of {@link #apply} for one parameter, to run over ranges of its elements (on any thread,
     * ranges not overlapping), or null if an array is not one this step can read directly.
     */
    public Pass prepare(INDArray parameter, INDArray gradient, GradientUpdater<?> updater, int iteration, int epoch) {
        if (!(updater instanceof AdamUpdater adamUpdater)) {
            return null;
        }
        INDArray mState = adamUpdater.getState().get(AdamUpdater.M_STATE);
        INDArray vState = adamUpdater.getState().get(AdamUpdater.V_STATE);
        long length = parameter.length();
        if (mState == null
                || vState == null
                || !readable(parameter, length)
                || !readable(gradient, length)
                || !readable(mState, length)
                || !readable(vState, length)) {
            return null;
        }
        // libnd4j's coefficients, in float as it computes them (the bias-corrected step size it calls epsilonT).
        float lr = (float) adam.getLearningRate(iteration, epoch);
        float beta1 = (float) adam.getBeta1();
        float beta2 = (float) adam.getBeta2();
        float epsilon = adam.getEpsilon() == 0 ? 1e-7f : (float) adam.getEpsilon();
        float beta1T = (float) Math.pow(beta1, iteration + 1);
        float beta2T = (float) Math.pow(beta2, iteration + 1);
        float stepSize = (float) (lr * (float) Math.sqrt((float) (1.0 - beta2T)) / (1.0 - beta1T));
        if (Float.isNaN(stepSize) || Float.isInfinite(stepSize) || stepSize == 0) {
            stepSize = epsilon;
        }
        return new Pass(this, parameter, gradient, mState, vState, (int) length, beta1, beta2, epsilon, stepSize);
    }

    /** One parameter's prepared step; holds its arrays, so their memory stays alive while it runs. */
    public record Pass(
            FusedAdam adam,
            INDArray parameter,
            INDArray gradient,
            INDArray mState,
            INDArray vState,
            int length,
            float beta1,
            float beta2,
            float epsilon,
            float stepSize) {

        /** The step for elements [from, to). */
        public void run(int from, int to) {
            float[][] buffers = adam.scratch.get();
            float[] g = buffers[0];
            float[] p = buffers[1];
            float[] m = buffers[2];
            float[] v = buffers[3];
            float clip = adam.clip;
            float oneMinusBeta1 = 1 - beta1;
            float oneMinusBeta2 = 1 - beta2;
            FloatBuffer gradients = NativeFloats.of(gradient);
            FloatBuffer parameters = NativeFloats.of(parameter);
            FloatBuffer ms = NativeFloats.of(mState);
            FloatBuffer vs = NativeFloats.of(vState);
            int gOffset = (int) gradient.offset();
            int pOffset = (int) parameter.offset();
            int mOffset = (int) mState.offset();
            int vOffset = (int) vState.offset();
            for (int start = from; start < to; start += CHUNK) {
                int n = Math.min(CHUNK, to - start);
                gradients.get(gOffset + start, g, 0, n);
                parameters.get(pOffset + start, p, 0, n);
                ms.get(mOffset + start, m, 0, n);
                vs.get(vOffset + start, v, 0, n);
                for (int i = 0; i < n; i++) {
                    // Math.min/max: vectorised by the JIT, and a NaN gradient stays NaN, so the trainer's
                    // divergence check sees it in the parameters after the step.
                    float gi = Math.max(Math.min(g[i], clip), -clip);
                    float mi = beta1 * m[i] + gi * oneMinusBeta1;
                    float vi = beta2 * v[i] + gi * gi * oneMinusBeta2;
                    m[i] = mi;
                    v[i] = vi;
                    p[i] -= (mi * stepSize) / ((float) Math.sqrt(vi) + epsilon);
                }
                parameters.put(pOffset + start, p, 0, n);
                ms.put(mOffset + start, m, 0, n);
                vs.put(vOffset + start, v, 0, n);
            }
        }
    }

    private static boolean readable(INDArray array, long length) {
        return array.length() == length && NativeFloats.readable(array);
    }
}
