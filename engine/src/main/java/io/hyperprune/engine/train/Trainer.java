package io.hyperprune.engine.train;

import io.hyperprune.engine.compiled.CompiledOutputs;
import io.hyperprune.engine.compiled.CompiledTrainingStep;
import io.hyperprune.engine.compiled.OpTimes;
import io.hyperprune.engine.graph.ModelGraph;
import io.hyperprune.engine.graph.ModelSpec;
import io.hyperprune.engine.kernels.GradientClipping;
import io.hyperprune.engine.kernels.NativeFloats;
import io.hyperprune.engine.kernels.NativeThreads;
import io.hyperprune.engine.kernels.ProductHelper;

import static java.util.Objects.requireNonNull;

import io.hyperprune.api.DataSplit;
import io.hyperprune.api.Dataset;
import io.hyperprune.api.ParameterSpec;
import io.hyperprune.api.PosteriorTensor;
import io.hyperprune.engine.train.Batch;
import io.hyperprune.engine.train.MiniBatches;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.nd4j.autodiff.listeners.At;
import org.nd4j.autodiff.listeners.BaseListener;
import org.nd4j.autodiff.listeners.ListenerVariables;
import org.nd4j.autodiff.listeners.Operation;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.TrainingConfig;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.dataset.api.MultiDataSetPreProcessor;
import org.nd4j.linalg.dataset.api.iterator.MultiDataSetIterator;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.Adam;

/**
 * Trains one {@link ModelGraph} on a data set, epoch by epoch, with Adam and gradient clipping by
 * value. Mini-batches, lambda samples and the reparametrisation noise are all drawn from the run seed
 * (the noise in Java by {@link GaussianNoise}, not SameDiff's random ops, which ignore seeds), so the same
 * seed and thread count give bit-identical weights. Not thread-safe: one trainer per thread.
 */
public final class Trainer {

    private static final int MLP_EVAL_BATCH = 10_000;
    private static final int CONV_EVAL_BATCH = 500;
    private static final int TRAIN_ACCURACY_SAMPLES = 10_000;

    private final ModelGraph graph;
    private final Dataset data;
    private final TrainingSettings settings;
    private final boolean hypernetwork;
    private final NativeThreads.Choice nativeThreads;
    private final MiniBatches trainBatches;
    /** The first training samples, for a cheap per-epoch training accuracy with the evaluation path. */
    private final DataSplit trainSample;
    private final INDArray trainSampleLabels;
    /** Learned variables behind the output layer's bias, checked for divergence after every step. */
    private final List<String> sentinels;
    /** Keep-everything masks by models per pass. */
    private final Map<Integer, Map<String, INDArray>> allKept = new HashMap<>();
    /** Bounds an evaluation pass's arrays (a pass of 16 models on 10 000 MNIST samples: ~100 MiB). */
    private static final int MAX_MODELS_PER_EVALUATION = 16;
    private final Executor requestedExecutor;
    /** The compiled training step, built on the first training epoch; null: SameDiff's own fit (session). */
    private CompiledTrainingStep compiled;
    private ProductHelper productHelper;
    private boolean compileAttempted;
    private final Slots slots = new Slots();
    /** Compiled evaluation outputs by requested names (empty: the graph needs SameDiff's session). */
    private final Map<String, java.util.Optional<CompiledOutputs>> compiledOutputs = new HashMap<>();

    /** How training steps are executed. */
    public enum Executor {
        /** Ops ordered and wired once, arrays reused ({@link CompiledTrainingStep}); SameDiff's fit if the graph needs it. */
        COMPILED,
        /** SameDiff's fit and training session (slower; for comparison and as a fallback). */
        SESSION;

        /** {@code -Dhyperprune.executor=session|compiled}, default compiled. */
        public static Executor fromSystemProperty() {
            return parse(System.getProperty("hyperprune.executor", "compiled"), "system property hyperprune.executor");
        }

        /** compiled or session, any case; otherwise an input error naming {@code where} the value came from. */
        public static Executor parse(String value, String where) {
            try {
                return valueOf(value.trim().toUpperCase(java.util.Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new io.hyperprune.api.InputException(where + " '" + value + "' is not known; use compiled or session");
            }
        }
    }

    /**
     * @param hypernetwork true: draw S lambdas per mini-batch from the range; false: plain models, model
     *     k trained at lambda k of the settings (K independent models summed, see {@link ModelGraph})
     */
    public Trainer(ModelGraph graph, Dataset data, TrainingSettings settings, boolean hypernetwork) {
        this(graph, data, settings, hypernetwork, Executor.fromSystemProperty());
    }

    /** As above, with the step executor chosen explicitly. */
    public Trainer(ModelGraph graph, Dataset data, TrainingSettings settings, boolean hypernetwork, Executor executor) {
        this.graph = requireNonNull(graph, "graph is null");
        this.data = requireNonNull(data, "data is null");
        this.settings = requireNonNull(settings, "settings is null");
        this.hypernetwork = hypernetwork;
        this.nativeThreads = NativeThreads.applyFor(graph.model());
        if (!hypernetwork && settings.lambdas().size() != graph.models()) {
            throw new IllegalArgumentException("a plain run trains one model per lambda: " + graph.models()
                    + " models per pass, lambdas " + settings.lambdas());
        }
        int sample = Math.min(TRAIN_ACCURACY_SAMPLES, data.train().size());
        this.trainSample = new DataSplit(data.train().features().get(NDArrayIndex.interval(0, sample)),
                data.train().labels().get(NDArrayIndex.interval(0, sample)));
        this.trainSampleLabels = Nd4j.zeros(DataType.FLOAT, sample, data.classes());
        int[] sampleLabels = trainSample.labels().toIntVector();
        for (int i = 0; i < sample; i++) {
            trainSampleLabels.putScalar(i, sampleLabels[i], 1f);
        }
        ParameterSpec output = graph.parameters().get(graph.parameters().size() - 1);
        this.sentinels = graph.sameDiff().variables().stream()
                .map(v -> v.name())
                .filter(name -> name.startsWith(output.name() + "/") && graph.sameDiff().getVariable(name).getVariableType()
                        == org.nd4j.autodiff.samediff.VariableType.VARIABLE)
                .toList();
        this.trainBatches = new MiniBatches(data.train(), data.classes(), settings.batchSize(), data.trainAugmentation());
        SameDiff sd = graph.sameDiff();
        if (sd.getTrainingConfig() == null) {
            List<String> features = new ArrayList<>(List.of(ModelGraph.X, ModelGraph.LAMBDA, ModelGraph.T));
            if (graph.stochastic()) {
                graph.parameters().forEach(parameter -> features.add(ModelGraph.EPS_PREFIX + parameter.name()));
            }
            sd.setTrainingConfig(TrainingConfig.builder()
                    .updater(new Adam(settings.learningRate()))
                    .regularization(new GradientClipping(settings.clipValue()))
                    .dataSetFeatureMapping(features.toArray(String[]::new))
                    .dataSetLabelMapping(ModelGraph.Y)
                    .minimize(true)
                    .build());
        }
        this.requestedExecutor = requireNonNull(executor, "executor is null");
    }

    /** Shares large products with this helper whatever {@link #nativeThreads} chose (tests); before the first step. */
    public void splitProductsWith(ProductHelper helper) {
        if (compileAttempted) {
            throw new IllegalStateException("products must be split from the first step on");
        }
        this.productHelper = requireNonNull(helper, "helper is null");
    }

    /**
     * Whether training so far shared a product with a helper thread: with one ({@link
     * NativeThreads.Choice#splitsProducts}), only products of a hypernetwork's or a grid's size are.
     */
    public boolean sharesProducts() {
        return compiled != null && compiled.sharesProducts();
    }

    /** The threads libnd4j's ops use for this model ({@link NativeThreads}), set when this trainer was made. */
    public NativeThreads.Choice nativeThreads() {
        return nativeThreads;
    }

    /**
     * The executor training uses (compiled falls back to session for graphs with control flow). Compiled
     * on first use: a trainer that only evaluates (prune, eval, agreement) never builds the gradients.
     */
    public Executor executor() {
        if (!compileAttempted) {
            compileAttempted = true;
            compiled = requestedExecutor == Executor.COMPILED ? CompiledTrainingStep.compile(graph.sameDiff()).orElse(null) : null;
            ProductHelper helper = productHelper != null ? productHelper : nativeThreads.splitsProducts() ? ProductHelper.shared() : null;
            if (compiled != null && helper != null) {
                compiled.splitProductsWith(helper);
            }
        }
        return compiled != null ? Executor.COMPILED : Executor.SESSION;
    }

    /**
     * Records the wall time of every op of the compiled training steps into {@code times} (while it
     * records), from the first step on; false if training does not run compiled (then SameDiff's
     * profiler is the tool).
     *
     * @throws IllegalStateException after the first training step
     */
    public boolean recordOpTimes(OpTimes times) {
        if (executor() != Executor.COMPILED) {
            return false;
        }
        compiled.recordTimes(times);
        return true;
    }

    public ModelGraph graph() {
        return graph;
    }

    /** Mini-batches per epoch. */
    public int stepsPerEpoch() {
        return trainBatches.batchCount();
    }

    /**
     * Trains one epoch (numbered from 1) and evaluates the test accuracy at the settings' lambdas.
     *
     * @param onStep called after every step with the step number (1-based), for progress display
     * @throws DivergedException if the loss becomes NaN or infinite
     */
    public EpochMetrics trainEpoch(int epoch, java.util.function.IntConsumer onStep) {
        return trainEpoch(epoch, onStep, true);
    }

    /**
     * As above; without {@code evaluate} only trains (NaN losses, no accuracies: see
     * {@link EpochMetrics#notEvaluated}). The weights are the same either way: evaluation draws its
     * noise from its own stream, and a diverging step is still caught by the per-step check.
     */
    public EpochMetrics trainEpoch(int epoch, java.util.function.IntConsumer onStep, boolean evaluate) {
        StepRecorder recorder = new StepRecorder(epoch, onStep, sentinels);
        long start = System.nanoTime();
        if (executor() == Executor.COMPILED) {
            List<String> features = graph.sameDiff().getTrainingConfig().getDataSetFeatureMapping();
            String labels = graph.sameDiff().getTrainingConfig().getDataSetLabelMapping().get(0);
            Map<String, INDArray> placeholders = new HashMap<>();
            // Batches (data gather, lambdas, noise) are drawn one step ahead on the second core.
            try (Prefetch<MultiDataSet> batches = new Prefetch<>(new EpochBatches(epoch, slots, compiled.helper()), Slots.SLOTS - 2)) {
                while (batches.hasNext()) {
                    MultiDataSet batch = batches.next();
                    for (int i = 0; i < features.size(); i++) {
                        placeholders.put(features.get(i), batch.getFeatures(i));
                    }
                    placeholders.put(labels, batch.getLabels(0));
                    compiled.run(placeholders);
                    recorder.iterationDone(graph.sameDiff(), null, batch, null);
                }
            }
            compiled.epochDone();
        } else {
            graph.sameDiff().fit(new EpochBatches(epoch), 1, recorder);
        }
        double trainSeconds = (System.nanoTime() - start) / 1e9;
        if (!evaluate) {
            return EpochMetrics.notEvaluated(epoch, settings.lambdas(), trainSeconds);
        }
        long evalStart = System.nanoTime();
        List<Double> accuracy = testAccuracy(settings.lambdas(), Map.of());
        List<Double> trainAccuracy = accuracy(trainSample, settings.lambdas(), Map.of());
        double[] losses = trainingLoss(epoch);
        double evalSeconds = (System.nanoTime() - evalStart) / 1e9;
        if (!Double.isFinite(losses[0] + losses[1])) {
            throw new DivergedException(epoch, stepsPerEpoch(), losses[0] + losses[1]);
        }
        return new EpochMetrics(epoch, losses[0] + losses[1], losses[0], losses[1], trainAccuracy, settings.lambdas(),
                accuracy, trainSeconds, evalSeconds);
    }

    /**
     * The trained objective's two parts, mean CE and mean penalty / m, on the training sample with one
     * fresh noise draw and the epoch's evaluation lambdas (SameDiff M2.1 does not report per-step losses).
     */
    private double[] trainingLoss(int epoch) {
        return trainingLoss(new EpochBatches(-epoch));
    }

    private double[] trainingLoss(EpochBatches draw) {
        double crossEntropy = 0;
        double penalty = 0;
        List<Double> lambdas = settings.lambdas();
        int groups = 0;
        for (int first = 0; first < lambdas.size(); first += graph.models()) {
            double[] group = new double[graph.models()];
            for (int k = 0; k < group.length; k++) {
                group[k] = lambdas.get(Math.min(first + k, lambdas.size() - 1));
            }
            Map<String, INDArray> inputs = new HashMap<>();
            putLambdas(inputs, group);
            inputs.put(ModelGraph.X, trainSample.features());
            inputs.put(ModelGraph.Y, trainSampleLabels);
            if (graph.stochastic()) {
                List<INDArray> noise = draw.noise();
                for (int i = 0; i < noise.size(); i++) {
                    inputs.put(ModelGraph.EPS_PREFIX + graph.parameters().get(i).name(), noise.get(i));
                }
            }
            Map<String, INDArray> out = output(inputs, ModelGraph.CE, ModelGraph.PENALTY);
            // Independent plain models report the sum over the K models: per-model mean for the metrics.
            double perModel = hypernetwork ? 1 : graph.models();
            crossEntropy += out.get(ModelGraph.CE).getDouble(0) / perModel;
            penalty += out.get(ModelGraph.PENALTY).getDouble(0) / perModel;
            groups++;
        }
        return new double[] {crossEntropy / groups, penalty / groups};
    }

    /**
     * Test accuracy with the posterior means at each lambda, optionally with weights deleted.
     *
     * @param masks keep-masks by weight-tensor name (missing tensors are kept whole)
     */
    public List<Double> testAccuracy(List<Double> lambdas, Map<String, INDArray> masks) {
        return accuracy(data.test(), lambdas, masks);
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
        return accuracy(split, lambdas, java.util.Collections.nCopies(lambdas.size(), masks));
    }

    private List<Double> accuracy(DataSplit split, List<Double> lambdas, List<Map<String, INDArray>> masksPerLambda) {
        if (masksPerLambda.size() != lambdas.size()) {
            throw new IllegalArgumentException(lambdas.size() + " lambdas but " + masksPerLambda.size() + " mask sets");
        }
        int models = modelsPerEvaluation(lambdas.size());
        int evalBatch = graph.model().kind() == ModelSpec.Kind.CONV ? CONV_EVAL_BATCH : MLP_EVAL_BATCH;
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
            putLambdas(inputs, group);
            putMasks(inputs, groupMasks);
            long[] correct = new long[models];
            for (int from = 0; from < split.size(); from += evalBatch) {
                int to = Math.min(split.size(), from + evalBatch);
                inputs.put(ModelGraph.X, split.features().get(NDArrayIndex.interval(from, to)));
                INDArray logits = output(inputs, ModelGraph.LOGITS_EVAL).get(ModelGraph.LOGITS_EVAL);
                // [K, B] predicted classes, read in one bulk copy rather than K * B element reads.
                int[] predicted = Nd4j.argMax(logits, 2).castTo(DataType.INT).dup('c').data().asInt();
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
     * Models per evaluation pass for this many lambdas: all of them (up to {@value #MAX_MODELS_PER_EVALUATION})
     * when the compiled evaluation takes any number, else the graph's K (the last pass padded). A
     * hypernetwork trained with 5 lambda samples evaluates 6 lambdas in one pass of 6 models, not two of 5.
     */
    private int modelsPerEvaluation(int lambdas) {
        boolean anyCount = hypernetwork && graph.evaluatesAnyModelCount() && compiledOutputs(ModelGraph.LOGITS_EVAL).isPresent();
        return anyCount ? Math.min(lambdas, MAX_MODELS_PER_EVALUATION) : graph.models();
    }

    /** Keep-everything masks [models, ...shape] per weight tensor. */
    private Map<String, INDArray> allKept(int models) {
        return allKept.computeIfAbsent(models, count -> {
            Map<String, INDArray> masks = new HashMap<>();
            for (ParameterSpec parameter : graph.parameters()) {
                if (parameter.kind() == ParameterSpec.Kind.WEIGHT) {
                    masks.put(ModelGraph.MASK_PREFIX + parameter.name(),
                            Nd4j.ones(DataType.FLOAT, ModelGraph.withModelAxis(count, parameter.shape())));
                }
            }
            return masks;
        });
    }

    /**
     * Outputs of the graph for these inputs: compiled like the training step unless the session executor
     * was asked for (SameDiff's output session kept arrays of every evaluation: ~7 MiB per epoch). The
     * arrays are reused by the next call: read them before calling again.
     */
    private Map<String, INDArray> output(Map<String, INDArray> inputs, String... names) {
        java.util.Optional<CompiledOutputs> outputs = compiledOutputs(names);
        return outputs.isPresent() ? outputs.get().run(inputs) : graph.sameDiff().output(inputs, names);
    }

    /** The compiled evaluation of these outputs; empty for the session executor or a graph that needs it. */
    private java.util.Optional<CompiledOutputs> compiledOutputs(String... names) {
        if (requestedExecutor != Executor.COMPILED) {
            return java.util.Optional.empty();
        }
        return compiledOutputs.computeIfAbsent(String.join(",", names), key -> CompiledOutputs.compile(graph.sameDiff(), names));
    }

    /** Keep-masks [K, ...shape] per weight tensor: model k's own masks, ones where it has none. */
    private void putMasks(Map<String, INDArray> inputs, List<Map<String, INDArray>> groupMasks) {
        if (groupMasks.stream().allMatch(Map::isEmpty)) {
            return;
        }
        for (ParameterSpec parameter : graph.parameters()) {
            if (parameter.kind() != ParameterSpec.Kind.WEIGHT || groupMasks.stream().noneMatch(m -> m.containsKey(parameter.name()))) {
                continue;
            }
            INDArray stacked = Nd4j.createUninitialized(DataType.FLOAT, ModelGraph.withModelAxis(groupMasks.size(), parameter.shape()));
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

    /**
     * The posterior tensors of the model for one lambda, by parameter name then role, each of the
     * parameter's shape (the model axis removed).
     */
    public Map<String, Map<String, INDArray>> posterior(double lambda) {
        Map<String, INDArray> inputs = new HashMap<>();
        double[] group = new double[graph.models()];
        java.util.Arrays.fill(group, lambda);
        putLambdas(inputs, group);
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

    private void putLambdas(Map<String, INDArray> inputs, double[] lambdas) {
        float[] lambda = new float[lambdas.length];
        float[] t = new float[lambdas.length];
        for (int k = 0; k < lambdas.length; k++) {
            lambda[k] = (float) lambdas[k];
            t[k] = (float) settings.range().normalize(lambdas[k]);
        }
        inputs.put(ModelGraph.LAMBDA, Nd4j.createFromArray(lambda));
        inputs.put(ModelGraph.T, Nd4j.createFromArray(t));
    }

    /**
     * Reused input arrays for the compiled path, a ring of {@value #SLOTS} slots per batch size, each
     * {x, y, lambda, t, eps per parameter}. Batches are drawn on the prefetch thread; allocating them
     * there for every step made glibc keep each thread's freed buffers apart (RSS grew by 1.5 GiB in 7
     * epochs). Four slots cover the one being trained, two queued and one being drawn.
     */
    private final class Slots {

        static final int SLOTS = 4;

        private final Map<Integer, INDArray[][]> bySize = new HashMap<>();
        private final Map<Integer, Integer> turn = new HashMap<>();
        INDArray[] take(int batch) {
            INDArray[][] ring = bySize.computeIfAbsent(batch, this::allocate);
            int index = turn.merge(batch, 1, Integer::sum) % SLOTS;
            return ring[index];
        }

        private INDArray[][] allocate(int batch) {
            int models = graph.models();
            long[] sample = data.train().features().shape().clone();
            sample[0] = batch;
            INDArray[][] ring = new INDArray[SLOTS][];
            for (int i = 0; i < SLOTS; i++) {
                List<INDArray> slot = new ArrayList<>(List.of(Nd4j.createUninitialized(DataType.FLOAT, sample),
                        Nd4j.createUninitialized(DataType.FLOAT, batch, data.classes()),
                        Nd4j.createUninitialized(DataType.FLOAT, models), Nd4j.createUninitialized(DataType.FLOAT, models)));
                if (graph.stochastic()) {
                    for (ParameterSpec parameter : graph.parameters()) {
                        slot.add(Nd4j.createUninitialized(DataType.FLOAT, ModelGraph.withModelAxis(models, parameter.shape())));
                    }
                }
                ring[i] = slot.toArray(INDArray[]::new);
            }
            return ring;
        }
    }

    /** One epoch of mini-batches with their lambdas and noise, all derived from (seed, epoch). */
    private final class EpochBatches implements MultiDataSetIterator {

        private static final long serialVersionUID = 1L;

        private final Iterator<Batch> batches;
        /** With slots: the batches' rows, gathered into reused arrays. */
        private final Iterator<int[]> rows;
        private final Slots slots;
        private final SplittableRandom lambdaRandom;
        private final GaussianNoise noise;

        EpochBatches(int epoch) {
            this(epoch, null, null);
        }

        /** With a helper, the noise draw takes blocks of the products the training step shares with it. */
        EpochBatches(int epoch, Slots slots, ProductHelper helper) {
            long epochSeed = ModelGraph.mix(settings.seed(), "epoch-" + epoch);
            this.slots = slots != null && !trainBatches.augmented() ? slots : null;
            this.rows = this.slots != null && epoch > 0 ? trainBatches.epochRows(settings.seed(), epoch) : java.util.Collections.emptyIterator();
            this.batches = this.slots == null && epoch > 0 ? trainBatches.epoch(settings.seed(), epoch) : java.util.Collections.emptyIterator();
            this.lambdaRandom = new SplittableRandom(epochSeed);
            this.noise = graph.stochastic() ? new GaussianNoise(ModelGraph.mix(epochSeed, "noise"), helper) : null;
        }

        @Override
        public boolean hasNext() {
            return slots != null ? rows.hasNext() : batches.hasNext();
        }

        private double[] nextLambdas() {
            int models = graph.models();
            double[] lambdas = new double[models];
            for (int k = 0; k < models; k++) {
                lambdas[k] = hypernetwork ? settings.range().logUniform(lambdaRandom.nextDouble()) : settings.lambdas().get(k);
            }
            return lambdas;
        }

        @Override
        public MultiDataSet next() {
            if (slots != null) {
                return nextInSlot();
            }
            Batch batch = batches.next();
            Map<String, INDArray> inputs = new HashMap<>();
            putLambdas(inputs, nextLambdas());
            List<INDArray> features = new ArrayList<>(List.of(batch.features(), inputs.get(ModelGraph.LAMBDA), inputs.get(ModelGraph.T)));
            if (noise != null) {
                features.addAll(noise());
            }
            return new org.nd4j.linalg.dataset.MultiDataSet(features.toArray(INDArray[]::new), new INDArray[] {batch.labels()});
        }

        /** The same batch, lambdas and noise as {@link #next()} draws, written into a reused slot. */
        private MultiDataSet nextInSlot() {
            int[] batchRows = rows.next();
            INDArray[] slot = slots.take(batchRows.length);
            trainBatches.gatherInto(batchRows, slot[0], slot[1]);
            double[] lambdas = nextLambdas();
            for (int k = 0; k < lambdas.length; k++) {
                slot[2].putScalar(k, (float) lambdas[k]);
                slot[3].putScalar(k, (float) settings.range().normalize(lambdas[k]));
            }
            if (noise != null) {
                for (int i = 4; i < slot.length; i++) {
                    noise.fill(slot[i], noiseCopies());
                }
            }
            INDArray[] features = new INDArray[slot.length - 1];
            features[0] = slot[0];
            System.arraycopy(slot, 2, features, 1, slot.length - 2);
            return new org.nd4j.linalg.dataset.MultiDataSet(features, new INDArray[] {slot[1]});
        }

        /**
         * eps [K, ...shape] per parameter, in parameter order: a hypernetwork's K samples each get their own
         * draw; K independent plain models share one draw, as each would draw the same one alone from the
         * same seed.
         */
        List<INDArray> noise() {
            List<INDArray> result = new ArrayList<>();
            for (ParameterSpec parameter : graph.parameters()) {
                INDArray eps = Nd4j.createUninitialized(DataType.FLOAT, ModelGraph.withModelAxis(graph.models(), parameter.shape()));
                noise.fill(eps, noiseCopies());
                result.add(eps);
            }
            return result;
        }

        /** Equal noise blocks per eps array: K for independent plain models, 1 for a hypernetwork's samples. */
        private int noiseCopies() {
            return hypernetwork ? 1 : graph.models();
        }

        @Override
        public MultiDataSet next(int num) {
            throw new UnsupportedOperationException("batch size is fixed");
        }

        @Override
        public void setPreProcessor(MultiDataSetPreProcessor preProcessor) {
            throw new UnsupportedOperationException("no pre-processing");
        }

        @Override
        public MultiDataSetPreProcessor getPreProcessor() {
            return null;
        }

        @Override
        public boolean resetSupported() {
            return false;
        }

        @Override
        public boolean asyncSupported() {
            // Prefetching on another thread would be harmless for order, but keeps the noise generator single-threaded.
            return false;
        }

        @Override
        public void reset() {
            throw new UnsupportedOperationException("one pass per epoch");
        }
    }

    /**
     * Reports steps and stops on divergence. SameDiff M2.1 hands listeners zero loss values, so
     * divergence is read off the output layer's bias tensors instead: every sample's loss gradient
     * flows into them, so a NaN/Inf loss makes them non-finite after the step.
     */
    private static final class StepRecorder extends BaseListener {

        /**
         * A non-finite element of the array, or 0 if all are finite. Read in Java from a copy of its
         * floats: a native sum per sentinel and step cost 30-150 µs, a fair part of a small net's step.
         */
        static float firstNonFinite(INDArray array) {
            if (!NativeFloats.readable(array)) {
                double sum = array.sumNumber().doubleValue();
                return Double.isFinite(sum) ? 0f : (float) sum;
            }
            float[] values = new float[(int) array.length()];
            NativeFloats.of(array).get((int) array.offset(), values);
            for (float value : values) {
                if (!Float.isFinite(value)) {
                    return value;
                }
            }
            return 0f;
        }

        private final int epoch;
        private final java.util.function.IntConsumer onStep;
        private final List<String> sentinels;
        private int steps;

        StepRecorder(int epoch, java.util.function.IntConsumer onStep, List<String> sentinels) {
            this.epoch = epoch;
            this.onStep = onStep;
            this.sentinels = sentinels;
        }

        @Override
        public boolean isActive(Operation operation) {
            return operation == Operation.TRAINING;
        }

        @Override
        public void iterationDone(SameDiff sd, At at, MultiDataSet dataSet, org.nd4j.autodiff.listeners.Loss loss) {
            steps++;
            for (String name : sentinels) {
                INDArray sentinel = sd.getVariable(name).getArr();
                float bad = firstNonFinite(sentinel);
                if (!Float.isFinite(bad)) {
                    throw new DivergedException(epoch, steps, bad);
                }
            }
            onStep.accept(steps);
        }
    }
}
