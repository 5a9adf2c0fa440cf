package io.hyperprune.plugins.hypernetpiecewise;

import io.hyperprune.api.ComponentOptions;
import io.hyperprune.api.Hypernetwork;
import io.hyperprune.api.InputException;
import io.hyperprune.api.TensorSpec;
import java.util.List;
import java.util.Map;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;

/**
 * The piecewise-linear hypernetwork of METHOD.md: pivots t_0 < ... < t_N, one learned tensor b(t_i) per
 * pivot, and for t_i <= t <= t_{i+1}: G(t) = b(t_i) + (b(t_{i+1}) - b(t_i)) / (t_{i+1} - t_i) (t - t_i);
 * t is clamped to [t_0, t_N]. Written as G(t) = C(t) B: hat-function coefficients C [K, N+1] computed
 * once per graph times the pivot tensors stacked as one learned matrix B [N+1, size] (variable
 * {@code <tensor>/pivots}, row i = b(t_i)). One matrix product per tensor instead of N+1 broadcast
 * multiplications: its gradient C^T dG is one GEMM, where the broadcast form's backward pass reduced
 * over the model axis once per pivot (measured ~10 ms per pivot and tensor per step on MNIST). The
 * ramps use the pivots' float differences, so at a pivot a row of C is exactly one 1 and zeros, G
 * equals the stored row bit for bit, and only the pivots around t get gradient.
 */
public final class PiecewiseHypernetwork implements Hypernetwork {

    static final String PIVOTS = "pivots";
    static final String POSITIONS = "positions";

    @Override
    public String id() {
        return "piecewise";
    }

    @Override
    public String description() {
        return "piecewise-linear in t between learned tensors at pivots (default 6 pivots at linspace(0,1,6))";
    }

    @Override
    public Map<String, String> options() {
        return Map.of(
                PIVOTS,
                "number of evenly spaced pivots in [0, 1] (default 6)",
                POSITIONS,
                "explicit pivot positions, comma-separated and strictly increasing, e.g. 0,0.2,0.5,1");
    }

    /**
     * Most pivots allowed: each pivot is a full copy of the model's tensors (means and log-sigmas, with
     * Adam's two moments each), so the graph, its memory and a step's time grow by one model per pivot.
     */
    static final int MAX_PIVOTS = 64;

    private static String tooMany(String option, int count) {
        return "option piecewise." + option + " asks for " + count + " pivots, too many: at most " + MAX_PIVOTS
                + " (each pivot is a full copy of the model's posterior tensors with their Adam state, so " + count
                + " pivots make a graph " + count + " times the model's size; METHOD.md uses 6)";
    }

    /** The pivot positions the options ask for. */
    static double[] pivots(ComponentOptions options) {
        if (options.get(POSITIONS).isPresent()) {
            List<Double> positions = options.getDoubleList(POSITIONS).orElseThrow();
            if (positions.size() < 2) {
                throw new InputException("option piecewise.positions needs at least 2 pivots, got " + positions);
            }
            if (positions.size() > MAX_PIVOTS) {
                throw new InputException(tooMany(POSITIONS, positions.size()));
            }
            double[] result = new double[positions.size()];
            for (int i = 0; i < result.length; i++) {
                result[i] = positions.get(i);
                if (!Double.isFinite(result[i]) || (i > 0 && result[i] <= result[i - 1])) {
                    throw new InputException(
                            "option piecewise.positions must be finite and strictly increasing, got " + positions);
                }
            }
            return result;
        }
        int count = options.getInt(PIVOTS, 6);
        if (count < 2) {
            throw new InputException("option piecewise.pivots must be at least 2, got " + count);
        }
        if (count > MAX_PIVOTS) {
            throw new InputException(tooMany(PIVOTS, count));
        }
        double[] result = new double[count];
        for (int i = 0; i < count; i++) {
            result[i] = i / (double) (count - 1);
        }
        return result;
    }

    @Override
    public Generator attach(SameDiff sd, SDVariable t, ComponentOptions options) {
        double[] pivots = pivots(options);
        SDVariable coefficients = sd.stack(1, coefficients(sd, t, pivots));
        return tensor -> combine(sd, coefficients, pivots.length, tensor, PIVOTS);
    }

    /** Hat-function coefficients c_i [K] of clamp(t), one per pivot. */
    static SDVariable[] coefficients(SameDiff sd, SDVariable t, double[] pivots) {
        int n = pivots.length;
        float[] p = new float[n];
        for (int i = 0; i < n; i++) {
            p[i] = (float) pivots[i];
        }
        SDVariable clamped = sd.math().clipByValue(t, p[0], p[n - 1]);
        SDVariable[] columns = new SDVariable[n];
        for (int i = 0; i < n; i++) {
            SDVariable c = null;
            if (i > 0) {
                // rising edge on [t_{i-1}, t_i]: (t - t_{i-1}) / (t_i - t_{i-1}), exactly 1 at t = t_i
                c = clamped.sub(p[i - 1]).div(p[i] - p[i - 1]);
            }
            if (i < n - 1) {
                // falling edge on [t_i, t_{i+1}]: (t_{i+1} - t) / (t_{i+1} - t_i), exactly 1 at t = t_i
                SDVariable falling = clamped.rsub(p[i + 1]).div(p[i + 1] - p[i]);
                c = c == null ? falling : sd.math().min(c, falling);
            }
            columns[i] = sd.math().clipByValue(c, 0.0, 1.0);
        }
        return columns;
    }

    /**
     * G(t) = C(t) B for one tensor, [K, ...shape]: creates the learned matrix {@code <tensor>/<name>} of
     * shape [rows of C, tensor size], every row starting from the tensor's initial value.
     *
     * @param coefficients [K, rows]
     */
    static SDVariable combine(SameDiff sd, SDVariable coefficients, int rows, TensorSpec tensor, String name) {
        org.nd4j.linalg.api.ndarray.INDArray value = tensor.initialValue();
        org.nd4j.linalg.api.ndarray.INDArray initial =
                value.reshape(1, value.length()).repeat(0, rows);
        SDVariable stacked = sd.var(tensor.name() + "/" + name, initial);
        long[] shape = new long[tensor.shape().length + 1];
        shape[0] = -1;
        System.arraycopy(tensor.shape(), 0, shape, 1, tensor.shape().length);
        return coefficients.mmul(stacked).reshape(shape);
    }
}
