package io.hyperprune.plugins.hypernetlinear;

import io.hyperprune.api.ComponentOptions;
import io.hyperprune.api.Hypernetwork;
import io.hyperprune.api.TensorSpec;
import java.util.Map;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The linear hypernetwork of METHOD.md: G(t) = t * b2 + b3 for every tensor, written in the
 * reference's equivalent endpoint form G(t) = t * A + (1 - t) * B (so b2 = A - B, b3 = B) with A and B
 * learned and both initialised like the plain model's tensor (log-sigma at -3 at both ends). t is
 * clamped to [0, 1], as for the piecewise hypernetwork, which with two pivots equals this one.
 */
public final class LinearHypernetwork implements Hypernetwork {

    static final String ENDPOINTS = "endpoints";

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
        // C = [1 - t, t] as [K, 2], made once per graph.
        SDVariable coefficients = sd.stack(1, clamped.rsub(1.0), clamped);
        return tensor -> generate(sd, coefficients, tensor);
    }

    /**
     * G(t) = C [B; A] for one tensor: one matrix product with the learned [2, size] matrix
     * {@code <tensor>/endpoints} (row 0 = B = G(0), row 1 = A = G(1)). Its gradient C^T dG is one GEMM;
     * the broadcast form t*A + (1-t)*B needed a reduction over the model axis per term (~10 ms each per
     * step on MNIST's first layer). At t = 0 and 1 a row of C is exactly one 1 and one 0, so G is the
     * stored row bit for bit.
     */
    private static SDVariable generate(SameDiff sd, SDVariable coefficients, TensorSpec tensor) {
        INDArray value = tensor.initialValue();
        SDVariable endpoints = sd.var(
                tensor.name() + "/" + ENDPOINTS,
                value.reshape(1, value.length()).repeat(0, 2));
        long[] shape = new long[tensor.shape().length + 1];
        shape[0] = -1;
        System.arraycopy(tensor.shape(), 0, shape, 1, tensor.shape().length);
        return coefficients.mmul(endpoints).reshape(shape);
    }
}
