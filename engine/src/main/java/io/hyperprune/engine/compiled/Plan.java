package io.hyperprune.engine.compiled;

import io.hyperprune.engine.kernels.ProductHelper;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.nd4j.autodiff.functions.DifferentialFunction;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.autodiff.samediff.internal.SameDiffOp;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.BaseOp;
import org.nd4j.linalg.api.ops.BaseReduceOp;
import org.nd4j.linalg.api.ops.CustomOp;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.ops.Op;
import org.nd4j.linalg.api.ops.OpContext;
import org.nd4j.linalg.api.ops.ReduceOp;
import org.nd4j.linalg.api.ops.ScalarOp;
import org.nd4j.linalg.api.ops.impl.transforms.custom.Assign;
import org.nd4j.linalg.api.ops.impl.transforms.gradient.GradientBackwardsMarker;
import org.nd4j.linalg.api.ops.impl.transforms.same.Identity;
import org.nd4j.linalg.api.shape.LongShapeDescriptor;
import org.nd4j.linalg.api.shape.Shape;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The executor: the ops' contexts and arrays for one placeholder shape signature, wired on the first
 * step and run as a list of steps from then on. A plan's arrays never change shape.
 *
 * <p>Wiring an op, in order: a repeat of an earlier op takes its outputs ({@link Repeats}); a
 * gradient marker or identity becomes an alias; a rule of {@link Rewrites} may replace the op;
 * otherwise SameDiff's op gets a context with output arrays from the {@link MemoryPlan}, sized by its
 * output shapes, unless it is a reshape that can be a view or a shape op computed once here. After
 * each op has run, the memory plan frees the arrays nothing later reads. The policy (which op runs
 * how, which array is reused) lives in those classes; a plan only wires and runs.
 *
 * <p>{@code results} are the variables the caller reads: their ops are never treated as repeats, and
 * their arrays are never reused within a step. Not thread-safe.
 */
final class Plan {

    /** What a plan does for an op it does not execute (an alias, a repeat, a view). */
    static final Runnable SKIPPED = () -> {};

    private final SameDiff grad;
    private final List<SameDiffOp> ops;
    private final Set<String> results;
    /** Times every executed op if not null. */
    private final OpTimes opTimes;
    /** Every array a step reads or writes, by variable name: parameters, placeholders, op outputs. */
    private final Map<String, INDArray> values = new HashMap<>();

    private final Map<String, INDArray> placeholderArrays = new HashMap<>();
    /** The ops' executions once wired, in order (ops skipped at wiring are not among them). */
    private final List<Runnable> steps = new ArrayList<>();

    private boolean built;
    /** The output arrays: which are free again for a later op's output. */
    private final MemoryPlan memory;
    /** Ops not executed again because an earlier op computes the same. */
    private final Repeats repeats = new Repeats();
    /** Which ops run other than as SameDiff defines them (Java kernels, aliases, views). */
    private final Rewrites rewrites;
    /** Reshapes whose output is a view of their input, and shape ops computed once. */
    private int views;

    private int folded;

    Plan(OpSchedule schedule, Set<String> results, OpTimes opTimes, ProductHelper productHelper) {
        this.grad = schedule.graph();
        this.ops = schedule.ops();
        this.results = results;
        this.opTimes = opTimes;
        this.memory = new MemoryPlan(schedule, results);
        this.rewrites = new Rewrites(schedule, memory, values, productHelper);
    }

    /** Output arrays this plan took that were free again, dead arrays of earlier ops (for tests). */
    int reused() {
        return memory.reused();
    }

    /**
     * After op {@code index} has run: its outputs live until their last reader; arrays nothing later
     * reads are free, and no longer repeat candidates (their identity will mean other values).
     */
    private void afterOp(int index, List<String> outputs, boolean constant) {
        for (INDArray base : memory.afterOp(index, outputs, values, constant)) {
            repeats.forget(base, memory);
        }
    }

    /** Ops of this plan not executed because an earlier op computes the same. */
    int repeats() {
        return repeats.repeats();
    }

    /** Reshapes of this plan not executed because their output is a view of their input. */
    int views() {
        return views;
    }

    /** Shape ops of this plan computed once when it was built (shapes never change within a plan). */
    int folded() {
        return folded;
    }

    /** Products this plan shares with the helper. */
    int splits() {
        return rewrites.splits();
    }

    /**
     * The array of a variable after a step: a result's array belongs to this plan and is overwritten
     * by the next step.
     */
    INDArray value(String variable) {
        return values.get(variable);
    }

    /** Frees the native memory of the arrays this plan allocated; the plan must not run again. */
    void release() {
        memory.release();
        placeholderArrays.values().stream().filter(INDArray::closeable).forEach(INDArray::close);
        placeholderArrays.clear();
        values.clear();
        steps.clear();
    }

    /** One step: copies the placeholders in, then runs the ops (wiring each on the first step). */
    void execute(Map<String, INDArray> placeholders) {
        if (opTimes == null) {
            copyIn(placeholders);
        } else {
            opTimes.run("placeholders (copy in)", () -> copyIn(placeholders));
        }
        if (built) {
            for (Runnable step : steps) {
                step.run();
            }
            return;
        }
        for (SDVariable variable : grad.variables()) {
            if (variable.getVariableType() == VariableType.VARIABLE
                    || variable.getVariableType() == VariableType.CONSTANT) {
                values.put(variable.name(), variable.getArr());
            }
        }
        for (int i = 0; i < ops.size(); i++) {
            SameDiffOp op = ops.get(i);
            int foldedBefore = folded;
            memory.wiring(i);
            Runnable step = build(op);
            memory.wired();
            step.run();
            if (step != SKIPPED) {
                steps.add(opTimes == null ? step : opTimes.timed(rewrites.label(op), step));
            }
            afterOp(i, op.getOutputsOfOp(), folded > foldedBefore);
        }
        built = true;
    }

    private void copyIn(Map<String, INDArray> placeholders) {
        for (Map.Entry<String, INDArray> entry : placeholders.entrySet()) {
            INDArray target = placeholderArrays.get(entry.getKey());
            INDArray value = entry.getValue();
            DataType declared = grad.getVariable(entry.getKey()).dataType();
            if (value.dataType() != declared) {
                value = value.castTo(declared);
            }
            if (target == null) {
                target = Nd4j.createUninitializedDetached(declared, value.shape());
                placeholderArrays.put(entry.getKey(), target);
                values.put(entry.getKey(), target);
            }
            target.assign(value);
        }
    }

    /** Wires one op's inputs and outputs (the first execution's shapes) and returns its execution. */
    private Runnable build(SameDiffOp sdOp) {
        DifferentialFunction f = sdOp.getOp();
        List<String> outputs = sdOp.getOutputsOfOp();
        String[] argNames = f.argNames() == null ? new String[0] : f.argNames();
        INDArray[] args = new INDArray[argNames.length];
        for (int i = 0; i < args.length; i++) {
            args[i] = values.get(argNames[i]);
            if (args[i] == null) {
                throw new IllegalStateException("no value for input " + argNames[i] + " of op " + sdOp.getName());
            }
        }
        List<Object> key = outputs.stream().anyMatch(results::contains) ? null : Repeats.key(f, args);
        List<INDArray> earlier = repeats.earlier(key, outputs.size());
        if (earlier != null) {
            for (int i = 0; i < outputs.size(); i++) {
                values.put(outputs.get(i), earlier.get(i));
            }
            return SKIPPED;
        }
        Runnable step = wire(sdOp, f, outputs, argNames, args);
        repeats.remember(key, outputs.stream().map(values::get).toList());
        return step;
    }

    /** An op's execution: an alias, a rewrite, or SameDiff's op with its context. */
    private Runnable wire(
            SameDiffOp sdOp, DifferentialFunction f, List<String> outputs, String[] argNames, INDArray[] args) {
        if (f instanceof GradientBackwardsMarker) {
            values.put(outputs.get(0), Nd4j.scalar(DataType.FLOAT, 1.0f));
            return SKIPPED;
        }
        if (f instanceof Identity) {
            values.put(outputs.get(0), args[0]);
            return SKIPPED;
        }
        Runnable rewritten = rewrites.replace(sdOp, f, outputs, argNames, args);
        if (rewritten != null) {
            return rewritten;
        }
        if (f instanceof DynamicCustomOp custom) {
            return wireCustom(sdOp, custom, outputs, args);
        }
        return wireLegacy(sdOp, f, outputs, argNames, args);
    }

    /** A custom op's context, outputs allocated by its output shapes (or a view, or a folded shape). */
    private Runnable wireCustom(SameDiffOp sdOp, DynamicCustomOp custom, List<String> outputs, INDArray[] args) {
        OpContext context = Nd4j.getExecutioner().buildContext();
        context.setArgs(args, custom.iArgs(), custom.dArgs(), custom.tArgs(), custom.bArgs());
        if (custom instanceof Assign) {
            context.setOutputArray(0, args[0]);
            values.put(outputs.get(0), args[0]);
        } else {
            List<LongShapeDescriptor> shapes = custom.calculateOutputShape(context);
            if (shapes == null || shapes.size() != outputs.size()) {
                throw new IllegalStateException("op " + sdOp.getName() + " (" + custom.opName() + "): " + outputs.size()
                        + " outputs but output shapes " + shapes + " from inputs "
                        + java.util.Arrays.stream(args)
                                .map(a -> java.util.Arrays.toString(a.shape()))
                                .toList());
            }
            INDArray view = rewrites.view(custom, args, outputs, shapes);
            if (view != null) {
                memory.viewOf(view, args[0]);
                values.put(outputs.get(0), view);
                views++;
                return SKIPPED;
            }
            INDArray[] outs = new INDArray[shapes.size()];
            for (int i = 0; i < shapes.size(); i++) {
                outs[i] = memory.allocate(
                        shapes.get(i), grad.getVariable(outputs.get(i)).dataType());
                context.setOutputArray(i, outs[i]);
                values.put(outputs.get(i), outs[i]);
            }
            Runnable small = rewrites.small(sdOp, custom, args, outs);
            if (small != null) {
                return small;
            }
            if (custom instanceof org.nd4j.linalg.api.ops.impl.shape.Shape && !results.contains(outputs.get(0))) {
                // A plan's arrays never change shape: a shape is a constant, computed once here.
                Nd4j.getExecutioner().exec((CustomOp) custom, context);
                folded++;
                return SKIPPED;
            }
        }
        return () -> Nd4j.getExecutioner().exec((CustomOp) custom, context);
    }

    /** A legacy op's context; its axis or scalar argument input is set before every execution, as SameDiff does. */
    private Runnable wireLegacy(
            SameDiffOp sdOp, DifferentialFunction f, List<String> outputs, String[] argNames, INDArray[] args) {
        OpContext context = Nd4j.getExecutioner().buildContext();
        Op op = (Op) f;
        boolean axisArgument =
                op instanceof ReduceOp reduce && reduce.getOpType() != Op.Type.REDUCE3 && argNames.length == 2;
        boolean scalarArgument = op instanceof ScalarOp && argNames.length == 2;
        INDArray second = args.length == 2 ? args[1] : null;
        Runnable configure = () -> {
            if (axisArgument) {
                setDimensions(f, second, args[0].rank());
            } else if (scalarArgument) {
                ((ScalarOp) op).setScalar(second);
            }
        };
        configure.run();
        if (args.length > 0) {
            context.setInputArray(0, args[0]);
            if (args.length == 2 && !axisArgument) {
                context.setInputArray(1, args[1]);
            }
        }
        INDArray out;
        if (axisArgument && second.isEmpty()) {
            out = memory.take(args[0].shape(), args[0].dataType());
        } else {
            List<LongShapeDescriptor> shapes = ((BaseOp) op).calculateOutputShape(context);
            out = memory.allocate(shapes.get(0), shapes.get(0).dataType());
        }
        context.setOutputArray(0, out);
        values.put(outputs.get(0), out);
        Runnable reduction = rewrites.reduction(sdOp, f, args, out);
        if (reduction != null) {
            return reduction;
        }
        Runnable small = rewrites.small(sdOp, f, args, new INDArray[] {out});
        if (small != null) {
            return small;
        }
        if (axisArgument || scalarArgument) {
            return () -> {
                configure.run();
                Nd4j.getExecutioner().exec(op, context);
            };
        }
        return () -> Nd4j.getExecutioner().exec(op, context);
    }

    /** An integer axis input of a legacy reduction becomes its dimensions (empty: reduce nothing), as SameDiff does. */
    private static void setDimensions(DifferentialFunction f, INDArray axis, int rank) {
        if (axis.isEmpty()) {
            f.setDimensions(null);
            ((BaseReduceOp) f).setEmptyReduce(true);
        } else {
            f.setDimensions(Shape.normalizeAxis(rank, axis.toIntVector()));
            ((BaseReduceOp) f).setEmptyReduce(false);
        }
    }
}
