package io.hyperprune.runtime.selection;

import io.hyperprune.api.PruningMasks;

/**
 * One model a run can give: its lambda, pruned by a criterion at a deletion fraction.
 *
 * @param deletedFraction share of the weights deleted (biases are kept), in [0, 1)
 * @param remainingParameters parameters left: all biases plus the weights not deleted
 * @param validationAccuracy accuracy on the run's validation split, with the posterior means
 */
public record Candidate(
        double lambda,
        String criterion,
        PruningMasks.Scope scope,
        double deletedFraction,
        long remainingParameters,
        double validationAccuracy) {}
