package io.hyperprune.engine.train;

import static java.util.Objects.requireNonNull;

import io.hyperprune.api.InputException;
import io.hyperprune.api.LambdaRange;
import java.util.List;

/**
 * How one run trains (METHOD.md reference defaults for MNIST: Adam lr 5e-4, clip by value 1.0, batch
 * 256).
 *
 * @param lambdas the lambdas of a plain run (exactly one) or the per-epoch evaluation lambdas of a
 *     hypernetwork run
 * @param lambdaSamples S, lambdas drawn per mini-batch for a hypernetwork (ignored for plain runs)
 * @param range the lambda range a hypernetwork serves
 */
public record TrainingSettings(
        int epochs,
        int batchSize,
        double learningRate,
        double clipValue,
        long seed,
        List<Double> lambdas,
        int lambdaSamples,
        LambdaRange range) {

    /** Models in one graph pass (lambda samples, or a plain run's lambdas): bounds the graph's size. */
    public static final int MAX_MODELS_PER_PASS = 64;

    public static final List<Double> REFERENCE_LAMBDAS = List.of(0.001, 0.01, 0.1, 1.0, 10.0, 100.0);

    public TrainingSettings {
        lambdas = List.copyOf(requireNonNull(lambdas, "lambdas is null"));
        requireNonNull(range, "range is null");
        if (epochs < 0) {
            throw new InputException("--epochs must be >= 0, got " + epochs);
        }
        if (batchSize < 1) {
            throw new InputException("--batch-size must be >= 1, got " + batchSize);
        }
        if (!(learningRate > 0) || !Double.isFinite(learningRate)) {
            throw new InputException("--learning-rate must be a positive number, got " + learningRate);
        }
        if (!(clipValue > 0)) {
            throw new InputException("--clip must be positive (gradient clipping by value), got " + clipValue);
        }
        if (lambdaSamples < 1) {
            throw new InputException("--lambda-samples must be >= 1, got " + lambdaSamples);
        }
        if (lambdaSamples > MAX_MODELS_PER_PASS) {
            throw new InputException(
                    "--lambda-samples " + lambdaSamples + " is too many: at most " + MAX_MODELS_PER_PASS
                            + " (each sample is one more model in every training pass, so the step's memory and time grow with it;"
                            + " METHOD.md uses 5)");
        }
        if (lambdas.isEmpty()) {
            throw new InputException("at least one --lambda is needed");
        }
        if (lambdas.size() > MAX_MODELS_PER_PASS) {
            throw new InputException(
                    lambdas.size() + " lambdas are too many for one run: at most " + MAX_MODELS_PER_PASS
                            + " (a plain run trains one model per lambda side by side in one graph, and a run evaluates all its"
                            + " lambdas in one pass); split them over several runs (in an experiment: --one-run-per-lambda)");
        }
        for (double lambda : lambdas) {
            if (!(lambda > 0) || !Double.isFinite(lambda)) {
                throw new InputException("--lambda must be positive, got " + lambda + "; e.g. --lambda 1");
            }
        }
    }
}
