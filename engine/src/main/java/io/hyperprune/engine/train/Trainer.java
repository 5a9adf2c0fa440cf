package io.hyperprune.engine.train;

import static java.util.Objects.requireNonNull;

import io.hyperprune.api.DataSplit;
import io.hyperprune.api.Dataset;
import io.hyperprune.api.ParameterSpec;
import io.hyperprune.engine.compiled.CompiledTrainingStep;
import io.hyperprune.engine.compiled.OpTimes;
import io.hyperprune.engine.eval.Evaluator;
import io.hyperprune.engine.graph.ModelGraph;
import io.hyperprune.engine.kernels.GradientClipping;
import io.hyperprune.engine.kernels.NativeThreads;
import io.hyperprune.engine.kernels.ProductHelper;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.TrainingConfig;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.learning.config.Adam;

/**
 * Trains one {@link ModelGraph} on a data set, epoch by epoch, with Adam and gradient clipping by
 * value. Mini-batches, lambda samples and the reparametrisation noise are all drawn from the run seed
 * (the noise in Java by {@link GaussianNoise}, not SameDiff's random ops, which ignore seeds), so the same
 * seed and thread count give bit-identical weights. Not thread-safe: one trainer per thread.
 */
public final class Trainer {

    private final ModelGraph graph;
    private final TrainingSettings settings;
    private final NativeThreads.Choice nativeThreads;
    private final BatchSource batches;
    private final Evaluator evaluator;
    /** Learned variables behind the output layer's bias, checked for divergence after every step. */
    private final List<String> sentinels;

    private final Executor requestedExecutor;
    /** The compiled training step, built on the first training epoch; null: SameDiff's own fit (session). */
    private CompiledTrainingStep compiled;

    private ProductHelper productHelper;
    private boolean compileAttempted;

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
                throw new io.hyperprune.api.InputException(
                        where + " '" + value + "' is not known; use compiled or session");
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
        requireNonNull(data, "data is null");
        this.settings = requireNonNull(settings, "settings is null");
        this.nativeThreads = NativeThreads.applyFor(graph.model());
        if (!hypernetwork && settings.lambdas().size() != graph.models()) {
            throw new IllegalArgumentException("a plain run trains one model per lambda: " + graph.models()
                    + " models per pass, lambdas " + settings.lambdas());
        }
        this.requestedExecutor = requireNonNull(executor, "executor is null");
        this.batches = new BatchSource(graph, data, settings, hypernetwork);
        this.evaluator =
                new Evaluator(graph, data, settings.range(), hypernetwork, requestedExecutor == Executor.COMPILED);
        ParameterSpec output = graph.parameters().get(graph.parameters().size() - 1);
        this.sentinels = graph.sameDiff().variables().stream()
                .map(v -> v.name())
                .filter(name -> name.startsWith(output.name() + "/")
                        && graph.sameDiff().getVariable(name).getVariableType()
                                == org.nd4j.autodiff.samediff.VariableType.VARIABLE)
                .toList();
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
            compiled = requestedExecutor == Executor.COMPILED
                    ? CompiledTrainingStep.compile(graph.sameDiff()).orElse(null)
                    : null;
            ProductHelper helper = productHelper != null
                    ? productHelper
                    : nativeThreads.splitsProducts() ? ProductHelper.shared() : null;
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
        return batches.batchCount();
    }

    /**
     * Trains one epoch (numbered from 1) and evaluates the test accuracy at the settings' lambdas.
     *
     * @param onStep called after every step with the step number (1-based), for progress display
     * @throws DivergedException if the loss becomes NaN or infinite
     */
    public EpochMetrics trainEpoch(int epoch, IntConsumer onStep) {
        return trainEpoch(epoch, onStep, true);
    }

    /**
     * As above; without {@code evaluate} only trains (NaN losses, no accuracies: see
     * {@link EpochMetrics#notEvaluated}). The weights are the same either way: evaluation draws its
     * noise from its own stream, and a diverging step is still caught by the per-step check.
     */
    public EpochMetrics trainEpoch(int epoch, IntConsumer onStep, boolean evaluate) {
        DivergenceCheck recorder = new DivergenceCheck(epoch, onStep, sentinels);
        long start = System.nanoTime();
        if (executor() == Executor.COMPILED) {
            List<String> features = graph.sameDiff().getTrainingConfig().getDataSetFeatureMapping();
            String labels = graph.sameDiff()
                    .getTrainingConfig()
                    .getDataSetLabelMapping()
                    .get(0);
            Map<String, INDArray> placeholders = new HashMap<>();
            // Batches (data gather, lambdas, noise) are drawn one step ahead on the second core.
            try (Prefetch<MultiDataSet> queue =
                    new Prefetch<>(batches.epochInSlots(epoch, compiled.helper()), BatchSource.slotsAhead())) {
                while (queue.hasNext()) {
                    MultiDataSet batch = queue.next();
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
            graph.sameDiff().fit(batches.epoch(epoch), 1, recorder);
        }
        double trainSeconds = (System.nanoTime() - start) / 1e9;
        if (!evaluate) {
            return EpochMetrics.notEvaluated(epoch, settings.lambdas(), trainSeconds);
        }
        long evalStart = System.nanoTime();
        List<Double> accuracy = evaluator.testAccuracy(settings.lambdas(), Map.of());
        List<Double> trainAccuracy = evaluator.trainingAccuracy(settings.lambdas());
        // One fresh noise draw from the probe's own stream, at the epoch's evaluation lambdas.
        double[] losses = evaluator.trainingLoss(settings.lambdas(), batches.lossProbeNoise(epoch));
        double evalSeconds = (System.nanoTime() - evalStart) / 1e9;
        if (!Double.isFinite(losses[0] + losses[1])) {
            throw new DivergedException(epoch, stepsPerEpoch(), losses[0] + losses[1]);
        }
        return new EpochMetrics(
                epoch,
                losses[0] + losses[1],
                losses[0],
                losses[1],
                trainAccuracy,
                settings.lambdas(),
                accuracy,
                trainSeconds,
                evalSeconds);
    }

    /** Evaluation of this model (accuracy, masked accuracy, posteriors), sharing its compiled outputs. */
    public Evaluator evaluator() {
        return evaluator;
    }

    /** See {@link Evaluator#testAccuracy(List, Map)}. */
    public List<Double> testAccuracy(List<Double> lambdas, Map<String, INDArray> masks) {
        return evaluator.testAccuracy(lambdas, masks);
    }

    /** See {@link Evaluator#testAccuracy(List, List)}. */
    public List<Double> testAccuracy(List<Double> lambdas, List<Map<String, INDArray>> masksPerLambda) {
        return evaluator.testAccuracy(lambdas, masksPerLambda);
    }

    /** See {@link Evaluator#accuracy}. */
    public List<Double> accuracy(DataSplit split, List<Double> lambdas, Map<String, INDArray> masks) {
        return evaluator.accuracy(split, lambdas, masks);
    }

    /** See {@link Evaluator#posterior}. */
    public Map<String, Map<String, INDArray>> posterior(double lambda) {
        return evaluator.posterior(lambda);
    }
}
