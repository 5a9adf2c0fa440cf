package io.hyperprune.engine.eval;

import static java.util.Objects.requireNonNull;

import io.hyperprune.api.DataSplit;
import io.hyperprune.api.Dataset;
import io.hyperprune.api.LambdaRange;
import io.hyperprune.api.ParameterSpec;
import io.hyperprune.api.PosteriorTensor;
import io.hyperprune.engine.compiled.CompiledOutputs;
import io.hyperprune.engine.graph.GraphInputs;
import io.hyperprune.engine.graph.ModelGraph;
import io.hyperprune.engine.graph.ModelSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Evaluates a {@link ModelGraph} with its posterior means: accuracy at any lambdas (optionally with
 * weights deleted by keep-masks, each lambda with its own), the trained objective on a training
 * sample, and the posterior tensors pruning scores. Compiled like the training step unless SameDiff's
 * session is asked for. Not thread-safe: its output arrays are reused by the next call.
 */
public final class Evaluator {

    private static final int MLP_EVAL_BATCH = 10_000;
    /**
     * Images times models in one conv evaluation pass: a pass's activations grow with both (500 x 96 x
     * 32 x 32 floats is 197 MB for one layer), and a pass of 16 models on 500 images needed ~20 GB.
     */
    private static final int CONV_EVAL_SAMPLES = 512;

    private static final int TRAIN_ACCURACY_SAMPLES = 10_000;
    /** The conv net's per-epoch training sample: a forward pass costs ~1/3 of a step per image and model. */
    private static final int CONV_TRAIN_ACCURACY_SAMPLES = 500;
    /** Bounds an evaluation pass's arrays (a pass of 16 models on 10 000 MNIST samples: ~100 MiB). */
    private static final int MAX_MODELS_PER_EVALUATION = 16;

    private final ModelGraph graph;
    private final Dataset data;
    private final LambdaRange range;
    private final boolean hypernetwork;
    private final boolean compiled;
    /** The first training samples, for a cheap per-epoch training accuracy and loss. */
    private final DataSplit trainSample;

    private final INDArray trainSampleLabels;
    /** Keep-everything masks by models per pass. */
    private final Map<Integer, Map<String, INDArray>> allKept = new HashMap<>();
    /** Compiled evaluation outputs by requested names (empty: the graph needs SameDiff's session). */
    private final Map<String, Optional<CompiledOutputs>> compiledOutputs = new HashMap<>();

    /**
     * @param hypernetwork true: any lambda in (and beyond) the range; false: plain models, model k at
     *     the k-th lambda it was trained at
     * @param compiled evaluate through {@link CompiledOutputs} where the graph allows; false: SameDiff's session
     */
    public Evaluator(ModelGraph graph, Dataset data, LambdaRange range, boolean hypernetwork, boolean compiled) {
        this.graph = requireNonNull(graph, "graph is null");
        this.data = requireNonNull(data, "data is null");
        this.range = requireNonNull(range, "range is null");
        this.hypernetwork = hypernetwork;
        this.compiled = compiled;
        int sample = Math.min(
                conv() ? CONV_TRAIN_ACCURACY_SAMPLES : TRAIN_ACCURACY_SAMPLES,
                data.train().size());
        this.trainSample = new DataSplit(
                data.train().features().get(NDArrayIndex.interval(0, sample)),
                data.train().labels().get(NDArrayIndex.interval(0, sample)));
        this.trainSampleLabels = Nd4j.zeros(DataType.FLOAT, sample, data.classes());
        int[] sampleLabels = trainSample.labels().toIntVector();
        for (int i = 0; i < sample; i++) {
            trainSampleLabels.putScalar(i, sampleLabels[i], 1f);
        }
    }

    /**
     * Test accuracy with the posterior means at each lambda, optionally with weights deleted.
     *
     * @param masks keep-masks by weight-tensor name (missing tensors are kept whole)
     */
    public List<Double> testAccuracy(List<Double> lambdas, Map<String, INDArray> masks) {
        return accuracy(data.test(), lambdas, Collections.nCopies(lambdas.size(), masks));
    }

    /**
     * Test accuracy of each lambda's model with its own keep-masks: up to K (lambda, masks) pairs are
     * evaluated in one pass, which is how a pruning sweep evaluates all lambdas at one deletion level.
     *
     * @param masksPerLambda for lambda i, keep-masks by weight-tensor name (missing tensors are kept whole)
     */
    public List<Double> testAccuracy(List<Double> lambdas, List<Map<String, INDArray>> masksPerLambda) {
        return accuracy(data.test(), lambdas, masksPerLambda);
    }

    /** Accuracy on any split (evaluation path: means, masks applied). */
    public List<Double> accuracy(DataSplit split, List<Double> lambdas, Map<String, INDArray> masks) {
        return accuracy(split, lambdas, Collections.nCopies(lambdas.size(), masks));
    }

    /** Accuracy on the first training samples (up to 10 000; conv: 500), the per-epoch training accuracy. */
    public List<Double> trainingAccuracy(List<Double> lambdas) {
        return accuracy(trainSample, lambdas, Map.of());
    }

    /**
     * Accuracy on any split of each (lambda, keep-masks) pair; up to K pairs are evaluated in one pass. The
     * same lambda may appear several times, e.g. with the masks of several deletion levels.
     */
    public List<Double> accuracy(DataSplit split, List<Double> lambdas, List<Map<String, INDArray>> masksPerLambda) {
        if (masksPerLambda.size() != lambdas.size()) {
            throw new IllegalArgumentException(lambdas.size() + " lambdas but " + masksPerLambda.size() + " mask sets");
        }
        int models = modelsPerEvaluation(lambdas.size());
        int evalBatch = evalBatch(models);
        int[] labels = split.labels().toIntVector();
        List<Double> result = new ArrayList<>();
        for (int first = 0; first < lambdas.size(); first += models) {
            double[] group = new double[models];
            Map<String, INDArray> inputs = new HashMap<>(allKept(models));
            List<Map<String, INDArray>> groupMasks = new ArrayList<>();
            for (int k = 0; k < models; k++) {
                int index = Math.min(first + k, lambdas.size() - 1);
                group[k] = lambdas.get(index);
                groupMasks.add(masksPerLambda.get(index));
            }
            GraphInputs.putLambdas(inputs, group, range);
            putMasks(inputs, groupMasks);
            long[] correct = new long[models];
            for (int from = 0; from < split.size(); from += evalBatch) {
                int to = Math.min(split.size(), from + evalBatch);
                inputs.put(ModelGraph.X, split.features().get(NDArrayIndex.interval(from, to)));
                INDArray logits = output(inputs, ModelGraph.LOGITS_EVAL).get(ModelGraph.LOGITS_EVAL);
                // [K, B] predicted classes, read in one bulk copy rather than K * B element reads.
                int[] predicted = Nd4j.argMax(logits, 2)
                        .castTo(DataType.INT)
                        .dup('c')
                        .data()
                        .asInt();
                int batch = to - from;
                for (int k = 0; k < models; k++) {
                    for (int i = 0; i < batch; i++) {
                        if (predicted[k * batch + i] == labels[from + i]) {
                            correct[k]++;
                        }
                    }
                }
            }
            for (int k = 0; k < models && first + k < lambdas.size(); k++) {
                result.add(correct[k] / (double) split.size());
            }
        }
        return result;
    }

    /**
     * The trained objective's two parts, mean CE and mean penalty / m, on the training sample at these
     * lambdas (SameDiff M2.1 does not report per-step losses).
     *
     * @param noise one draw of eps per parameter per call (unused for deterministic evidences)
     */
    public double[] trainingLoss(List<Double> lambdas, Supplier<List<INDArray>> noise) {
        double crossEntropy = 0;
        double penalty = 0;
        int groups = 0;
        for (int first = 0; first < lambdas.size(); first += graph.models()) {
            double[] group = new double[graph.models()];
            for (int k = 0; k < group.length; k++) {
                group[k] = lambdas.get(Math.min(first + k, lambdas.size() - 1));
            }
            Map<String, INDArray> inputs = new HashMap<>();
            GraphInputs.putLambdas(inputs, group, range);
            if (graph.stochastic()) {
                List<INDArray> eps = noise.get();
                for (int i = 0; i < eps.size(); i++) {
                    inputs.put(ModelGraph.EPS_PREFIX + graph.parameters().get(i).name(), eps.get(i));
                }
            }
            // The sample in batches (one for the MLP): CE is a batch mean, so the batches' means are
            // weighted by their sizes; the penalty does not depend on the batch.
            int size = trainSample.size();
            int batch = Math.min(size, evalBatch(graph.models()));
            double groupCrossEntropy = 0;
            double groupPenalty = 0;
            for (int from = 0; from < size; from += batch) {
                int to = Math.min(size, from + batch);
                inputs.put(ModelGraph.X, trainSample.features().get(NDArrayIndex.interval(from, to)));
                inputs.put(ModelGraph.Y, trainSampleLabels.get(NDArrayIndex.interval(from, to)));
                Map<String, INDArray> out = output(inputs, ModelGraph.CE, ModelGraph.PENALTY);
                groupCrossEntropy += out.get(ModelGraph.CE).getDouble(0) * (to - from) / size;
                groupPenalty = out.get(ModelGraph.PENALTY).getDouble(0);
            }
            // Independent plain models report the sum over the K models: per-model mean for the metrics.
            double perModel = hypernetwork ? 1 : graph.models();
            crossEntropy += groupCrossEntropy / perModel;
            penalty += groupPenalty / perModel;
            groups++;
        }
        return new double[] {crossEntropy / groups, penalty / groups};
    }

    /**
     * The posterior tensors of the model for one lambda, by parameter name then role, each of the
     * parameter's shape (the model axis removed).
     */
    public Map<String, Map<String, INDArray>> posterior(double lambda) {
        Map<String, INDArray> inputs = new HashMap<>();
        double[] group = new double[graph.models()];
        Arrays.fill(group, lambda);
        GraphInputs.putLambdas(inputs, group, range);
        List<String> names = new ArrayList<>();
        graph.posteriorTensors().forEach((parameter, tensors) -> {
            for (PosteriorTensor tensor : tensors) {
                names.add(ModelGraph.POSTERIOR_PREFIX + parameter + "/" + tensor.role());
            }
        });
        Map<String, INDArray> values = graph.sameDiff().output(inputs, names.toArray(String[]::new));
        Map<String, Map<String, INDArray>> result = new LinkedHashMap<>();
        for (ParameterSpec parameter : graph.parameters()) {
            Map<String, INDArray> roles = new LinkedHashMap<>();
            for (PosteriorTensor tensor : graph.posteriorTensors().get(parameter.name())) {
                INDArray value = values.get(ModelGraph.POSTERIOR_PREFIX + parameter.name() + "/" + tensor.role());
                roles.put(tensor.role(), value.get(NDArrayIndex.point(0)).dup().reshape(parameter.shape()));
            }
            result.put(parameter.name(), roles);
        }
        return result;
    }

    /**
     * Models per evaluation pass for this many lambdas: all of them (up to {@value #MAX_MODELS_PER_EVALUATION})
     * when the compiled evaluation takes any number, else the graph's K (the last pass padded). A
     * hypernetwork trained with 5 lambda samples evaluates 6 lambdas in one pass of 6 models, not two of 5.
     */
    private int modelsPerEvaluation(int lambdas) {
        boolean anyCount = hypernetwork
                && graph.evaluatesAnyModelCount()
                && compiledOutputs(ModelGraph.LOGITS_EVAL).isPresent();
        return anyCount ? Math.min(lambdas, MAX_MODELS_PER_EVALUATION) : graph.models();
    }

    private boolean conv() {
        return graph.model().kind() == ModelSpec.Kind.CONV;
    }

    /** Samples per evaluation pass of this many models. */
    private int evalBatch(int models) {
        return conv() ? Math.max(1, CONV_EVAL_SAMPLES / models) : MLP_EVAL_BATCH;
    }

    /** Keep-everything masks [models, ...shape] per weight tensor. */
    private Map<String, INDArray> allKept(int models) {
        return allKept.computeIfAbsent(models, count -> {
            Map<String, INDArray> masks = new HashMap<>();
            for (ParameterSpec parameter : graph.parameters()) {
                if (parameter.kind() == ParameterSpec.Kind.WEIGHT) {
                    masks.put(
                            ModelGraph.MASK_PREFIX + parameter.name(),
                            Nd4j.ones(DataType.FLOAT, ModelGraph.withModelAxis(count, parameter.shape())));
                }
            }
            return masks;
        });
    }

    /**
     * Outputs of the graph for these inputs: compiled like the training step unless the session executor
     * was asked for (SameDiff's output session kept arrays of every evaluation, see {@link
     * CompiledOutputs}). The arrays are reused by the next call: read them before calling again.
     */
    private Map<String, INDArray> output(Map<String, INDArray> inputs, String... names) {
        Optional<CompiledOutputs> outputs = compiledOutputs(names);
        return outputs.isPresent()
                ? outputs.get().run(inputs)
                : graph.sameDiff().output(inputs, names);
    }

    /** The compiled evaluation of these outputs; empty for the session executor or a graph that needs it. */
    private Optional<CompiledOutputs> compiledOutputs(String... names) {
        if (!compiled) {
            return Optional.empty();
        }
        return compiledOutputs.computeIfAbsent(
                String.join(",", names), key -> CompiledOutputs.compile(graph.sameDiff(), names));
    }

    /** Keep-masks [K, ...shape] per weight tensor: model k's own masks, ones where it has none. */
    private void putMasks(Map<String, INDArray> inputs, List<Map<String, INDArray>> groupMasks) {
        if (groupMasks.stream().allMatch(Map::isEmpty)) {
            return;
        }
        for (ParameterSpec parameter : graph.parameters()) {
            if (parameter.kind() != ParameterSpec.Kind.WEIGHT
                    || groupMasks.stream().noneMatch(m -> m.containsKey(parameter.name()))) {
                continue;
            }
            INDArray stacked = Nd4j.createUninitialized(
                    DataType.FLOAT, ModelGraph.withModelAxis(groupMasks.size(), parameter.shape()));
            for (int k = 0; k < groupMasks.size(); k++) {
                INDArray mask = groupMasks.get(k).get(parameter.name());
                INDArray slot = stacked.get(NDArrayIndex.point(k));
                if (mask == null) {
                    slot.assign(1f);
                } else {
                    slot.assign(mask.castTo(DataType.FLOAT).reshape(parameter.shape()));
                }
            }
            inputs.put(ModelGraph.MASK_PREFIX + parameter.name(), stacked);
        }
    }
}
