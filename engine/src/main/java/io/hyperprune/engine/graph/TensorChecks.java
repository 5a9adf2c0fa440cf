package io.hyperprune.engine.graph;

import java.util.Arrays;
import java.util.Optional;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.reduce.longer.MatchCondition;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.conditions.Conditions;

/** Checks of what plugins return: finiteness and the model axis of the shapes the SPIs promise. */
public final class TensorChecks {

    private TensorChecks() {}

    /**
     * The first element that is not a finite float32 (NaN, infinite, or beyond float range, which the
     * runtime's float32 pipeline would turn into infinity), as "NaN at [3, 17]"; empty if all are.
     * Counts on the native side first, so a clean array of millions of elements is not copied.
     */
    public static Optional<String> firstNonFinite(INDArray array) {
        if (array.isEmpty() || !array.dataType().isFPType() && array.dataType() != DataType.BFLOAT16) {
            return Optional.empty(); // integers are always finite
        }
        INDArray asFloat = array.dataType() == DataType.FLOAT ? array : array.castTo(DataType.FLOAT);
        long bad = Nd4j.getExecutioner()
                .exec(new MatchCondition(asFloat, Conditions.notFinite()))
                .getLong(0);
        if (bad == 0) {
            return Optional.empty();
        }
        // Rare path: find where, on a flat copy of the original values.
        double[] values = array.castTo(DataType.DOUBLE).dup('c').data().asDouble();
        for (int i = 0; i < values.length; i++) {
            if (!Float.isFinite((float) values[i])) {
                return Optional.of(values[i] + " at " + index(array.shape(), i));
            }
        }
        return Optional.of(bad + " non-finite elements");
    }

    /** The row-major multi-index of a flat index, as "[r, c]". */
    public static String index(long[] shape, long flat) {
        long[] index = new long[shape.length];
        for (int d = shape.length - 1; d >= 0; d--) {
            index[d] = shape[d] == 0 ? 0 : flat % shape[d];
            flat = shape[d] == 0 ? 0 : flat / shape[d];
        }
        return Arrays.toString(index);
    }

    /** [K, ...shape] or [1, ...shape] (one tensor for all models, which broadcasts over the model axis). */
    public static boolean hasModelAxis(long[] actual, long models, long[] shape) {
        if (actual.length != shape.length + 1 || actual[0] != models && actual[0] != 1) {
            return false;
        }
        return Arrays.equals(Arrays.copyOfRange(actual, 1, actual.length), shape);
    }
}
