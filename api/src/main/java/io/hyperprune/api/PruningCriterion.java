package io.hyperprune.api;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A pruning criterion g(w) of METHOD.md, "Pruning": a score per scalar parameter; the parameters with
 * the lowest scores are deleted first ({@link PruningMasks} turns scores into masks with exact
 * fractions and deterministic ties).
 *
 * <p>Contract: the returned array has the parameter's shape, every value is finite (use a large
 * finite value rather than infinity), and the result depends only on the arguments (a random
 * criterion derives its randomness from {@code seed}). The input arrays must not be modified.
 * Monotone transformations do not change the masks, so a criterion g ~ exp(x) may return x.
 */
public interface PruningCriterion extends Component {

    /**
     * Scores one parameter tensor of one concrete model.
     *
     * @param parameter the posterior mean (and sigma, for variational kinds) of the tensor
     * @param seed a seed derived from the run and the tensor's name, for criteria that need randomness
     */
    INDArray scores(PosteriorView parameter, long seed, ComponentOptions options);
}
