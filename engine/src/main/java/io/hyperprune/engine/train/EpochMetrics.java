package io.hyperprune.engine.train;

import java.util.List;

/**
 * One epoch's figures: means over the epoch's mini-batches of the trained loss, its cross-entropy and
 * its penalty (already divided by m), accuracy on the first 10,000 training samples and test accuracy, with the posterior means at each evaluation lambda, and wall seconds
 * of the training part (evaluation excluded). An epoch trained without evaluation has NaN losses and
 * no accuracies.
 */
public record EpochMetrics(
        int epoch,
        double loss,
        double crossEntropy,
        double penalty,
        List<Double> trainAccuracy,
        List<Double> lambdas,
        List<Double> testAccuracy,
        double trainSeconds,
        double evalSeconds) {

    public EpochMetrics {
        lambdas = List.copyOf(lambdas);
        testAccuracy = List.copyOf(testAccuracy);
        trainAccuracy = List.copyOf(trainAccuracy);
    }

    /** An epoch trained without evaluation: only the lambdas and the training time. */
    public static EpochMetrics notEvaluated(int epoch, List<Double> lambdas, double trainSeconds) {
        return new EpochMetrics(
                epoch, Double.NaN, Double.NaN, Double.NaN, List.of(), lambdas, List.of(), trainSeconds, 0);
    }

    /** False for an epoch trained without evaluation. */
    public boolean evaluated() {
        return !testAccuracy.isEmpty();
    }
}
