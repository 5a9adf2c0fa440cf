package io.hyperprune.engine.compiled;

import io.hyperprune.engine.kernels.ExpLog;
import io.hyperprune.engine.kernels.FewRowsProduct;
import io.hyperprune.engine.kernels.FusedAdam;
import io.hyperprune.engine.kernels.LogOfShiftedExp;
import io.hyperprune.engine.kernels.ModelReductions;
import io.hyperprune.engine.kernels.NativeFloats;
import io.hyperprune.engine.kernels.ProductHelper;
import io.hyperprune.engine.kernels.ReluGradient;
import io.hyperprune.engine.kernels.SmallArithmetic;
import io.hyperprune.engine.kernels.SoftmaxCrossEntropyGradient;
import io.hyperprune.engine.kernels.SparseInput;
import io.hyperprune.engine.kernels.SplitProduct;
import io.hyperprune.engine.kernels.SquaredNormGradient;

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
import org.nd4j.common.util.ArrayUtil;
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
import org.nd4j.linalg.api.ops.impl.reduce.Mmul;
import org.nd4j.linalg.api.ops.impl.reduce.MmulBp;
import org.nd4j.linalg.api.ops.impl.shape.ExpandDims;
import org.nd4j.linalg.api.ops.impl.shape.Reshape;
import org.nd4j.linalg.api.ops.impl.shape.Squeeze;
import org.nd4j.linalg.api.ops.impl.transforms.custom.Assign;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.MulOp;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.bp.AddBpOp;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.bp.MulBpOp;
import org.nd4j.linalg.api.ops.impl.transforms.gradient.GradientBackwardsMarker;
import org.nd4j.linalg.api.ops.impl.transforms.same.Identity;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Exp;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Log;
import org.nd4j.linalg.api.ops.impl.scalar.ScalarAdd;
import org.nd4j.linalg.api.shape.LongShapeDescriptor;
import org.nd4j.linalg.api.shape.Shape;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The ops' contexts and arrays for one placeholder shape signature: {@code ops} of {@code graph} in
 * execution order; {@code needed} names the variables some later op or the caller reads, and
 * {@code results} those the caller reads (each stays an array of its own).
 *
 * <p>An op that repeats an earlier op (same op, arguments and input arrays) is not executed again:
 * its outputs are the earlier op's. SameDiff does not merge equal sub-graphs, and its gradient
 * functions recompute forward values, e.g. exp's gradient recomputes exp of the same input.
 */
final class Plan {

    private final SameDiff grad;
    private final OpSchedule schedule;
    private final List<SameDiffOp> ops;
    private final Set<String> needed;
    private final Set<String> results;
    /** Times every executed op if not null. */
    private final OpTimes opTimes;
    /** Shares large matrix products with a second thread if not null ({@link SplitProduct}). */
    private final ProductHelper productHelper;
    /** Labels of ops executed other than as SameDiff defines them, by op name (for {@link OpTimes}). */
    private final Map<String, String> labels = new HashMap<>();
    /** Whether some op writes into its input array: then no output may be a view of another. */
    private final boolean writesInPlace;
    /** Ops not executed again because an earlier op computes the same. */
    private final Repeats repeats = new Repeats();
    private int views;
    /** Products this plan shares with the helper. */
    private int splits;
    /** The sparse form of each input placeholder array a first-layer product reads ({@link SparseInput}). */
    private final Map<INDArray, SparseInput> sparseInputs = new java.util.IdentityHashMap<>();
    private int folded;
    /** The output arrays: which are free again for a later op's output. */
    private final MemoryPlan memory;

    Plan(OpSchedule schedule, Set<String> results, OpTimes opTimes, ProductHelper productHelper) {
        this.grad = schedule.graph();
        this.schedule = schedule;
        this.ops = schedule.ops();
        this.needed = schedule.needed();
        this.results = results;
        this.opTimes = opTimes;
        this.productHelper = productHelper;
        this.writesInPlace = schedule.writesInPlace();
        this.memory = new MemoryPlan(schedule, results);
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
        return splits;
    }

    /**
     * The array of a variable after a step: a result's array belongs to this plan and is overwritten
     * by the next step.
     */
    INDArray value(String variable) {
        return values.get(variable);
    }

    /** Every array a step reads or writes, by variable name: parameters, placeholders, op outputs. */
    private final Map<String, INDArray> values = new HashMap<>();
    private final List<Runnable> steps = new ArrayList<>();
    private final Map<String, INDArray> placeholderArrays = new HashMap<>();
    private boolean built;

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
            if (variable.getVariableType() == VariableType.VARIABLE || variable.getVariableType() == VariableType.CONSTANT) {
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
                steps.add(opTimes == null ? step : opTimes.timed(labels.getOrDefault(op.getName(), op.getOp().opName()), step));
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

    /**
     * The output of a reshape, expand_dims or squeeze of a contiguous array as a view of its input
     * (the elements keep their order, so nothing needs copying), or null. Not in plans with an op
     * writing into its input.
     */
    private INDArray reshapeView(DynamicCustomOp op, INDArray[] args, List<String> outputs, List<LongShapeDescriptor> shapes) {
        boolean reshape = op instanceof Reshape && op.iArgs().length > 0 && op.iArgs()[0] == Reshape.C_ORDER;
        if (!(reshape || op instanceof ExpandDims || op instanceof Squeeze) || outputs.size() != 1
                || writesInPlace || args.length == 0 || !NativeFloats.contiguous(args[0])
                || shapes.get(0).isEmpty() || args[0].length() != ArrayUtil.prodLong(shapes.get(0).getShape())) {
            return null;
        }
        // A view is never written: not by later ops (no in-place ops in this plan), nor, as a
        // parameter's gradient, by the update (FusedAdam reads it; SameDiff's updaters get a copy).
        return Shape.newShapeNoCopy(args[0], shapes.get(0).getShape(), false);
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

    /**
     * log(exp(x) + c) from x and exp(x) still held by this plan (see {@link LogOfShiftedExp}), or null
     * for any other log, or when those values are no longer in their arrays.
     */
    private Runnable logOfShiftedExp(SameDiffOp sdOp, DifferentialFunction f, List<String> outputs, INDArray[] args) {
        if (f.getClass() != Log.class || args.length != 1 || outputs.size() != 1 || writesInPlace) {
            return null;
        }
        SameDiffOp add = schedule.producer(f.argNames()[0]);
        if (add == null || add.getOp().getClass() != ScalarAdd.class || add.getOp().argNames().length != 1) {
            return null;
        }
        INDArray scalar = ((ScalarOp) add.getOp()).scalar();
        if (scalar == null || scalar.length() != 1 || !scalar.dataType().isFPType() || !(scalar.getFloat(0) > 0)) {
            return null;
        }
        String e = add.getOp().argNames()[0];
        SameDiffOp exp = schedule.producer(e);
        if (exp == null || exp.getOp().getClass() != Exp.class || exp.getOp().argNames().length != 1) {
            return null;
        }
        String x = exp.getOp().argNames()[0];
        if (!holds(x) || !holds(e) || !LogOfShiftedExp.applies(values.get(x), values.get(e), args[0])) {
            return null;
        }
        INDArray out = memory.take(args[0].shape(), DataType.FLOAT);
        values.put(outputs.get(0), out);
        labels.put(sdOp.getName(), "log of exp + c (java)");
        return new LogOfShiftedExp(values.get(x), values.get(e), scalar.getFloat(0), out);
    }

    /**
     * Whether the variable's array still holds its value while the op being wired runs: an array
     * this plan did not allocate (a parameter, placeholder or constant), or one in use whose last
     * taking was for the op producing the variable or earlier, so no op since wrote into it.
     */
    private boolean holds(String variable) {
        return memory.holds(values.get(variable), schedule.producerIndex(variable));
    }

    /** Element-wise arithmetic on small arrays in Java (see {@link SmallArithmetic}), or null. */
    private Runnable small(SameDiffOp sdOp, DifferentialFunction f, INDArray[] args, INDArray[] outs) {
        SmallArithmetic kernel = SmallArithmetic.of(f, args, outs);
        if (kernel != null) {
            labels.put(sdOp.getName(), f.opName() + " (java)");
        }
        return kernel;
    }

    /**
     * The gradients of x + y and x * y for same-shaped x and y without libnd4j's add_bp and
     * multiply_bp, or null: add's two gradients are the incoming gradient itself (an alias, as for
     * identity; add_bp copied it twice), and of multiply's only the one a later op reads is computed
     * (the other belongs to the reparametrisation noise, a placeholder; small tensors stay with
     * {@link SmallArithmetic}). On a hypernetwork's [5, 784, 50] tensors add_bp took ~50 µs and
     * multiply_bp ~100 µs per step, one multiply ~50.
     */
    private Runnable sameShapeArithmeticGradient(SameDiffOp sdOp, DifferentialFunction f, List<String> outputs, INDArray[] args) {
        boolean add = f instanceof AddBpOp;
        if (!(add || f instanceof MulBpOp) || args.length != 3 || outputs.size() != 2
                || !args[0].equalShapes(args[1]) || !args[0].equalShapes(args[2])
                || args[0].dataType() != args[2].dataType() || args[1].dataType() != args[2].dataType()) {
            return null;
        }
        if (add) {
            values.put(outputs.get(0), args[2]);
            values.put(outputs.get(1), args[2]);
            return SKIPPED;
        }
        boolean first = needed.contains(outputs.get(0));
        if (first == needed.contains(outputs.get(1)) || args[2].length() <= SmallArithmetic.MAX_LENGTH) {
            return null;
        }
        // d(x*y)/dx = g * y, d(x*y)/dy = g * x.
        INDArray out = memory.take(args[2].shape(), args[2].dataType());
        values.put(outputs.get(first ? 0 : 1), out);
        MulOp product = new MulOp();
        OpContext context = Nd4j.getExecutioner().buildContext();
        context.setInputArrays(args[2], args[first ? 1 : 0]);
        context.setOutputArray(0, out);
        labels.put(sdOp.getName(), "multiply_bp (one gradient, as multiply)");
        return () -> Nd4j.getExecutioner().exec(product, context);
    }

    /** The weight gradient x^T eps of a first-layer product x.mmul(w) ({@code args}: x, w, eps) with a dense x. */
    private Runnable weightGradient(SameDiffOp sdOp, INDArray[] args, INDArray weightGradient) {
        FewRowsProduct few = FewRowsProduct.of(args[0], true, args[2], weightGradient);
        if (few != null) {
            labels.put(sdOp.getName(), "matmul_bp (weight gradient only, java)");
            return few;
        }
        // Split with the product helper when there is one: at the end of the step the batch thread has
        // made the next batch and its core is free. (The dense forward product, at the step's start,
        // gained nothing, measured before the batch thread took blocks of shared products itself.)
        SplitProduct split = SplitProduct.of(args[0], true, args[2], weightGradient, productHelper);
        if (split != null) {
            splits++;
            labels.put(sdOp.getName(), "matmul_bp (weight gradient only, 2 threads)");
            return split;
        }
        labels.put(sdOp.getName(), "matmul_bp (weight gradient only)");
        return SplitProduct.product(args[0], true, args[2], weightGradient);
    }

    /**
     * x.mmul(w) for an input placeholder x [B, in] and a contiguous w [in, N], computed over x's
     * non-zeros when a batch is sparse ({@link SparseInput}), else by BLAS; null for other products.
     */
    private Runnable sparseInputProduct(SameDiffOp sdOp, DifferentialFunction f, List<String> outputs, String[] argNames,
            INDArray[] args) {
        if (!SPARSE || f.getClass() != Mmul.class || args.length != 2 || outputs.size() != 1 || args[0].rank() != 2
                || args[1].rank() != 2 || args[0].columns() != args[1].rows() || args[1].columns() < SparseInput.MIN_WIDTH
                || !NativeFloats.readable(args[1])
                || !grad.getVariable(argNames[0]).isPlaceHolder()) {
            return null;
        }
        Mmul mmul = (Mmul) f;
        double[] scale = mmul.tArgs();
        if (java.util.Arrays.stream(mmul.iArgs()).anyMatch(flag -> flag != 0)
                || scale.length > 0 && scale[0] != 1.0 || scale.length > 1 && scale[1] != 0.0) {
            return null;
        }
        // Decided on the plan's first batch (x holds it while the plan is built): data too dense for the
        // sparse form keep BLAS and its label; a later dense batch of sparse data falls back step by step.
        SparseInput sparse = sparseInputs.computeIfAbsent(args[0], SparseInput::of);
        if (sparse == null || !sparse.refresh()) {
            sparseInputs.remove(args[0]);
            return null;
        }
        INDArray out = memory.take(new long[] {args[0].rows(), args[1].columns()}, DataType.FLOAT);
        values.put(outputs.get(0), out);
        ProductHelper helper = SplitProduct.splits(args[0], false, args[1], productHelper) ? productHelper : null;
        if (helper != null) {
            splits++;
        }
        labels.put(sdOp.getName(), "matmul (sparse input" + (helper != null ? ", 2 threads" : "") + ", java)");
        return sparse.product(args[1], out, SplitProduct.product(args[0], false, args[1], out), helper);
    }

    private Runnable wire(SameDiffOp sdOp, DifferentialFunction f, List<String> outputs, String[] argNames, INDArray[] args) {
        if (f instanceof GradientBackwardsMarker) {
            values.put(outputs.get(0), Nd4j.scalar(DataType.FLOAT, 1.0f));
            return SKIPPED;
        }
        if (f instanceof Identity) {
            values.put(outputs.get(0), args[0]);
            return SKIPPED;
        }

        if (f instanceof MmulBp && !needed.contains(outputs.get(0)) && args.length == 3 && args[0].rank() == 2
                && args[2].rank() == 2 && java.util.Arrays.stream(((MmulBp) f).iArgs()).allMatch(flag -> flag == 0)) {
            // The gradient of x in x.mmul(w) is not needed when x is an input (the first layer): SameDiff's
            // matmul_bp computes both halves, so compute only dL/dw = x^T eps, half the first layer's backward work.
            INDArray weightGradient = memory.take(args[1].shape(), args[1].dataType());
            values.put(outputs.get(1), weightGradient);
            Runnable dense = weightGradient(sdOp, args, weightGradient);
            SparseInput sparse = sparseInputs.get(args[0]);
            if (sparse == null || !NativeFloats.readable(args[2]) || !NativeFloats.readable(weightGradient)) {
                return dense;
            }
            // The forward product refreshed the sparse form of x earlier in this step.
            ProductHelper helper = SplitProduct.splits(args[0], true, args[2], productHelper) ? productHelper : null;
            if (helper != null) {
                splits++;
            }
            labels.put(sdOp.getName(), "matmul_bp (weight gradient only, sparse input" + (helper != null ? ", 2 threads" : "") + ", java)");
            return sparse.transposedProduct(args[2], weightGradient, dense, helper);
        }
        Runnable sparseProduct = sparseInputProduct(sdOp, f, outputs, argNames, args);
        if (sparseProduct != null) {
            return sparseProduct;
        }
        Runnable logOfShiftedExp = logOfShiftedExp(sdOp, f, outputs, args);
        if (logOfShiftedExp != null) {
            return logOfShiftedExp;
        }
        Runnable elementwiseGradient = sameShapeArithmeticGradient(sdOp, f, outputs, args);
        if (elementwiseGradient != null) {
            return elementwiseGradient;
        }
        java.util.function.Function<INDArray, Runnable> kernel = javaKernel(f, args, outputs.stream().skip(1).noneMatch(needed::contains));
        if (kernel != null) {
            INDArray out = memory.take(args[0].shape(), args[0].dataType());
            values.put(outputs.get(0), out);
            labels.put(sdOp.getName(), f.opName() + " (java)");
            return kernel.apply(out);
        }
        OpContext context = Nd4j.getExecutioner().buildContext();
        if (f instanceof DynamicCustomOp custom) {
            context.setArgs(args, custom.iArgs(), custom.dArgs(), custom.tArgs(), custom.bArgs());
            if (f instanceof Assign) {
                context.setOutputArray(0, args[0]);
                values.put(outputs.get(0), args[0]);
            } else {
                List<LongShapeDescriptor> shapes = custom.calculateOutputShape(context);
                if (shapes == null || shapes.size() != outputs.size()) {
                    throw new IllegalStateException("op " + sdOp.getName() + " (" + f.opName() + "): " + outputs.size()
                            + " outputs but output shapes " + shapes + " from inputs " + java.util.Arrays.stream(args)
                            .map(a -> java.util.Arrays.toString(a.shape())).toList());
                }
                INDArray view = reshapeView(custom, args, outputs, shapes);
                if (view != null) {
                    memory.viewOf(view, args[0]);
                    values.put(outputs.get(0), view);
                    views++;
                    return SKIPPED;
                }
                INDArray[] outs = new INDArray[shapes.size()];
                for (int i = 0; i < shapes.size(); i++) {
                    outs[i] = memory.allocate(shapes.get(i), grad.getVariable(outputs.get(i)).dataType());
                    context.setOutputArray(i, outs[i]);
                    values.put(outputs.get(i), outs[i]);
                }
                Runnable small = small(sdOp, f, args, outs);
                if (small != null) {
                    return small;
                }
                if (f instanceof org.nd4j.linalg.api.ops.impl.shape.Shape && !results.contains(outputs.get(0))) {
                    // A plan's arrays never change shape: a shape is a constant, computed once here.
                    Nd4j.getExecutioner().exec((CustomOp) f, context);
                    folded++;
                    return SKIPPED;
                }
            }
            return () -> Nd4j.getExecutioner().exec((CustomOp) f, context);
        }
        Op op = (Op) f;
        boolean axisArgument = op instanceof ReduceOp reduce && reduce.getOpType() != Op.Type.REDUCE3 && argNames.length == 2;
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
        ModelReductions reduction = ModelReductions.of(f, args, out);
        if (reduction != null) {
            labels.put(sdOp.getName(), f.opName() + " (java)");
            return reduction;
        }
        Runnable small = small(sdOp, f, args, new INDArray[] {out});
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

    /**
     * The Java execution of an op libnd4j M2.1 computes slowly, given the output array (of the first
     * input's shape), or null: exp and log, relu's gradient, a per-model squared norm's gradient and,
     * when only its first output is read, softmax cross-entropy's gradient (see the classes).
     */
    private static java.util.function.Function<INDArray, Runnable> javaKernel(DifferentialFunction f, INDArray[] args,
            boolean onlyFirstOutputRead) {
        if (ExpLog.applies(f, args)) {
            return out -> ExpLog.of(f, args[0], out);
        }
        if (f instanceof DynamicCustomOp relu && ReluGradient.applies(relu, args)) {
            return out -> ReluGradient.of(relu, args, out);
        }
        if (f instanceof DynamicCustomOp norm && SquaredNormGradient.applies(norm, args)) {
            return out -> SquaredNormGradient.of(args, out);
        }
        if (onlyFirstOutputRead && f instanceof DynamicCustomOp loss && SoftmaxCrossEntropyGradient.applies(loss, args)) {
            return out -> SoftmaxCrossEntropyGradient.of(loss, args, out);
        }
        return null;
    }

    /** {@code -Dhyperprune.sparse=false} computes the first layer's products with BLAS for every batch (to compare). */
    private static final boolean SPARSE = Boolean.parseBoolean(System.getProperty("hyperprune.sparse", "true"));

    /** What a plan does for an op it does not execute (an alias, a repeat, a view). */
    private static final Runnable SKIPPED = () -> {};

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
