package io.hyperprune.engine.graph;

import io.hyperprune.api.ComponentOptions;
import io.hyperprune.api.Evidence;
import io.hyperprune.api.Hypernetwork;
import io.hyperprune.api.ParameterSpec;
import io.hyperprune.api.PosteriorTensor;
import io.hyperprune.api.TensorSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The posterior part of the graph: the hypernetwork generates an evidence's posterior tensors for K
 * models, from which the evidence builds per parameter the sampled training weight, the (masked)
 * evaluation weight and the penalty; the pieces the plugins built are checked once.
 *
 * @param training the training weights, in {@link ModelSpec#parameters()} order
 * @param evaluation the evaluation weights (weight tensors times their keep-mask), in the same order
 * @param posteriorTensors the evidence's posterior tensors by parameter name
 * @param penalty the sum of the parameters' penalties, [K]
 */
record Posterior(
        List<SDVariable> training,
        List<SDVariable> evaluation,
        Map<String, List<PosteriorTensor>> posteriorTensors,
        SDVariable penalty) {

    /**
     * Adds the posterior to the graph.
     *
     * @param t the hypernetwork's input [K]
     * @param lambda the penalty's lambda [K]
     * @param seed seeds the initial values (each tensor gets its own seed derived from this and its name)
     */
    static Posterior build(
            SameDiff sd,
            List<ParameterSpec> parameters,
            Evidence evidence,
            ComponentOptions evidenceOptions,
            Hypernetwork hypernetwork,
            ComponentOptions hypernetworkOptions,
            PluginOutputs outputs,
            SDVariable t,
            SDVariable lambda,
            int models,
            long seed) {
        PluginOutputs.Plugin evidencePlugin = new PluginOutputs.Plugin(Evidence.class, evidence);
        PluginOutputs.Plugin hypernetworkPlugin = new PluginOutputs.Plugin(Hypernetwork.class, hypernetwork);
        Hypernetwork.Generator generator = hypernetwork.attach(sd, t, hypernetworkOptions);
        List<SDVariable> trainingWeights = new ArrayList<>();
        List<SDVariable> evaluationWeights = new ArrayList<>();
        Map<String, List<PosteriorTensor>> posteriorTensors = new LinkedHashMap<>();
        SDVariable penalty = null;
        for (ParameterSpec parameter : parameters) {
            List<PosteriorTensor> tensors = evidence.posterior(parameter, evidenceOptions);
            posteriorTensors.put(parameter.name(), tensors);
            Map<String, SDVariable> posterior = new LinkedHashMap<>();
            for (PosteriorTensor tensor : tensors) {
                String name = parameter.name() + "/" + tensor.role();
                SDVariable generated = generator.generate(
                        new TensorSpec(name, parameter.shape(), tensor.init(), ModelGraph.mix(seed, name)));
                if (generated.name().startsWith(ModelGraph.POSTERIOR_PREFIX)) {
                    throw new ComponentFault(
                            Hypernetwork.class,
                            hypernetwork,
                            "generate returned for tensor " + name + " the variable it returned for "
                                    + generated.name().substring(ModelGraph.POSTERIOR_PREFIX.length())
                                    + "; generate one variable per tensor");
                }
                posterior.put(tensor.role(), generated.rename(ModelGraph.POSTERIOR_PREFIX + name));
                outputs.expectModelAxis(hypernetworkPlugin, "generate's tensor " + name, generated, parameter.shape());
            }
            // One noise placeholder per parameter: slicing one [K, P] input cost a strided slice and a
            // reshape per parameter and step.
            SDVariable noise = evidence.stochastic()
                    ? sd.placeHolder(
                            ModelGraph.EPS_PREFIX + parameter.name(),
                            DataType.FLOAT,
                            ModelGraph.withModelAxis(models, parameter.shape()))
                    : null;
            SDVariable trainingWeight = evidence.trainingWeight(sd, parameter, posterior, noise, evidenceOptions);
            outputs.expectModelAxis(
                    evidencePlugin,
                    "trainingWeight of parameter " + parameter.name(),
                    trainingWeight,
                    parameter.shape());
            trainingWeights.add(trainingWeight);
            SDVariable mean = evidence.evaluationWeight(sd, parameter, posterior, evidenceOptions);
            outputs.expectModelAxis(
                    evidencePlugin, "evaluationWeight of parameter " + parameter.name(), mean, parameter.shape());
            if (parameter.kind() == ParameterSpec.Kind.WEIGHT) {
                // One mask per model: a pruning sweep evaluates K lambdas, each with its own mask, in one pass.
                mean = mean.mul(sd.placeHolder(
                        ModelGraph.MASK_PREFIX + parameter.name(),
                        DataType.FLOAT,
                        ModelGraph.withModelAxis(models, parameter.shape())));
            }
            evaluationWeights.add(mean);
            SDVariable term = evidence.penalty(sd, parameter, posterior, lambda, evidenceOptions);
            outputs.expectShape(evidencePlugin, "penalty of parameter " + parameter.name(), term, new long[] {models});
            penalty = penalty == null ? term : penalty.add(term);
        }
        outputs.verify(sd, probeInputs(parameters, models, evidence.stochastic()));
        return new Posterior(trainingWeights, evaluationWeights, posteriorTensors, penalty);
    }

    /** Inputs for checking the plugins' pieces once: mid-range t, lambda 1, zero noise. */
    private static Map<String, INDArray> probeInputs(List<ParameterSpec> parameters, int models, boolean stochastic) {
        Map<String, INDArray> inputs = new HashMap<>();
        inputs.put(ModelGraph.T, Nd4j.valueArrayOf(new long[] {models}, 0.5f));
        inputs.put(ModelGraph.LAMBDA, Nd4j.valueArrayOf(new long[] {models}, 1f));
        if (stochastic) {
            for (ParameterSpec parameter : parameters) {
                inputs.put(
                        ModelGraph.EPS_PREFIX + parameter.name(),
                        Nd4j.zeros(DataType.FLOAT, ModelGraph.withModelAxis(models, parameter.shape())));
            }
        }
        return inputs;
    }
}
