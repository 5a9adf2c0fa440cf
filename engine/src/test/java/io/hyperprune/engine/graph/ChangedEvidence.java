package io.hyperprune.engine.graph;

import io.hyperprune.api.ComponentOptions;
import io.hyperprune.api.Evidence;
import io.hyperprune.api.ParameterSpec;
import io.hyperprune.api.PosteriorTensor;
import io.hyperprune.api.PosteriorView;
import io.hyperprune.engine.train.TinyData;
import java.util.List;
import java.util.Map;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The bundled variational evidence under the id {@code changed}, for tests that override one of its
 * pieces to break the SPI's contract (here and in the runtime's boundary tests).
 */
public class ChangedEvidence implements Evidence {
    protected final Evidence real = TinyData.evidence("variational");

    @Override
    public String id() {
        return "changed";
    }

    @Override
    public String description() {
        return "test";
    }

    @Override
    public List<PosteriorTensor> posterior(ParameterSpec parameter, ComponentOptions options) {
        return real.posterior(parameter, options);
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
        return real.trainingWeight(sd, parameter, posterior, noise, options);
    }

    @Override
    public SDVariable evaluationWeight(
            SameDiff sd, ParameterSpec parameter, Map<String, SDVariable> posterior, ComponentOptions options) {
        return real.evaluationWeight(sd, parameter, posterior, options);
    }

    @Override
    public SDVariable penalty(
            SameDiff sd,
            ParameterSpec parameter,
            Map<String, SDVariable> posterior,
            SDVariable lambda,
            ComponentOptions options) {
        return real.penalty(sd, parameter, posterior, lambda, options);
    }

    @Override
    public PosteriorView view(ParameterSpec parameter, Map<String, INDArray> posterior, ComponentOptions options) {
        return real.view(parameter, posterior, options);
    }
}
