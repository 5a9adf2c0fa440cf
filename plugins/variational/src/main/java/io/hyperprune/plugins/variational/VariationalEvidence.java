package io.hyperprune.plugins.variational;

import io.hyperprune.api.ComponentOptions;
import io.hyperprune.api.ParameterSpec;
import java.util.Map;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.factory.Nd4j;

/**
 * L1(lambda) = -lambda KL(q || p) + E_q log p(D|w) (METHOD.md, eq. 1; reference model kind "var"):
 * the KL term to the fixed prior N(0, sigma_pr^2) scaled by lambda. Penalty per parameter tensor:
 * lambda * KL(q || N(0, sigma_pr^2)).
 */
public final class VariationalEvidence extends GaussianEvidence {

    @Override
    public String id() {
        return "variational";
    }

    @Override
    public String description() {
        return "L1: mean-field Gaussian posterior, loss = CE + lambda * KL(q || N(0, sigma_pr^2)) / m";
    }

    @Override
    public SDVariable penalty(
            SameDiff sd,
            ParameterSpec parameter,
            Map<String, SDVariable> posterior,
            SDVariable lambda,
            ComponentOptions options) {
        double priorSigma = GaussianPosterior.priorSigma(options);
        SDVariable kl = GaussianPosterior.kl(
                sd,
                parameter,
                posterior,
                sd.constant(Nd4j.scalar((float) Math.log(priorSigma))),
                sd.constant(Nd4j.scalar((float) (1.0 / (priorSigma * priorSigma)))));
        return kl.mul(lambda);
    }
}
