package io.hyperprune.plugins.variational;

import io.hyperprune.api.ComponentOptions;
import io.hyperprune.api.ParameterSpec;
import java.util.Map;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;

/**
 * L2(lambda) = -KL(q || p(w|lambda)) + E_q log p(D|w), p(w|lambda) = N(0, sigma_pr^2 / lambda)
 * (METHOD.md, eq. 2; reference model kind "rep"): the prior's covariance shrinks as lambda grows.
 * Penalty per parameter tensor: KL(q || N(0, sigma_pr^2 / lambda)), i.e. with prior std
 * s = sigma_pr / sqrt(lambda): ln s = ln sigma_pr - ln(lambda) / 2 and 1 / s^2 = lambda / sigma_pr^2.
 */
public final class PriorScaledEvidence extends GaussianEvidence {

    @Override
    public String id() {
        return "prior-scaled";
    }

    @Override
    public String description() {
        return "L2: mean-field Gaussian posterior, loss = CE + KL(q || N(0, sigma_pr^2 / lambda)) / m";
    }

    @Override
    public SDVariable penalty(
            SameDiff sd,
            ParameterSpec parameter,
            Map<String, SDVariable> posterior,
            SDVariable lambda,
            ComponentOptions options) {
        double priorSigma = GaussianPosterior.priorSigma(options);
        // Prior N(0, s^2 / lambda): ln s_k = ln s - ln(lambda_k) / 2, precision_k = lambda_k / s^2, both [K].
        SDVariable logPriorSigma = sd.math().log(lambda).mul(-0.5).add(Math.log(priorSigma));
        SDVariable precision = lambda.div(priorSigma * priorSigma);
        return GaussianPosterior.kl(sd, parameter, posterior, logPriorSigma, precision);
    }
}
