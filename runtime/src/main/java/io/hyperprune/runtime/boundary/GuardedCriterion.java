package io.hyperprune.runtime.boundary;

import io.hyperprune.api.ComponentOptions;
import io.hyperprune.api.PosteriorView;
import io.hyperprune.api.PruningCriterion;
import io.hyperprune.engine.graph.TensorChecks;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import org.nd4j.linalg.api.ndarray.INDArray;

/** A pruning criterion whose scores are checked against {@link PruningCriterion}'s contract. */
final class GuardedCriterion extends GuardedComponent<PruningCriterion> implements PruningCriterion {

    GuardedCriterion(PruningCriterion delegate, PluginRef plugin, String description, Map<String, String> options) {
        super(delegate, plugin, description, options);
    }

    @Override
    public INDArray scores(PosteriorView parameter, long seed, ComponentOptions options) {
        String name = parameter.parameter().name();
        long[] expected = parameter.parameter().shape();
        INDArray mean = parameter.mean().dup();
        Optional<INDArray> sigma = parameter.sigma().map(INDArray::dup);
        INDArray scores = call("scores", () -> delegate.scores(parameter, seed, options));
        if (scores == null) {
            throw fault("scores returned null for parameter " + name + "; return one score per weight");
        }
        if (!Arrays.equals(scores.shape(), expected)) {
            throw fault("scores returned shape " + Arrays.toString(scores.shape()) + " for parameter " + name
                    + " of shape " + Arrays.toString(expected)
                    + "; return one score per weight, in the parameter's shape (same order)");
        }
        Optional<String> bad = TensorChecks.firstNonFinite(scores);
        if (bad.isPresent()) {
            throw fault("scores of parameter " + name + " are not all finite: " + bad.get()
                    + "; return a large finite value instead of infinity or NaN");
        }
        if (changed(mean, parameter.mean())
                || sigma.isPresent() && changed(sigma.get(), parameter.sigma().get())) {
            throw fault("scores modified its input (the posterior of parameter " + name
                    + "); the input arrays must not be" + " modified: compute on copies (e.g. mul instead of muli)");
        }
        return scores;
    }

    private static boolean changed(INDArray before, INDArray after) {
        return before.sub(after).amaxNumber().doubleValue() != 0;
    }
}
