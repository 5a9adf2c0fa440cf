package io.hyperprune.runtime.engine;

import io.hyperprune.api.ComponentOptions;
import io.hyperprune.api.Hypernetwork;
import io.hyperprune.api.TensorSpec;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;

/**
 * The degenerate hypernetwork of the plain models (a)-(c) of METHOD.md: G(t) = b, one learned tensor
 * per generated tensor, independent of lambda. Returns {@code [1, ...shape]}, which broadcasts over
 * the model axis.
 */
public final class ConstantHypernetwork implements Hypernetwork {

    public static final String ID = "constant";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String description() {
        return "plain model: G(t) = b, one tensor independent of lambda (models a-c)";
    }

    @Override
    public Generator attach(SameDiff sd, SDVariable t, ComponentOptions options) {
        return tensor -> sd.expandDims(sd.var(tensor.name() + "/b", tensor.initialValue()), 0);
    }
}
