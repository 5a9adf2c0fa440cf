package io.hyperprune.plugins.variational;

import io.hyperprune.api.ComponentOptions;
import io.hyperprune.api.InputException;
import io.hyperprune.api.ParameterInit;
import io.hyperprune.api.ParameterSpec;
import io.hyperprune.api.PosteriorTensor;
import io.hyperprune.api.PosteriorView;
import java.util.List;
import java.util.Map;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The mean-field Gaussian posterior q(w) = N(mu, sigma^2) shared by L1 and L2 (METHOD.md, "Given"):
 * every parameter has a mean and a log-sigma, sigma = 1e-5 + exp(log_sigma), log-sigma starts at -3,
 * and the closed-form KL to a zero-mean Gaussian prior.
 */
final class GaussianPosterior {

    static final String MEAN = "mean";
    static final String LOG_SIGMA = "log-sigma";
    /** Added to sigma for numerical stability, as the reference does. */
    static final double SIGMA_FLOOR = 1e-5;

    static final String PRIOR_SIGMA = "prior-sigma";
    static final String INITIAL_LOG_SIGMA = "initial-log-sigma";
    static final Map<String, String> OPTIONS = Map.of(
            PRIOR_SIGMA, "standard deviation sigma_pr of the prior N(0, sigma_pr^2) (default 1)",
            INITIAL_LOG_SIGMA, "initial value of every log-sigma tensor (default -3)");

    private GaussianPosterior() {}

    static double priorSigma(ComponentOptions options) {
        double sigma = options.getDouble(PRIOR_SIGMA, 1.0);
        if (!(sigma > 0) || !Double.isFinite(sigma)) {
            throw new InputException("option '" + PRIOR_SIGMA + "' of component '" + options.component()
                    + "' must be a positive number, got " + sigma);
        }
        return sigma;
    }

    static List<PosteriorTensor> tensors(ParameterSpec parameter, ComponentOptions options) {
        return List.of(
                new PosteriorTensor(MEAN, ParameterInit.xavier(parameter)),
                new PosteriorTensor(LOG_SIGMA, ParameterInit.constant(options.getDouble(INITIAL_LOG_SIGMA, -3.0))));
    }

    /**
     * sigma = 1e-5 + exp(log_sigma), shape of log_sigma. Built once per graph and log-sigma tensor (the
     * sample and the KL share it), found again by its name: SameDiff does not merge equal sub-graphs.
     */
    static SDVariable sigma(SameDiff sd, SDVariable logSigma) {
        String name = logSigma.name() + "/sigma";
        if (sd.hasVariable(name)) {
            return sd.getVariable(name);
        }
        return sd.math().exp(logSigma).add(SIGMA_FLOOR).rename(name);
    }

    /** One reparametrised sample w = mu + sigma * eps. */
    static SDVariable sample(SameDiff sd, Map<String, SDVariable> posterior, SDVariable noise) {
        SDVariable mu = posterior.get(MEAN);
        return mu.add(sigma(sd, posterior.get(LOG_SIGMA)).mul(noise));
    }

    /**
     * KL(N(mu, sigma^2) || N(0, s^2)) = ln(s / sigma) + (sigma^2 + mu^2) / (2 s^2) - 1/2 summed over
     * all elements of one model (METHOD.md), written with the prior precision {@code 1 / s^2} =
     * {@code precision} and {@code ln s} = {@code logPriorSigma}, both of shape [K, 1, ..., 1] or scalar.
     * Returns shape [K].
     *
     * <p>Summed in closed form, n (ln s - 1/2) - sum ln sigma + (sum sigma^2 + sum mu^2) / (2 s^2) with n
     * elements per model, so only four operations touch the whole tensor (log, sum and two squared
     * norms) and the rest works on [K]: on a hypernetwork's [K, 784, 50] tensors the element-wise
     * form's ten full-size operations and their gradients were ~15 % of a step.
     */
    static SDVariable kl(
            SameDiff sd,
            ParameterSpec parameter,
            Map<String, SDVariable> posterior,
            SDVariable logPriorSigma,
            SDVariable precision) {
        SDVariable mu = posterior.get(MEAN);
        SDVariable sigma = sigma(sd, posterior.get(LOG_SIGMA));
        int[] axes = elementAxes(parameter);
        SDVariable squares = sd.squaredNorm(sigma, axes).add(sd.squaredNorm(mu, axes));
        SDVariable logSigmaSum = sd.math().log(sigma).sum(axes);
        return squares.mul(precision.mul(0.5))
                .sub(logSigmaSum)
                .add(logPriorSigma.sub(0.5).mul((double) parameter.size()));
    }

    /** The axes of one model's elements: every axis but the leading model axis. */
    static int[] elementAxes(ParameterSpec parameter) {
        int[] axes = new int[parameter.shape().length];
        for (int i = 0; i < axes.length; i++) {
            axes[i] = i + 1;
        }
        return axes;
    }

    static PosteriorView view(ParameterSpec parameter, Map<String, INDArray> posterior) {
        INDArray mean = posterior.get(MEAN);
        INDArray sigma = Transforms.exp(posterior.get(LOG_SIGMA), true).addi(SIGMA_FLOOR);
        return PosteriorView.gaussian(parameter, mean, sigma);
    }
}
