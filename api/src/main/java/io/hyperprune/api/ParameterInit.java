package io.hyperprune.api;

import static java.util.Objects.requireNonNull;

import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * How a learned tensor starts: a constant (log-sigma: -3 in the reference), a symmetric uniform
 * (means: Xavier-like) or a zero-mean normal. Values are drawn from a {@link SplittableRandom} seeded
 * by the caller, so initialisation is reproducible and independent of ND4J's random generator.
 */
public record ParameterInit(Distribution distribution, double scale) {

    public enum Distribution {
        /** every element equals {@code scale} */
        CONSTANT,
        /** U(-scale, scale) */
        UNIFORM,
        /** N(0, scale^2) */
        NORMAL
    }

    public ParameterInit {
        requireNonNull(distribution, "distribution is null");
        if (!Double.isFinite(scale) || (distribution != Distribution.CONSTANT && scale < 0)) {
            throw new IllegalArgumentException("bad scale " + scale + " for " + distribution);
        }
    }

    public static ParameterInit constant(double value) {
        return new ParameterInit(Distribution.CONSTANT, value);
    }

    public static ParameterInit uniform(double bound) {
        return new ParameterInit(Distribution.UNIFORM, bound);
    }

    public static ParameterInit normal(double std) {
        return new ParameterInit(Distribution.NORMAL, std);
    }

    /** Xavier (Glorot) uniform for weights, U(-sqrt(6/(in+out)), +); biases likewise from their fan-in. */
    public static ParameterInit xavier(ParameterSpec parameter) {
        return uniform(Math.sqrt(6.0 / (parameter.fanIn() + parameter.fanOut())));
    }

    /** A new float32 array of the given shape with values drawn from {@code seed}. */
    public INDArray create(long[] shape, long seed) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        if (n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("tensor too large: " + n + " elements");
        }
        if (distribution == Distribution.CONSTANT) {
            return Nd4j.valueArrayOf(shape, (float) scale, DataType.FLOAT);
        }
        SplittableRandom random = new SplittableRandom(seed);
        float[] values = new float[(int) n];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float)
                    (distribution == Distribution.UNIFORM
                            ? (2 * random.nextDouble() - 1) * scale
                            : gaussian(random) * scale);
        }
        return Nd4j.create(values, shape, 'c');
    }

    private static double gaussian(SplittableRandom random) {
        // Box-Muller: SplittableRandom has no nextGaussian on Java 17.
        double u1 = 1.0 - random.nextDouble();
        double u2 = random.nextDouble();
        return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }
}
