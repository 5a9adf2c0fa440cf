package io.hyperprune.engine.graph;

import io.hyperprune.api.ComponentOptions;
import io.hyperprune.api.Hypernetwork;
import java.util.Arrays;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The degenerate hypernetwork of the plain models (a)-(c) of METHOD.md: G(t) = b, one learned tensor
 * per generated tensor, independent of lambda. Returns {@code [1, ...shape]}, which broadcasts over
 * the model axis.
 *
 * <p>{@link #independent} is the same for M plain models trained side by side in one graph (one per
 * lambda of a grid, each with its own tensors): G(t) is the row of the learned [M, size] matrix whose
 * lambda is t. The row is picked by a product with coefficients c_m = clamp(1 - |t - t_m| / d, 0, 1),
 * d the smallest distance between two t_m: exactly 1 for the model's own t and exactly 0 for every
 * other model's, so each model's tensors get only its own gradient. Lambdas between the grid's are
 * not models of such a run; the runtime refuses them.
 */
public final class ConstantHypernetwork implements Hypernetwork {

    public static final String ID = "constant";

    /**
     * True for the plain models' hypernetwork: G(t) does not depend on lambda, so a run trains one
     * model per lambda (side by side) instead of sampling lambdas, and serves no lambda between them.
     * The one place that knows which selected hypernetwork means "plain".
     */
    public static boolean isPlain(String hypernetworkId) {
        return ID.equals(hypernetworkId);
    }

    /** As {@link #isPlain(String)}, for a selected component. */
    public static boolean isPlain(Hypernetwork hypernetwork) {
        return isPlain(hypernetwork.id());
    }

    private final float[] table;
    /** The smallest distance between two t_m: the width of each model's selection hat. */
    private final float spacing;

    public ConstantHypernetwork() {
        this(new float[0], Float.MAX_VALUE);
    }

    private ConstantHypernetwork(float[] table, float spacing) {
        this.table = table;
        this.spacing = spacing;
    }

    /** One independent plain model per lambda (distinct values), t_m normalised in the given range. */
    public static ConstantHypernetwork independent(
            java.util.List<Double> lambdas, io.hyperprune.api.LambdaRange range) {
        return independent(lambdas.stream().mapToDouble(range::normalize).toArray());
    }

    /**
     * M independent plain models, one per normalised lambda t_m (distinct values), for one graph.
     */
    public static ConstantHypernetwork independent(double[] t) {
        float[] table = new float[t.length];
        for (int i = 0; i < t.length; i++) {
            table[i] = (float) t[i];
        }
        float[] sorted = table.clone();
        Arrays.sort(sorted);
        float spacing = Float.MAX_VALUE;
        for (int i = 1; i < sorted.length; i++) {
            if (!(sorted[i] > sorted[i - 1])) {
                throw new IllegalArgumentException(
                        "independent plain models need distinct lambdas, got t = " + Arrays.toString(t));
            }
            spacing = Math.min(spacing, sorted[i] - sorted[i - 1]);
        }
        return new ConstantHypernetwork(table, spacing);
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String description() {
        return "plain model: G(t) = b, one tensor independent of lambda (models a-c); several lambdas: one such model per lambda";
    }

    @Override
    public Generator attach(SameDiff sd, SDVariable t, ComponentOptions options) {
        if (table.length <= 1) {
            return tensor -> sd.expandDims(sd.var(tensor.name() + "/b", tensor.initialValue()), 0);
        }
        // |t - t_m| for every model, [K, M]; t [K] as a column.
        SDVariable distance = sd.math()
                .abs(t.reshape(-1, 1)
                        .sub(sd.constant(Nd4j.createFromArray(table).reshape(1, table.length))));
        SDVariable coefficients = sd.math().clipByValue(distance.div(spacing).rsub(1.0), 0.0, 1.0);
        return tensor -> {
            INDArray value = tensor.initialValue();
            SDVariable rows = sd.var(
                    tensor.name() + "/b", value.reshape(1, value.length()).repeat(0, table.length));
            long[] shape = new long[tensor.shape().length + 1];
            shape[0] = -1;
            System.arraycopy(tensor.shape(), 0, shape, 1, tensor.shape().length);
            return coefficients.mmul(rows).reshape(shape);
        };
    }
}
