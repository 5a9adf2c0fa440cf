package io.hyperprune.engine.compiled;

import io.hyperprune.engine.kernels.ExpLog;
import io.hyperprune.engine.kernels.FewRowsProduct;
import io.hyperprune.engine.kernels.LogOfShiftedExp;
import io.hyperprune.engine.kernels.MaxPool;
import io.hyperprune.engine.kernels.ModelReductions;
import io.hyperprune.engine.kernels.NativeFloats;
import io.hyperprune.engine.kernels.ProductHelper;
import io.hyperprune.engine.kernels.ReluGradient;
import io.hyperprune.engine.kernels.SmallArithmetic;
import io.hyperprune.engine.kernels.SoftmaxCrossEntropyGradient;
import io.hyperprune.engine.kernels.SparseInput;
import io.hyperprune.engine.kernels.SplitProduct;
import io.hyperprune.engine.kernels.SquaredNormGradient;
import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.nd4j.autodiff.functions.DifferentialFunction;
import org.nd4j.autodiff.samediff.internal.SameDiffOp;
import org.nd4j.common.util.ArrayUtil;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.ops.OpContext;
import org.nd4j.linalg.api.ops.ScalarOp;
import org.nd4j.linalg.api.ops.impl.reduce.Mmul;
import org.nd4j.linalg.api.ops.impl.reduce.MmulBp;
import org.nd4j.linalg.api.ops.impl.scalar.ScalarAdd;
import org.nd4j.linalg.api.ops.impl.shape.ExpandDims;
import org.nd4j.linalg.api.ops.impl.shape.Reshape;
import org.nd4j.linalg.api.ops.impl.shape.Squeeze;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.MulOp;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.bp.AddBpOp;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.bp.MulBpOp;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Exp;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Log;
import org.nd4j.linalg.api.shape.LongShapeDescriptor;
import org.nd4j.linalg.api.shape.Shape;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Which ops of one {@link Plan} run other than as SameDiff defines them: a Java kernel (package
 * {@code kernels}) where libnd4j M2.1 is slow for our shapes, half of an op whose other half nobody
 * reads, an alias or a view where SameDiff copies. One method per rule; each gives the op's execution
 * with its output arrays wired into the plan's values, or null when it does not apply. Each kernel's
 * class says why it exists and how its result compares with libnd4j's.
 *
 * <p>Every rewritten op is labelled for {@link OpTimes} ("(java)": computed in Java).
 */
final class Rewrites {

    /** {@code -Dhyperprune.sparse=false} computes the first layer's products with BLAS for every batch (to compare). */
    private static final boolean SPARSE = Boolean.parseBoolean(System.getProperty("hyperprune.sparse", "true"));

    private final OpSchedule schedule;
    private final MemoryPlan memory;
    /** The plan's arrays by variable name, which the rules read and add outputs to. */
    private final Map<String, INDArray> values;
    /** Shares large matrix products with a second thread if not null ({@link SplitProduct}). */
    private final ProductHelper productHelper;
    /** Labels of ops executed other than as SameDiff defines them, by op name (for {@link OpTimes}). */
    private final Map<String, String> labels = new HashMap<>();
    /** The sparse form of each input placeholder array a first-layer product reads ({@link SparseInput}). */
    private final Map<INDArray, SparseInput> sparseInputs = new IdentityHashMap<>();
    /** Products this plan shares with the helper. */
    private int splits;

    Rewrites(OpSchedule schedule, MemoryPlan memory, Map<String, INDArray> values, ProductHelper productHelper) {
        this.schedule = schedule;
        this.memory = memory;
        this.values = values;
        this.productHelper = productHelper;
    }

    /** The label of an op for {@link OpTimes}: the rule's, else SameDiff's op name. */
    String label(SameDiffOp op) {
        return labels.getOrDefault(op.getName(), op.getOp().opName());
    }

    /** Products shared with the helper. */
    int splits() {
        return splits;
    }

    /**
     * The execution of an op by the first rule that applies before its outputs are allocated (they
     * choose their own output arrays), or null: first-layer weight gradient, sparse-input product,
     * log of shifted exp, same-shape add/multiply gradient, max pooling, Java kernel.
     */
    Runnable replace(
            SameDiffOp sdOp, DifferentialFunction f, List<String> outputs, String[] argNames, INDArray[] args) {
        Runnable step = firstLayerWeightGradient(sdOp, f, outputs, args);
        if (step == null) {
            step = sparseInputProduct(sdOp, f, outputs, argNames, args);
        }
        if (step == null) {
            step = logOfShiftedExp(sdOp, f, outputs, args);
        }
        if (step == null) {
            step = sameShapeArithmeticGradient(sdOp, f, outputs, args);
        }
        if (step == null) {
            step = maxPool(sdOp, f, outputs, args);
        }
        if (step == null) {
            step = javaKernel(sdOp, f, outputs, args);
        }
        return step;
    }

    /** The conv net's 2 x 2 max pooling computed in Java ({@link MaxPool}); null for other ops. */
    private Runnable maxPool(SameDiffOp sdOp, DifferentialFunction f, List<String> outputs, INDArray[] args) {
        if (!(f instanceof DynamicCustomOp pool && MaxPool.applies(pool, args, false))) {
            return null;
        }
        INDArray out = memory.take(MaxPool.pooledShape(args[0]), args[0].dataType());
        values.put(outputs.get(0), out);
        labels.put(sdOp.getName(), f.opName() + " (java)");
        return MaxPool.forward(args[0], out);
    }

    /**
     * The gradient of x in x.mmul(w) is not needed when x is an input (the first layer): SameDiff's
     * matmul_bp computes both halves, so compute only dL/dw = x^T eps, half the first layer's backward
     * work; over x's non-zeros when the forward product found x sparse. Null for other ops.
     */
    private Runnable firstLayerWeightGradient(
            SameDiffOp sdOp, DifferentialFunction f, List<String> outputs, INDArray[] args) {
        if (!(f instanceof MmulBp
                && !schedule.needed().contains(outputs.get(0))
                && args.length == 3
                && args[0].rank() == 2
                && args[2].rank() == 2
                && Arrays.stream(((MmulBp) f).iArgs()).allMatch(flag -> flag == 0))) {
            return null;
        }
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
        labels.put(
                sdOp.getName(),
                "matmul_bp (weight gradient only, sparse input" + (helper != null ? ", 2 threads" : "") + ", java)");
        return sparse.transposedProduct(args[2], weightGradient, dense, helper);
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
    private Runnable sparseInputProduct(
            SameDiffOp sdOp, DifferentialFunction f, List<String> outputs, String[] argNames, INDArray[] args) {
        if (!SPARSE
                || f.getClass() != Mmul.class
                || args.length != 2
                || outputs.size() != 1
                || args[0].rank() != 2
                || args[1].rank() != 2
                || args[0].columns() != args[1].rows()
                || args[1].columns() < SparseInput.MIN_WIDTH
                || !NativeFloats.readable(args[1])
                || !schedule.graph().getVariable(argNames[0]).isPlaceHolder()) {
            return null;
        }
        Mmul mmul = (Mmul) f;
        double[] scale = mmul.tArgs();
        if (Arrays.stream(mmul.iArgs()).anyMatch(flag -> flag != 0)
                || scale.length > 0 && scale[0] != 1.0
                || scale.length > 1 && scale[1] != 0.0) {
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

    /**
     * log(exp(x) + c) from x and exp(x) still held by the plan (see {@link LogOfShiftedExp}), or null
     * for any other log, or when those values are no longer in their arrays.
     */
    private Runnable logOfShiftedExp(SameDiffOp sdOp, DifferentialFunction f, List<String> outputs, INDArray[] args) {
        if (f.getClass() != Log.class || args.length != 1 || outputs.size() != 1 || schedule.writesInPlace()) {
            return null;
        }
        SameDiffOp add = schedule.producer(f.argNames()[0]);
        if (add == null
                || add.getOp().getClass() != ScalarAdd.class
                || add.getOp().argNames().length != 1) {
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

    /** Whether the variable's array still holds its value while the op being wired runs ({@link MemoryPlan#holds}). */
    private boolean holds(String variable) {
        return memory.holds(values.get(variable), schedule.producerIndex(variable));
    }

    /**
     * The gradients of x + y and x * y for same-shaped x and y without libnd4j's add_bp and
     * multiply_bp, or null: add's two gradients are the incoming gradient itself (an alias, as for
     * identity; add_bp copied it twice), and of multiply's only the one a later op reads is computed
     * (the other belongs to the reparametrisation noise, a placeholder; small tensors stay with
     * {@link SmallArithmetic}). On a hypernetwork's [K, ...] tensors add_bp's copies and multiply_bp's
     * unread half were a measurable cost per step (docs/performance.md, "Why each kernel exists").
     */
    private Runnable sameShapeArithmeticGradient(
            SameDiffOp sdOp, DifferentialFunction f, List<String> outputs, INDArray[] args) {
        boolean add = f instanceof AddBpOp;
        if (!(add || f instanceof MulBpOp)
                || args.length != 3
                || outputs.size() != 2
                || !args[0].equalShapes(args[1])
                || !args[0].equalShapes(args[2])
                || args[0].dataType() != args[2].dataType()
                || args[1].dataType() != args[2].dataType()) {
            return null;
        }
        if (add) {
            values.put(outputs.get(0), args[2]);
            values.put(outputs.get(1), args[2]);
            return Plan.SKIPPED;
        }
        boolean first = schedule.needed().contains(outputs.get(0));
        if (first == schedule.needed().contains(outputs.get(1)) || args[2].length() <= SmallArithmetic.MAX_LENGTH) {
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

    /** An op {@link #kernel} computes in Java, into a new output array of its first input's shape; else null. */
    private Runnable javaKernel(SameDiffOp sdOp, DifferentialFunction f, List<String> outputs, INDArray[] args) {
        Function<INDArray, Runnable> kernel =
                kernel(f, args, outputs.stream().skip(1).noneMatch(schedule.needed()::contains));
        if (kernel == null) {
            return null;
        }
        INDArray out = memory.take(args[0].shape(), args[0].dataType());
        values.put(outputs.get(0), out);
        labels.put(sdOp.getName(), f.opName() + " (java)");
        return kernel.apply(out);
    }

    /**
     * The Java execution of an op libnd4j M2.1 computes slowly, given the output array (of the first
     * input's shape), or null: exp and log, relu's and 2 x 2 max pooling's gradients, a per-model squared norm's gradient and,
     * when only its first output is read, softmax cross-entropy's gradient (see the classes).
     */
    private static Function<INDArray, Runnable> kernel(
            DifferentialFunction f, INDArray[] args, boolean onlyFirstOutputRead) {
        if (ExpLog.applies(f, args)) {
            return out -> ExpLog.of(f, args[0], out);
        }
        if (f instanceof DynamicCustomOp relu && ReluGradient.applies(relu, args)) {
            return out -> ReluGradient.of(relu, args, out);
        }
        if (f instanceof DynamicCustomOp pool && MaxPool.applies(pool, args, true)) {
            return out -> MaxPool.gradient(args[0], args[1], out);
        }
        if (f instanceof DynamicCustomOp norm && SquaredNormGradient.applies(norm, args)) {
            return out -> SquaredNormGradient.of(args, out);
        }
        if (onlyFirstOutputRead
                && f instanceof DynamicCustomOp loss
                && SoftmaxCrossEntropyGradient.applies(loss, args)) {
            return out -> SoftmaxCrossEntropyGradient.of(loss, args, out);
        }
        return null;
    }

    /**
     * The output of a reshape, expand_dims or squeeze of a contiguous array as a view of its input
     * (the elements keep their order, so nothing needs copying), or null. Not in plans with an op
     * writing into its input.
     */
    INDArray view(DynamicCustomOp op, INDArray[] args, List<String> outputs, List<LongShapeDescriptor> shapes) {
        boolean reshape = op instanceof Reshape && op.iArgs().length > 0 && op.iArgs()[0] == Reshape.C_ORDER;
        if (!(reshape || op instanceof ExpandDims || op instanceof Squeeze)
                || outputs.size() != 1
                || schedule.writesInPlace()
                || args.length == 0
                || !NativeFloats.contiguous(args[0])
                || shapes.get(0).isEmpty()
                || args[0].length() != ArrayUtil.prodLong(shapes.get(0).getShape())) {
            return null;
        }
        // A view is never written: not by later ops (no in-place ops in this plan), nor, as a
        // parameter's gradient, by the update (FusedAdam reads it; SameDiff's updaters get a copy).
        return Shape.newShapeNoCopy(args[0], shapes.get(0).getShape(), false);
    }

    /** A per-model sum or squared norm in Java ({@link ModelReductions}) into its allocated output, or null. */
    Runnable reduction(SameDiffOp sdOp, DifferentialFunction f, INDArray[] args, INDArray out) {
        ModelReductions reduction = ModelReductions.of(f, args, out);
        if (reduction != null) {
            labels.put(sdOp.getName(), f.opName() + " (java)");
        }
        return reduction;
    }

    /** Element-wise arithmetic on small arrays in Java (see {@link SmallArithmetic}) into its allocated outputs, or null. */
    Runnable small(SameDiffOp sdOp, DifferentialFunction f, INDArray[] args, INDArray[] outs) {
        SmallArithmetic kernel = SmallArithmetic.of(f, args, outs);
        if (kernel != null) {
            labels.put(sdOp.getName(), f.opName() + " (java)");
        }
        return kernel;
    }
}
