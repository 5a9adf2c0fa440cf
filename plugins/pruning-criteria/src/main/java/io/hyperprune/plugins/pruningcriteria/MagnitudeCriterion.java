package io.hyperprune.plugins.pruningcriteria;

import io.hyperprune.api.ComponentOptions;
import io.hyperprune.api.PosteriorView;
import io.hyperprune.api.PruningCriterion;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Magnitude pruning, g(w) ~ exp(-w^2) (METHOD.md): score w^2 of the mean, ignoring sigma. */
public final class MagnitudeCriterion implements PruningCriterion {

    @Override
    public String id() {
        return "magnitude";
    }

    @Override
    public String description() {
        return "magnitude: delete the smallest |mu| (|w|), ignoring the posterior's sigma";
    }

    @Override
    public INDArray scores(PosteriorView parameter, long seed, ComponentOptions options) {
        return parameter.mean().mul(parameter.mean());
    }
}
