package io.hyperprune.plugins.variational;

import io.hyperprune.api.ComponentOptions;
import io.hyperprune.api.Evidence;
import io.hyperprune.api.ParameterInit;
import io.hyperprune.api.ParameterSpec;
import io.hyperprune.api.PosteriorTensor;
import io.hyperprune.api.PosteriorView;
import java.util.List;
import java.util.Map;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * L3(lambda) = -lambda ||w||^2 + log p(D|w) (METHOD.md, eq. 3 with the slides' sign typo corrected;
 * reference model kind "base"): a deterministic net with an L2 penalty. Penalty per parameter tensor:
 * lambda * sum(w^2) / sigma_pr, as in the reference code.
 */
public final class WeightDecayEvidence implements Evidence {

    static final String VALUE = "value";

    @Override
    public String id() {
        return "weight-decay";
    }

    @Override
    public String description() {
        return "L3: deterministic weights, loss = CE + lambda * sum(w^2) / sigma_pr / m";
    }

    @Override
    public Map<String, String> options() {
        return Map.of(GaussianPosterior.PRIOR_SIGMA, "sigma_pr dividing the squared norm (default 1)");
    }

    @Override
    public List<PosteriorTensor> posterior(ParameterSpec parameter, ComponentOptions options) {
        return List.of(new PosteriorTensor(VALUE, ParameterInit.xavier(parameter)));
    }

    @Override
    public boolean stochastic() {
        return false;
    }

    @Override
    public SDVariable trainingWeight(
            SameDiff sd,
            ParameterSpec parameter,
            Map<String, SDVariable> posterior,
            SDVariable noise,
            ComponentOptions options) {
        return posterior.get(VALUE);
    }

    @Override
    public SDVariable evaluationWeight(
            SameDiff sd, ParameterSpec parameter, Map<String, SDVariable> posterior, ComponentOptions options) {
        return posterior.get(VALUE);
    }

    @Override
    public SDVariable penalty(
            SameDiff sd,
            ParameterSpec parameter,
            Map<String, SDVariable> posterior,
            SDVariable lambda,
            ComponentOptions options) {
        double priorSigma = GaussianPosterior.priorSigma(options);
        SDVariable w = posterior.get(VALUE);
        return sd.squaredNorm(w, GaussianPosterior.elementAxes(parameter))
                .mul(lambda)
                .div(priorSigma);
    }

    @Override
    public PosteriorView view(ParameterSpec parameter, Map<String, INDArray> posterior, ComponentOptions options) {
        return PosteriorView.deterministic(parameter, posterior.get(VALUE));
    }
}
