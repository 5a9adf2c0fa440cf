package io.hyperprune.api;

/**
 * The range of the complexity parameter lambda a hypernetwork serves (METHOD.md, "Hypernetwork";
 * reference [0.001, 100]) and its normalised form t = (ln lambda - ln min) / (ln max - ln min).
 */
public record LambdaRange(double min, double max) {

    public static final LambdaRange REFERENCE = new LambdaRange(0.001, 100);

    public LambdaRange {
        if (!(min > 0) || !(max > min) || !Double.isFinite(max)) {
            throw new InputException("lambda range [" + min + ", " + max + "] is invalid: need 0 < min < max;"
                    + " fix it with --lambda-range <min>:<max>, e.g. 0.001:100");
        }
    }

    /** t for the given lambda; 0 at min, 1 at max, outside [0, 1] for lambdas outside the range. */
    public double normalize(double lambda) {
        if (!(lambda > 0)) {
            throw new InputException("lambda must be positive, got " + lambda);
        }
        return (Math.log(lambda) - Math.log(min)) / (Math.log(max) - Math.log(min));
    }

    /** lambda = 10^u for u in [log10 min, log10 max]; {@code unit} in [0, 1] is the position of u. */
    public double logUniform(double unit) {
        double lo = Math.log10(min);
        double hi = Math.log10(max);
        return Math.pow(10, lo + unit * (hi - lo));
    }
}
