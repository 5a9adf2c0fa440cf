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
        // Coefficients [K, 2] = [1 - t, t]: one matrix product per tensor, as in the piecewise form.
        SDVariable coefficients = sd.stack(1, clamped.rsub(1.0), clamped);
        return tensor -> generate(sd, coefficients, tensor);
    }

    private static SDVariable generate(SameDiff sd, SDVariable coefficients, TensorSpec tensor) {
        long[] shape = tensor.shape();
        long size = 1;
        for (long d : shape) {
            size *= d;
        }
        SDVariable b = sd.var(tensor.name() + "/B", tensor.initialValue()).reshape(1, size);
        SDVariable a = sd.var(tensor.name() + "/A", tensor.initialValue()).reshape(1, size);
        long[] out = new long[shape.length + 1];
        out[0] = -1;
        System.arraycopy(shape, 0, out, 1, shape.length);
        return coefficients.mmul(sd.concat(0, b, a)).reshape(out);
    }
}
