package io.hyperprune.engine.graph;

import static java.util.Objects.requireNonNull;

import io.hyperprune.api.ComponentOptions;
import io.hyperprune.api.Evidence;
import io.hyperprune.api.Hypernetwork;
import io.hyperprune.api.ParameterSpec;
import io.hyperprune.api.PosteriorTensor;
import io.hyperprune.api.TensorSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Conv2DConfig;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Pooling2DConfig;

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
        PluginOutputs.Plugin evidencePlugin = new PluginOutputs.Plugin(Evidence.class, evidence);
        PluginOutputs.Plugin hypernetworkPlugin = new PluginOutputs.Plugin(Hypernetwork.class, hypernetwork);
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
                SDVariable generated =
                        generator.generate(new TensorSpec(name, parameter.shape(), tensor.init(), mix(seed, name)));
                if (generated.name().startsWith(POSTERIOR_PREFIX)) {
                    throw new ComponentFault(
                            Hypernetwork.class,
                            hypernetwork,
                            "generate returned for tensor " + name + " the variable it returned for "
                                    + generated.name().substring(POSTERIOR_PREFIX.length())
                                    + "; generate one variable per tensor");
                }
                posterior.put(tensor.role(), generated.rename(POSTERIOR_PREFIX + name));
                outputs.expectModelAxis(hypernetworkPlugin, "generate's tensor " + name, generated, parameter.shape());
            }
            // One noise placeholder per parameter: slicing one [K, P] input cost a strided slice and a
            // reshape per parameter and step.
            SDVariable noise = evidence.stochastic()
                    ? sd.placeHolder(
                            EPS_PREFIX + parameter.name(), DataType.FLOAT, withModelAxis(models, parameter.shape()))
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
                        MASK_PREFIX + parameter.name(), DataType.FLOAT, withModelAxis(models, parameter.shape())));
            }
            evaluationWeights.add(mean);
            SDVariable term = evidence.penalty(sd, parameter, posterior, lambda, evidenceOptions);
            outputs.expectShape(evidencePlugin, "penalty of parameter " + parameter.name(), term, new long[] {models});
            penalty = penalty == null ? term : penalty.add(term);
        }
        outputs.verify(sd, probeInputs(parameters, models, evidence.stochastic()));

        SDVariable logitsTrain = forward(sd, model, x, trainingWeights, models).rename(LOGITS_TRAIN);
        forward(sd, model, x, evaluationWeights, models).rename(LOGITS_EVAL);
        // One fused, numerically stable softmax cross-entropy on [K*B, C] with the labels repeated per
        // model: mean_k CE_k = the mean over all K*B (model, sample) pairs; for independent models
        // sum_k CE_k = the sum weighted by 1/B. Its output must be the loss variable itself: SameDiff
        // M2.1's loss ops ignore the gradient flowing into them (a following "* K" or per-sample
        // reduction was silently dropped). Also, M2.1's logSoftmax is log(softmax): -inf times a 0
        // label gave NaN losses, and the written-out form cost ~3 ms per step more.
        SDVariable labels = y;
        if (models > 1) {
            SDVariable[] repeated = new SDVariable[models];
            java.util.Arrays.fill(repeated, y);
            labels = sd.concat(0, repeated);
        }
        SDVariable flatLogits = logitsTrain.reshape(-1, model.outputSize());
        SDVariable meanCe = independent && models > 1
                ? sd.loss()
                        .softmaxCrossEntropy(
                                CE,
                                labels,
                                flatLogits,
                                sd.sizeAt(y, 0).castTo(DataType.FLOAT).rdiv(1.0),
                                org.nd4j.autodiff.loss.LossReduce.SUM,
                                0.0)
                : sd.loss()
                        .softmaxCrossEntropy(
                                CE,
                                labels,
                                flatLogits,
                                null,
                                org.nd4j.autodiff.loss.LossReduce.MEAN_BY_NONZERO_WEIGHT_COUNT,
                                0.0);
        SDVariable penaltyPerSample = penalty.div((double) trainingSamples);
        // Two loss variables: SameDiff minimises their sum, mean_k CE_k + mean_k penalty_k / m = mean_k loss_k
        // (sums over k for independent models), and reports each one per step.
        SDVariable meanPenalty = independent ? sd.sum(PENALTY, penaltyPerSample) : sd.mean(PENALTY, penaltyPerSample);
        sd.setLossVariables(meanCe, meanPenalty);
        return new ModelGraph(sd, model, parameters, posteriorTensors, models, noiseSize, evidence.stochastic());
    }

    /** Inputs for checking the plugins' pieces once: mid-range t, lambda 1, zero noise. */
    private static Map<String, org.nd4j.linalg.api.ndarray.INDArray> probeInputs(
            List<ParameterSpec> parameters, int models, boolean stochastic) {
        Map<String, org.nd4j.linalg.api.ndarray.INDArray> inputs = new java.util.HashMap<>();
        inputs.put(T, org.nd4j.linalg.factory.Nd4j.valueArrayOf(new long[] {models}, 0.5f));
        inputs.put(LAMBDA, org.nd4j.linalg.factory.Nd4j.valueArrayOf(new long[] {models}, 1f));
        if (stochastic) {
            for (ParameterSpec parameter : parameters) {
                inputs.put(
                        EPS_PREFIX + parameter.name(),
                        org.nd4j.linalg.factory.Nd4j.zeros(DataType.FLOAT, withModelAxis(models, parameter.shape())));
            }
        }
        return inputs;
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
            throw new io.hyperprune.api.InputException(
                    "the saved model was written by an earlier hyperprune 0.1 snapshot whose graph"
                            + " format is no longer read; train the run again");
        }
        ParameterSpec firstWeight = parameters.get(0);
        if (loaded.hasVariable(MASK_PREFIX + firstWeight.name())
                && loaded.getVariable(MASK_PREFIX + firstWeight.name()).placeholderShape().length
                        == firstWeight.shape().length) {
            throw new io.hyperprune.api.InputException(
                    "the saved model was written by an earlier hyperprune 0.1 snapshot (one"
                            + " pruning mask for all models); train the run again");
        }
        if (!loaded.hasVariable(LOGITS_EVAL) || !loaded.hasVariable(X)) {
            throw new io.hyperprune.api.InputException(
                    "the saved model is not a hyperprune training graph (no '" + LOGITS_EVAL
                            + "' output); was it written by 'hyperprune generate'? Use the run directory instead");
        }
        return new ModelGraph(loaded, model, parameters, posteriorTensors, models, noiseSize, evidence.stochastic());
    }

    /**
     * The forward pass of f(x, w) for K models at once. Weights are {@code [K or 1, ...shape]} in
     * {@link ModelSpec#parameters()} order; returns logits [K, B, C].
     */
    static SDVariable forward(SameDiff sd, ModelSpec model, SDVariable x, List<SDVariable> weights, int models) {
        if (model.kind() == ModelSpec.Kind.CONV) {
            return convForward(sd, x, weights, models);
        }
        int layers = weights.size() / 2;
        if (models == 1) {
            // One model: plain 2-D matrix products (measured ~1.5x faster than the batched form).
            SDVariable h = x;
            for (int i = 0; i < layers; i++) {
                SDVariable w = weights.get(2 * i)
                        .reshape(model.layers().get(i), model.layers().get(i + 1));
                SDVariable b = weights.get(2 * i + 1).reshape(model.layers().get(i + 1));
                h = h.mmul(w).add(b);
                if (i + 1 < layers) {
                    h = sd.nn().relu(h, 0);
                }
            }
            return sd.expandDims(h, 0);
        }
        // First layer: one 2-D GEMM for all K models, x [B, in] times the weights laid side by side as
        // [in, K * out]. Tiling x to [K, B, in] for a batched product cost more than the whole rest of
        // the step (SameDiff's tile op: ~25 ms for K = 5 at batch 256).
        // No shape below names K: evaluation may pass more lambdas (and masks) than the K of training.
        long in = model.layers().get(0);
        long out = model.layers().get(1);
        SDVariable wide = weights.get(0).permute(1, 0, 2).reshape(in, -1);
        SDVariable batchByModelsByOut = sd.concat(
                0,
                sd.sizeAt(x, 0).castTo(DataType.LONG).reshape(1),
                sd.constant(org.nd4j.linalg.factory.Nd4j.createFromArray(-1L, out)));
        if (!sd.hasVariable(FIRST_LAYER_SHAPE)) {
            batchByModelsByOut.rename(FIRST_LAYER_SHAPE);
        }
        SDVariable h =
                sd.reshape(x.mmul(wide), batchByModelsByOut).permute(1, 0, 2).add(sd.expandDims(weights.get(1), 1));
        for (int i = 1; i < layers; i++) {
            h = sd.nn().relu(h, 0);
            h = sd.mmul(h, weights.get(2 * i)).add(sd.expandDims(weights.get(2 * i + 1), 1));
        }
        return h;
    }

    /** The reference CIFAR net, one model at a time along the model axis (convolutions do not batch over K). */
    private static SDVariable convForward(SameDiff sd, SDVariable x, List<SDVariable> weights, int models) {
        // Each model's tensors by squeeze (K = 1) or unstack, not get(SDIndex.point(k)): the gradient of a
        // strided slice fails in libnd4j M2.1 ("lengths of arrays are mismatched"), which stopped every
        // CIFAR run at its first step.
        // A tensor shared by all models ([1, ...shape], e.g. a bias the constant hypernetwork generates
        // once) is squeezed once and used by each.
        List<SDVariable[]> perModel = weights.stream()
                .map(tensor -> {
                    long[] shape = tensor.getShape();
                    if (models == 1 || shape != null && shape.length > 0 && shape[0] == 1) {
                        SDVariable[] same = new SDVariable[models];
                        java.util.Arrays.fill(same, sd.squeeze(tensor, 0));
                        return same;
                    }
                    return sd.unstack(tensor, 0, models);
                })
                .toList();
        SDVariable[] logits = new SDVariable[models];
        for (int k = 0; k < models; k++) {
            SDVariable h = x;
            int p = 0;
            for (int i = 0; i < ModelSpec.CONV_CHANNELS.length; i++) {
                SDVariable w = perModel.get(p++)[k];
                SDVariable b = perModel.get(p++)[k];
                h = sd.nn()
                        .relu(
                                sd.cnn()
                                        .conv2d(
                                                h,
                                                w,
                                                b,
                                                Conv2DConfig.builder()
                                                        .kH(3)
                                                        .kW(3)
                                                        .sH(1)
                                                        .sW(1)
                                                        .pH(1)
                                                        .pW(1)
                                                        .paddingMode(
                                                                org.nd4j.linalg.api.ops.impl.layers.convolution.config
                                                                        .PaddingMode.SAME)
                                                        .dataFormat("NCHW")
                                                        .build()),
                                0);
                if (i % 2 == 1) {
                    h = sd.cnn()
                            .maxPooling2d(
                                    h,
                                    Pooling2DConfig.builder()
                                            .kH(2)
                                            .kW(2)
                                            .sH(2)
                                            .sW(2)
                                            .isNHWC(false)
                                            .build());
                }
            }
            h = h.reshape(-1, ModelSpec.CONV_DENSE[0]);
            int denseLayers = ModelSpec.CONV_DENSE.length - 1;
            for (int i = 0; i < denseLayers; i++) {
                SDVariable w = perModel.get(p++)[k];
                SDVariable b = perModel.get(p++)[k];
                h = sd.mmul(h, w).add(b);
                if (i + 1 < denseLayers) {
                    h = sd.nn().relu(h, 0);
                }
            }
            logits[k] = h;
        }
        return sd.stack(0, logits);
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
