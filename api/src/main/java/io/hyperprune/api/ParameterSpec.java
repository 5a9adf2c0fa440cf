package io.hyperprune.api;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;

/**
 * One parameter tensor w_j of the model f(x, w) (METHOD.md, "Given"): a layer's weight matrix, conv
 * kernel or bias vector.
 *
 * @param name unique within the model, e.g. {@code dense0/W}; used to name SameDiff variables
 * @param shape the tensor's shape as the forward pass uses it (dense weight {@code [in, out]}, bias
 *     {@code [out]}, conv kernel {@code [kH, kW, inChannels, outChannels]})
 * @param kind weight or bias: the reference prunes weights and keeps biases
 * @param fanIn inputs feeding one output unit (for initialisation)
 * @param fanOut outputs fed by one input unit (for initialisation)
 */
public record ParameterSpec(String name, long[] shape, Kind kind, long fanIn, long fanOut) {

    /** Weights are pruned; biases are kept (reference procedure). */
    public enum Kind {
        WEIGHT,
        BIAS
    }

    public ParameterSpec {
        requireNonNull(name, "name is null");
        requireNonNull(kind, "kind is null");
        shape = requireNonNull(shape, "shape is null").clone();
        for (long d : shape) {
            if (d <= 0) {
                throw new IllegalArgumentException(
                        "shape of " + name + " has a non-positive dimension: " + Arrays.toString(shape));
            }
        }
        if (fanIn <= 0 || fanOut <= 0) {
            throw new IllegalArgumentException("fanIn and fanOut of " + name + " must be positive");
        }
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** Number of scalar parameters in the tensor. */
    public long size() {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ParameterSpec p
                && name.equals(p.name)
                && Arrays.equals(shape, p.shape)
                && kind == p.kind
                && fanIn == p.fanIn
                && fanOut == p.fanOut;
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
        return name + Arrays.toString(shape) + " " + kind;
    }
}
