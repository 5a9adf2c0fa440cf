package io.hyperprune.engine.graph;

import static java.util.Objects.requireNonNull;

import io.hyperprune.api.ComponentOptions;
import io.hyperprune.api.Evidence;
import io.hyperprune.api.Hypernetwork;
import io.hyperprune.api.InputException;
import io.hyperprune.api.ParameterSpec;
import io.hyperprune.api.PosteriorTensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * The one SameDiff graph of a run: hypernetwork → posterior tensors → (training) sampled weights and
 * (evaluation) masked means → forward pass → per-model cross-entropy and penalty → loss.
 *
 * <p>K models are evaluated per pass (the model axis): K = 1 for a plain model, K = S lambda samples
 * for a hypernetwork. Inputs are placeholders: {@value #X} [B, ...sample], {@value #Y} one-hot [B, C],
 * {@value #LAMBDA} and {@value #T} [K], standard-normal noise {@code eps/<parameter>} [K, ...shape] per
 * parameter (stochastic evidences only) and a keep-mask per weight tensor ({@code mask/<name>}).
 * Per model k: loss_k = mean_b CE + (sum of penalties) / m; the trained loss is the mean over k
 * (METHOD.md: the average of the per-lambda losses), given to SameDiff as the two loss variables
 * {@value #CE} (mean CE) and {@value #PENALTY} (mean penalty / m). For K independent plain models
 * (one per lambda, {@link ConstantHypernetwork#independent}) it is the sum over k instead, so that
 * every model's gradient, clipped value and Adam step are exactly those it would get alone.
 *
 * <p>This class builds the graph from its parts ({@code Posterior}: the posterior tensors and weights;
 * {@code Forward}: the layers' forward pass; {@code Loss}: the loss variables), restores a saved graph,
 * and holds the graph's metadata and names.
 */
public final class ModelGraph {

    public static final String X = "x";
    public static final String Y = "y";
    public static final String EPS_PREFIX = "eps/";
    public static final String LAMBDA = "lambda";
    public static final String T = "t";
    public static final String CE = "ce";
    public static final String PENALTY = "penalty";
    static final String LOGITS_TRAIN = "logits-train";
    public static final String LOGITS_EVAL = "logits-eval";
    public static final String MASK_PREFIX = "mask/";
    public static final String POSTERIOR_PREFIX = "posterior/";
    /** Marks graphs whose forward pass takes any number of models (graphs saved before it took K only). */
    static final String FIRST_LAYER_SHAPE = "first-layer-shape";

    private final SameDiff sd;
    private final ModelSpec model;
    private final List<ParameterSpec> parameters;
    private final Map<String, List<PosteriorTensor>> posteriorTensors;
    private final int models;
    private final long noiseSize;
    private final boolean stochastic;

    private ModelGraph(
            SameDiff sd,
            ModelSpec model,
            List<ParameterSpec> parameters,
            Map<String, List<PosteriorTensor>> posteriorTensors,
            int models,
            long noiseSize,
            boolean stochastic) {
        this.sd = sd;
        this.model = model;
        this.parameters = List.copyOf(parameters);
        this.posteriorTensors = Map.copyOf(posteriorTensors);
        this.models = models;
        this.noiseSize = noiseSize;
        this.stochastic = stochastic;
    }

    /**
     * Builds the graph.
     *
     * @param models K, the models per pass
     * @param trainingSamples m of the penalty's 1/m
     * @param seed seeds the initial values (each tensor gets its own seed derived from this and its name)
     */
    public static ModelGraph build(
            ModelSpec model,
            Evidence evidence,
            ComponentOptions evidenceOptions,
            Hypernetwork hypernetwork,
            ComponentOptions hypernetworkOptions,
            int models,
            long trainingSamples,
            long seed) {
        return build(
                model,
                evidence,
                evidenceOptions,
                hypernetwork,
                hypernetworkOptions,
                models,
                false,
                trainingSamples,
                seed);
    }

    /**
     * Builds the graph.
     *
     * @param independent true: the K models are independent plain models and the loss is their sum
     */
    public static ModelGraph build(
            ModelSpec model,
            Evidence pluginEvidence,
            ComponentOptions evidenceOptions,
            Hypernetwork pluginHypernetwork,
            ComponentOptions hypernetworkOptions,
            int models,
            boolean independent,
            long trainingSamples,
            long seed) {
        requireNonNull(model, "model is null");
        Evidence evidence = requireNonNull(pluginEvidence, "evidence is null");
        Hypernetwork hypernetwork = requireNonNull(pluginHypernetwork, "hypernetwork is null");
        PluginOutputs outputs = new PluginOutputs(models);
        if (models < 1) {
            throw new IllegalArgumentException("models per pass must be >= 1, got " + models);
        }
        SameDiff sd = SameDiff.create();
        List<ParameterSpec> parameters = model.parameters();
        long[] sampleShape =
                model.kind() == ModelSpec.Kind.CONV ? new long[] {-1, 3, 32, 32} : new long[] {-1, model.inputSize()};
        SDVariable x = sd.placeHolder(X, DataType.FLOAT, sampleShape);
        SDVariable y = sd.placeHolder(Y, DataType.FLOAT, -1, model.outputSize());
        SDVariable lambda = sd.placeHolder(LAMBDA, DataType.FLOAT, models);
        SDVariable t = sd.placeHolder(T, DataType.FLOAT, models);
        long noiseSize = parameters.stream().mapToLong(ParameterSpec::size).sum();

        Posterior posterior = Posterior.build(
                sd,
                parameters,
                evidence,
                evidenceOptions,
                hypernetwork,
                hypernetworkOptions,
                outputs,
                t,
                lambda,
                models,
                seed);

        SDVariable logitsTrain =
                Forward.logits(sd, model, x, posterior.training(), models).rename(LOGITS_TRAIN);
        Forward.logits(sd, model, x, posterior.evaluation(), models).rename(LOGITS_EVAL);
        Loss.attach(sd, y, logitsTrain, model.outputSize(), posterior.penalty(), models, independent, trainingSamples);
        return new ModelGraph(
                sd, model, parameters, posterior.posteriorTensors(), models, noiseSize, evidence.stochastic());
    }

    /**
     * Wraps a graph saved by a run (with {@code sd.save}) and loaded again: the metadata is derived from
     * the model spec and the evidence exactly as {@link #build} derived it.
     */
    public static ModelGraph restore(
            SameDiff loaded, ModelSpec model, Evidence pluginEvidence, ComponentOptions evidenceOptions, int models) {
        Evidence evidence = requireNonNull(pluginEvidence, "evidence is null");
        List<ParameterSpec> parameters = model.parameters();
        Map<String, List<PosteriorTensor>> posteriorTensors = new LinkedHashMap<>();
        for (ParameterSpec parameter : parameters) {
            posteriorTensors.put(parameter.name(), evidence.posterior(parameter, evidenceOptions));
        }
        long noiseSize = parameters.stream().mapToLong(ParameterSpec::size).sum();
        if (loaded.hasVariable("eps")) {
            throw new InputException("the saved model was written by an earlier hyperprune 0.1 snapshot whose graph"
                    + " format is no longer read; train the run again");
        }
        ParameterSpec firstWeight = parameters.get(0);
        if (loaded.hasVariable(MASK_PREFIX + firstWeight.name())
                && loaded.getVariable(MASK_PREFIX + firstWeight.name()).placeholderShape().length
                        == firstWeight.shape().length) {
            throw new InputException("the saved model was written by an earlier hyperprune 0.1 snapshot (one"
                    + " pruning mask for all models); train the run again");
        }
        if (!loaded.hasVariable(LOGITS_EVAL) || !loaded.hasVariable(X)) {
            throw new InputException("the saved model is not a hyperprune training graph (no '" + LOGITS_EVAL
                    + "' output); was it written by 'hyperprune generate'? Use the run directory instead");
        }
        return new ModelGraph(loaded, model, parameters, posteriorTensors, models, noiseSize, evidence.stochastic());
    }

    /** [models, ...shape]. */
    public static long[] withModelAxis(int models, long[] shape) {
        long[] result = new long[shape.length + 1];
        result[0] = models;
        System.arraycopy(shape, 0, result, 1, shape.length);
        return result;
    }

    /** A per-tensor seed: SplitMix64 of the run seed combined with the tensor name. */
    public static long mix(long seed, String name) {
        long z = seed * 0x9E3779B97F4A7C15L + name.hashCode();
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    public SameDiff sameDiff() {
        return sd;
    }

    public ModelSpec model() {
        return model;
    }

    public List<ParameterSpec> parameters() {
        return parameters;
    }

    public Map<String, List<PosteriorTensor>> posteriorTensors() {
        return posteriorTensors;
    }

    /** K, the models per pass. */
    public int models() {
        return models;
    }

    /** P, the length of one model's noise vector. */
    public long noiseSize() {
        return noiseSize;
    }

    public boolean stochastic() {
        return stochastic;
    }

    /**
     * Whether the evaluation outputs take any number of models per pass, not only K (an MLP of K > 1
     * built by this version): a pass can then evaluate every lambda of a list at once.
     */
    public boolean evaluatesAnyModelCount() {
        return models > 1 && model.kind() == ModelSpec.Kind.MLP && sd.hasVariable(FIRST_LAYER_SHAPE);
    }
}
