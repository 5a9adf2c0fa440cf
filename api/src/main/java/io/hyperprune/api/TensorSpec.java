package io.hyperprune.api;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A tensor the hypernetwork must generate as a function of lambda: one posterior tensor (mean,
 * log-sigma or plain value) of one model parameter.
 *
 * @param name unique in the graph, e.g. {@code dense0/W/mean}; the hypernetwork names the SameDiff
 *     variables it creates for this tensor {@code name + "/" + suffix}
 * @param shape the generated tensor's shape without the model axis
 * @param init how every learned tensor behind it starts
 * @param seed the seed of its initial values (see {@link #initialValue()})
 */
public record TensorSpec(String name, long[] shape, ParameterInit init, long seed) {

    public TensorSpec {
        requireNonNull(name, "name is null");
        requireNonNull(init, "init is null");
        shape = requireNonNull(shape, "shape is null").clone();
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** The initial value every learned tensor of this spec starts from (float32, {@link #shape()}). */
    public INDArray initialValue() {
        return init.create(shape, seed);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorSpec t
                && name.equals(t.name)
                && Arrays.equals(shape, t.shape)
                && init.equals(t.init)
                && seed == t.seed;
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
        return name + Arrays.toString(shape);
    }
}
