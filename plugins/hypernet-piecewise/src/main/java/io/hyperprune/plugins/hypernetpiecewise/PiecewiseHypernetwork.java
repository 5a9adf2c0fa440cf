package io.hyperprune.plugins.hypernetpiecewise;

import io.hyperprune.api.ComponentOptions;
import io.hyperprune.api.Hypernetwork;
import io.hyperprune.api.InputException;
import io.hyperprune.api.TensorSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;

/**
 * The piecewise-linear hypernetwork of METHOD.md: pivots t_0 < ... < t_N, one learned tensor b(t_i) per
 * pivot, and for t_i <= t <= t_{i+1}: G(t) = b(t_i) + (b(t_{i+1}) - b(t_i)) / (t_{i+1} - t_i) (t - t_i);
 * t is clamped to [t_0, t_N]. Written as G(t) = sum_i c_i(t) b(t_i) with hat-function coefficients c
 * [K, N+1] computed once per graph; per tensor one matrix product c @ [b(t_0); ...; b(t_N)]. At a pivot
 * the coefficients are exactly 1 and 0, and only the two pivots around t get gradient.
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
        return Map.of(PIVOTS, "number of evenly spaced pivots in [0, 1] (default 6)",
                POSITIONS, "explicit pivot positions, comma-separated and strictly increasing, e.g. 0,0.2,0.5,1");
    }

    /** The pivot positions the options ask for. */
    static double[] pivots(ComponentOptions options) {
        if (options.get(POSITIONS).isPresent()) {
            List<Double> positions = options.getDoubleList(POSITIONS).orElseThrow();
            if (positions.size() < 2) {
                throw new InputException("option piecewise.positions needs at least 2 pivots, got " + positions);
            }
            double[] result = new double[positions.size()];
            for (int i = 0; i < result.length; i++) {
                result[i] = positions.get(i);
                if (!Double.isFinite(result[i]) || (i > 0 && result[i] <= result[i - 1])) {
                    throw new InputException("option piecewise.positions must be finite and strictly increasing, got " + positions);
                }
            }
            return result;
        }
        int count = options.getInt(PIVOTS, 6);
        if (count < 2) {
            throw new InputException("option piecewise.pivots must be at least 2, got " + count);
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
        SDVariable coefficients = coefficients(sd, t, pivots);
        return tensor -> interpolate(sd, coefficients, tensor, pivots.length);
    }

    /** Hat-function coefficients c [K, N+1] of clamp(t) on the pivots. */
    static SDVariable coefficients(SameDiff sd, SDVariable t, double[] pivots) {
        int n = pivots.length;
        SDVariable clamped = sd.math().clipByValue(t, pivots[0], pivots[n - 1]);
        SDVariable[] columns = new SDVariable[n];
        for (int i = 0; i < n; i++) {
            SDVariable c = null;
            if (i > 0) {
                // rising edge on [t_{i-1}, t_i]: (t - t_{i-1}) / (t_i - t_{i-1})
                c = clamped.sub(pivots[i - 1]).div(pivots[i] - pivots[i - 1]);
            }
            if (i < n - 1) {
                // falling edge on [t_i, t_{i+1}]: (t_{i+1} - t) / (t_{i+1} - t_i)
                SDVariable falling = clamped.rsub(pivots[i + 1]).div(pivots[i + 1] - pivots[i]);
                c = c == null ? falling : sd.math().min(c, falling);
            }
            columns[i] = sd.math().clipByValue(c, 0.0, 1.0);
        }
        return sd.stack(1, columns);
    }

    /** G(t) = c @ B for one tensor, B = the pivot tensors flattened as rows. */
    static SDVariable interpolate(SameDiff sd, SDVariable coefficients, TensorSpec tensor, int count) {
        long[] shape = tensor.shape();
        long size = 1;
        for (long d : shape) {
            size *= d;
        }
        List<SDVariable> rows = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            SDVariable pivot = sd.var(tensor.name() + "/pivot" + i, tensor.initialValue());
            rows.add(pivot.reshape(1, size));
        }
        SDVariable stacked = sd.concat(0, rows.toArray(SDVariable[]::new));
        long[] out = new long[shape.length + 1];
        out[0] = -1;
        System.arraycopy(shape, 0, out, 1, shape.length);
        return coefficients.mmul(stacked).reshape(out);
    }
}
