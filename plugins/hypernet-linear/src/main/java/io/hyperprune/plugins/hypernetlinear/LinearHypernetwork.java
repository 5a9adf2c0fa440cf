package io.hyperprune.plugins.hypernetlinear;

import io.hyperprune.api.ComponentOptions;
import io.hyperprune.api.Hypernetwork;
import io.hyperprune.api.TensorSpec;
import java.util.Map;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;

/**
 * The linear hypernetwork of METHOD.md: G(t) = t * b2 + b3 for every tensor, written in the
 * reference's equivalent endpoint form G(t) = t * A + (1 - t) * B (so b2 = A - B, b3 = B) with A and B
 * learned and both initialised like the plain model's tensor (log-sigma at -3 at both ends). t is
 * clamped to [0, 1], as for the piecewise hypernetwork, which with two pivots equals this one.
 */
public final class LinearHypernetwork implements Hypernetwork {

    @Override
    public String id() {
        return "linear";
    }

    @Override
    public String description() {
        return "linear in t: G(t) = t*A + (1-t)*B for every tensor (METHOD.md's t*b2 + b3)";
    }

    @Override
    public Map<String, String> options() {
        return Map.of();
    }

    @Override
    public Generator attach(SameDiff sd, SDVariable t, ComponentOptions options) {
        SDVariable clamped = sd.math().clipByValue(t, 0.0, 1.0);
        SDVariable oneMinusT = clamped.rsub(1.0);
        // [K, 1, ..., 1] views of (1 - t) and t per tensor rank, made once per graph.
        java.util.Map<Integer, SDVariable[]> byRank = new java.util.HashMap<>();
        return tensor -> generate(sd, byRank.computeIfAbsent(tensor.shape().length, rank -> {
            long[] broadcast = new long[rank + 1];
            java.util.Arrays.fill(broadcast, 1);
            broadcast[0] = -1;
            return new SDVariable[] {oneMinusT.reshape(broadcast), clamped.reshape(broadcast)};
        }), tensor);
    }

    /** (1 - t) * B + t * A, element-wise: exact at both ends. */
    private static SDVariable generate(SameDiff sd, SDVariable[] coefficients, TensorSpec tensor) {
        SDVariable b = sd.var(tensor.name() + "/B", tensor.initialValue());
        SDVariable a = sd.var(tensor.name() + "/A", tensor.initialValue());
        return coefficients[0].mul(b).add(coefficients[1].mul(a));
    }
}
