package io.hyperprune.plugins.variational;

import io.hyperprune.api.ComponentOptions;
import io.hyperprune.api.Evidence;
import io.hyperprune.api.ParameterSpec;
import io.hyperprune.api.PosteriorTensor;
import io.hyperprune.api.PosteriorView;
import java.util.List;
import java.util.Map;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * L2(lambda) = -KL(q || p(w|lambda)) + E_q log p(D|w), p(w|lambda) = N(0, sigma_pr^2 / lambda)
 * (METHOD.md, eq. 2; reference model kind "rep"): the prior's covariance shrinks as lambda grows.
 * Penalty per parameter tensor: KL(q || N(0, sigma_pr^2 / lambda)), i.e. with prior std
 * s = sigma_pr / sqrt(lambda): ln s = ln sigma_pr - ln(lambda) / 2 and 1 / s^2 = lambda / sigma_pr^2.
 */
public final class PriorScaledEvidence implements Evidence {

    @Override
    public String id() {
        return "prior-scaled";
    }

    @Override
    public String description() {
        return "L2: mean-field Gaussian posterior, loss = CE + KL(q || N(0, sigma_pr^2 / lambda)) / m";
    }

    @Override
    public Map<String, String> options() {
        return GaussianPosterior.OPTIONS;
    }

    @Override
    public List<PosteriorTensor> posterior(ParameterSpec parameter, ComponentOptions options) {
        return GaussianPosterior.tensors(parameter, options);
    }

    @Override
    public boolean stochastic() {
        return true;
    }

    @Override
    public SDVariable trainingWeight(SameDiff sd, ParameterSpec parameter, Map<String, SDVariable> posterior,
            SDVariable noise, ComponentOptions options) {
        return GaussianPosterior.sample(sd, posterior, noise);
    }

    @Override
    public SDVariable evaluationWeight(SameDiff sd, ParameterSpec parameter, Map<String, SDVariable> posterior,
            ComponentOptions options) {
        return posterior.get(GaussianPosterior.MEAN);
    }

    @Override
    public SDVariable penalty(SameDiff sd, ParameterSpec parameter, Map<String, SDVariable> posterior,
            SDVariable lambda, ComponentOptions options) {
        double priorSigma = GaussianPosterior.priorSigma(options);
        SDVariable perModel = GaussianPosterior.perModel(lambda, parameter);
        SDVariable logPriorSigma = sd.math().log(perModel).mul(-0.5).add(Math.log(priorSigma));
        SDVariable precision = perModel.div(priorSigma * priorSigma);
        return GaussianPosterior.kl(sd, parameter, posterior, logPriorSigma, precision);
    }

    @Override
    public PosteriorView view(ParameterSpec parameter, Map<String, INDArray> posterior, ComponentOptions options) {
        return GaussianPosterior.view(parameter, posterior);
    }
}
