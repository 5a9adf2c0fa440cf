package io.hyperprune.engine.compiled;

import static java.util.Objects.requireNonNull;

import io.hyperprune.engine.kernels.FusedAdam;
import io.hyperprune.engine.kernels.ProductHelper;
import io.hyperprune.engine.kernels.SplitProduct;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.TrainingConfig;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.GradientUpdater;
import org.nd4j.linalg.learning.regularization.Regularization;

/**
 * One training step of a SameDiff graph — forward pass, backward pass, the configured regularizations
 * (gradient clipping), the updater (Adam) and the in-place parameter update — executed without
 * SameDiff's training session.
 *
 * <p>Why: for our small nets SameDiff M2.1's session spent most of a step on per-op bookkeeping (the
 * subgraph, dependency trackers, output-shape calls and array cache, for every op of every step),
 * not on arithmetic. The graph of a run never changes, so this class orders the ops the gradients
 * need once ({@link OpSchedule}), and keeps one {@link Plan} per placeholder shape signature (in
 * practice: full and last mini-batch): every op's context with its input and output arrays fixed,
 * its outputs allocated once. A step copies the placeholders into the plan's arrays and executes the
 * ops in order; this class then applies the updates.
 *
 * <p>The maths is SameDiff's own: the same op instances of its gradient function, the training
 * config's regularizations and updaters (SameDiff's {@code updaterMap}, so a saved graph keeps the
 * updater state), and its iteration count; clipping, Adam and the update of a parameter run as one
 * Java pass over those same state arrays ({@link FusedAdam}, several times faster than libnd4j's three
 * ops; docs/performance.md, "Why each kernel exists").
 * One difference: every parameter is updated after the whole backward pass, where SameDiff's session
 * updates each as soon as its gradient exists.
 *
 * <p>Graphs with control flow or other session-managed ops are not compiled ({@link #compile} gives
 * empty); the trainer then uses SameDiff's {@code fit}. Not thread-safe.
 */
public final class CompiledTrainingStep {

    private final SameDiff sd;
    private final SameDiff grad;
    private final TrainingConfig config;
    /** Trainable variables with a gradient, and their gradient variables, in the same order. */
    private final List<String> parameters;

    private final List<String> gradients;
    /** The ops the gradients depend on, in execution order. */
    private final OpSchedule schedule;

    private final Map<String, Plan> plans = new HashMap<>();
    /** Times the ops of every step if not null (set before the first step). */
    private OpTimes opTimes;
    /** Shares the large matrix products with a second thread if not null (set before the first step). */
    private ProductHelper productHelper;
    /** The parameters' elements, counted on the first step (-1 before). */
    private long parameterElements = -1;
    /** Clip, Adam and update in one Java pass, when the training config is one it reproduces. */
    private final Optional<FusedAdam> fusedAdam;

    private CompiledTrainingStep(
            SameDiff sd, SameDiff grad, List<String> parameters, List<String> gradients, OpSchedule schedule) {
        this.sd = sd;
        this.grad = grad;
        this.config = sd.getTrainingConfig();
        this.parameters = parameters;
        this.gradients = gradients;
        this.schedule = schedule;
        this.fusedAdam = FusedAdam.of(config);
    }

    /**
     * Compiles the training step of a graph with a training config and loss variables, or returns empty
     * if an op needs SameDiff's session (control flow, tensor arrays, views, invocations).
     */
    public static Optional<CompiledTrainingStep> compile(SameDiff sd) {
        requireNonNull(sd.getTrainingConfig(), "the graph has no training config");
        if (sd.getFunction("grad") == null) {
            sd.createGradFunction();
        }
        SameDiff grad = sd.getFunction("grad");
        List<String> parameters = new ArrayList<>();
        List<String> gradients = new ArrayList<>();
        for (SDVariable variable : sd.variables()) {
            if (variable.getVariableType() != VariableType.VARIABLE
                    || !variable.dataType().isFPType()) {
                continue;
            }
            SDVariable gradient = grad.getVariable(variable.name()).getGradient();
            if (gradient != null) {
                parameters.add(variable.name());
                gradients.add(gradient.name());
            }
        }
        List<String> names = List.copyOf(parameters);
        List<String> gradientNames = List.copyOf(gradients);
        return OpSchedule.of(grad, gradientNames)
                .map(schedule -> new CompiledTrainingStep(sd, grad, names, gradientNames, schedule));
    }

    /**
     * One step: forward and backward with these placeholder values, then clip, update and apply every
     * parameter's gradient, and count the iteration.
     */
    public void run(Map<String, INDArray> placeholders) {
        Plan plan = plans.computeIfAbsent(
                OpSchedule.signature(placeholders),
                key -> new Plan(schedule, Set.copyOf(gradients), opTimes, productHelper));
        plan.execute(placeholders);
        if (opTimes == null) {
            applyUpdates(plan);
        } else {
            String label = fusedAdam.isEmpty()
                    ? "update: SameDiff's updaters"
                    : sharesUpdates()
                            ? "update: clip, Adam, apply (2 threads, java)"
                            : "update: clip, Adam, apply (java)";
            opTimes.run(label, () -> applyUpdates(plan));
        }
        config.incrementIterationCount();
    }

    /**
     * Splits the step's large matrix products with this helper from the first step on ({@link
     * SplitProduct}); with none (the default) every product runs on the training thread.
     */
    public void splitProductsWith(ProductHelper helper) {
        if (!plans.isEmpty()) {
            throw new IllegalStateException("products must be split from the first step on");
        }
        this.productHelper = requireNonNull(helper, "helper is null");
    }

    /** Times every op of the steps from now on, while {@code times} records. */
    public void recordTimes(OpTimes times) {
        if (!plans.isEmpty()) {
            throw new IllegalStateException("op times must be recorded from the first step on");
        }
        this.opTimes = requireNonNull(times, "times is null");
    }

    /** The helper this step shares work with, or null. */
    public ProductHelper helper() {
        return productHelper;
    }

    /** Whether the fused Adam passes are shared with the helper: there is one, and the parameters are many. */
    private boolean sharesUpdates() {
        if (parameterElements < 0) {
            parameterElements = parameters.stream()
                    .mapToLong(name ->
                            grad.getVariables().get(name).getVariable().getArr().length())
                    .sum();
        }
        return productHelper != null && parameterElements >= productHelper.minElements();
    }

    /** Whether a step so far shared a product with the helper (only products of {@link SplitProduct}'s size are). */
    public boolean sharesProducts() {
        return plans.values().stream().anyMatch(plan -> plan.splits() > 0);
    }

    /** Counts a finished epoch, as SameDiff's fit does. */
    public void epochDone() {
        config.incrementEpochCount();
    }

    private void applyUpdates(Plan plan) {
        if (!sd.isInitializedTraining()) {
            initializeTraining(sd);
        }
        Map<String, GradientUpdater> updaters = sd.getUpdaterMap();
        int iteration = config.getIterationCount();
        int epoch = config.getEpochCount();
        double learningRate =
                config.getUpdater().hasLearningRate() ? config.getUpdater().getLearningRate(iteration, epoch) : 1.0;
        List<Regularization> regularizations =
                config.getRegularization() == null ? List.of() : config.getRegularization();
        Set<INDArray> written = null;
        List<FusedAdam.Pass> passes = new ArrayList<>(parameters.size());
        for (int i = 0; i < parameters.size(); i++) {
            INDArray gradient = plan.value(gradients.get(i));
            INDArray parameter =
                    grad.getVariables().get(parameters.get(i)).getVariable().getArr();
            GradientUpdater<?> updater = updaters.get(parameters.get(i));
            FusedAdam.Pass pass = fusedAdam.isPresent()
                    ? fusedAdam.get().prepare(parameter, gradient, updater, iteration, epoch)
                    : null;
            if (pass != null) {
                passes.add(pass);
                continue;
            }
            // The steps below write into the gradient array; two parameters may share one (an identity op).
            written =
                    written != null ? written : java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
            if (!written.add(gradient) || gradient.isView()) {
                gradient = gradient.dup();
            }
            for (Regularization r : regularizations) {
                if (r.applyStep() == Regularization.ApplyStep.BEFORE_UPDATER) {
                    r.apply(parameter, gradient, learningRate, iteration, epoch);
                }
            }
            updater.applyUpdater(gradient, iteration, epoch);
            for (Regularization r : regularizations) {
                if (r.applyStep() == Regularization.ApplyStep.POST_UPDATER) {
                    r.apply(parameter, gradient, learningRate, iteration, epoch);
                }
            }
            if (config.isMinimize()) {
                parameter.subi(gradient);
            } else {
                parameter.addi(gradient);
            }
        }
        runPasses(passes);
    }

    /**
     * The fused Adam passes, in blocks shared with the product helper when there is one and the
     * parameters are many: element-wise, so the result is the same bit for bit on one thread or two.
     * Why: the pass is bound by memory (~28 bytes per element), and two cores read and write it faster
     * than one; a hypernetwork's parameters took a noticeable part of its step on one thread
     * (docs/performance.md, "Why each kernel exists").
     */
    private void runPasses(List<FusedAdam.Pass> passes) {
        if (!sharesUpdates()) {
            passes.forEach(pass -> pass.run(0, pass.length()));
            return;
        }
        List<Runnable> blocks = new ArrayList<>();
        for (FusedAdam.Pass pass : passes) {
            for (int from = 0; from < pass.length(); from += FusedAdam.BLOCK) {
                int start = from;
                int end = Math.min(pass.length(), from + FusedAdam.BLOCK);
                blocks.add(() -> pass.run(start, end));
            }
        }
        productHelper.runAll(blocks.toArray(Runnable[]::new));
    }

    /**
     * SameDiff sets up its updaters (Adam state per parameter) in a protected method on the first fit
     * step; a graph loaded with its updater state has them already, and a checkpoint restored into a
     * rebuilt graph calls this before filling them.
     */
    public static void initializeTraining(SameDiff sd) {
        try {
            Method initialize = SameDiff.class.getDeclaredMethod("initializeTraining");
            initialize.setAccessible(true);
            initialize.invoke(sd);
        } catch (NoSuchMethodException | IllegalAccessException e) {
            throw new IllegalStateException("this ND4J version has no SameDiff.initializeTraining()", e);
        } catch (InvocationTargetException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        }
    }
}
