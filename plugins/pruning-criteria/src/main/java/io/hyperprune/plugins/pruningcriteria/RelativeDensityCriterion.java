package io.hyperprune.plugins.pruningcriteria;

import io.hyperprune.api.ComponentOptions;
import io.hyperprune.api.PosteriorView;
import io.hyperprune.api.PruningCriterion;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The relative density of METHOD.md, "Pruning": g(w) ~ exp(mu^2 / (2 sigma^2)) for the variational
 * kinds; returned as the monotone score mu^2 / sigma^2 (parameters whose posterior puts most mass near
 * zero go first). For a deterministic parameter the criterion's form is g(w) ~ exp(-w^2) with the
 * smallest |w| deleted first, i.e. the score w^2.
 */
public final class RelativeDensityCriterion implements PruningCriterion {

    /** Scores are capped here so they stay finite even for sigma near its 1e-5 floor. */
    static final double MAX_SCORE = 1e30;

    @Override
    public String id() {
        return "relative-density";
    }

    @Override
    public String description() {
        return "relative density: delete smallest mu^2/sigma^2 (variational) or smallest w^2 (deterministic)";
    }

    @Override
    public INDArray scores(PosteriorView parameter, long seed, ComponentOptions options) {
        INDArray mean = parameter.mean().castTo(DataType.DOUBLE);
        INDArray squared = mean.mul(mean);
        INDArray score = parameter
                .sigma()
                .map(sigma -> {
                    INDArray s = sigma.castTo(DataType.DOUBLE);
                    return squared.div(s.mul(s));
                })
                .orElse(squared);
        return Transforms.min(score, MAX_SCORE, false).castTo(DataType.FLOAT);
    }
}
