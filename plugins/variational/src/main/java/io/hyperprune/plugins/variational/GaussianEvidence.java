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
 * What L1 and L2 share: the mean-field Gaussian posterior, one reparametrised sample for training,
 * the mean for evaluation and pruning. They differ only in the penalty.
 */
abstract class GaussianEvidence implements Evidence {

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
    public SDVariable trainingWeight(
            SameDiff sd,
            ParameterSpec parameter,
            Map<String, SDVariable> posterior,
            SDVariable noise,
            ComponentOptions options) {
        return GaussianPosterior.sample(sd, posterior, noise);
    }

    @Override
    public SDVariable evaluationWeight(
            SameDiff sd, ParameterSpec parameter, Map<String, SDVariable> posterior, ComponentOptions options) {
        return posterior.get(GaussianPosterior.MEAN);
    }

    @Override
    public PosteriorView view(ParameterSpec parameter, Map<String, INDArray> posterior, ComponentOptions options) {
        return GaussianPosterior.view(parameter, posterior);
    }
}
