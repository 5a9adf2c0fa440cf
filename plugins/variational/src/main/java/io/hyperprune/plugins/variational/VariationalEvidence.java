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
import org.nd4j.linalg.factory.Nd4j;

/**
 * L1(lambda) = -lambda KL(q || p) + E_q log p(D|w) (METHOD.md, eq. 1; reference model kind "var"):
 * the KL term to the fixed prior N(0, sigma_pr^2) scaled by lambda. Penalty per parameter tensor:
 * lambda * KL(q || N(0, sigma_pr^2)).
 */
public final class VariationalEvidence implements Evidence {

    @Override
    public String id() {
        return "variational";
    }

    @Override
    public String description() {
        return "L1: mean-field Gaussian posterior, loss = CE + lambda * KL(q || N(0, sigma_pr^2)) / m";
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
        SDVariable kl = GaussianPosterior.kl(sd, parameter, posterior,
                sd.constant(Nd4j.scalar((float) Math.log(priorSigma))),
                sd.constant(Nd4j.scalar((float) (1.0 / (priorSigma * priorSigma)))));
        return kl.mul(lambda);
    }

    @Override
    public PosteriorView view(ParameterSpec parameter, Map<String, INDArray> posterior, ComponentOptions options) {
        return GaussianPosterior.view(parameter, posterior);
    }
}
