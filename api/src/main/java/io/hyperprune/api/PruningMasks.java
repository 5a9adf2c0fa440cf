package io.hyperprune.api;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Turns pruning scores into keep-masks that delete an exact share of parameters.
 *
 * <p>Exactness: a tensor (or, globally, all tensors together) of n elements loses exactly
 * {@code round(fraction * n)} elements (half rounds up). Ties: among equal scores the element with the
 * lower flat index (tensor order first, then row-major position) is deleted first, so masks never
 * depend on sort stability or thread count. A {@link Ranking} sorts once and then yields the masks of
 * any number of deletion levels; masks of a larger fraction delete a superset of a smaller one's.
 */
public final class PruningMasks {

    /** Where the fraction applies. */
    public enum Scope {
        /** each tensor loses the fraction of its own elements (the reference procedure) */
        LAYER,
        /** the fraction applies to all tensors together; the lowest scores anywhere go first */
        GLOBAL
    }

    private PruningMasks() {}

    /** Number of elements deleted from {@code n} at {@code fraction}. */
    public static long deletedCount(long n, double fraction) {
        checkFraction(fraction);
        return Math.round(fraction * n);
    }

    /**
     * Keep-masks (float32, 1 = kept, 0 = deleted), one per score tensor, same shapes.
     *
     * @param scores one score array per prunable tensor, all finite
     * @param fraction the share to delete, in [0, 1]
     */
    public static List<INDArray> keepMasks(List<INDArray> scores, double fraction, Scope scope) {
        return rank(scores, scope).keepMasks(fraction);
    }

    /** Sorts the scores once, for masks at several deletion levels. */
    public static Ranking rank(List<INDArray> scores, Scope scope) {
        return new Ranking(scores, scope);
    }

    /** The deletion order of a list of score tensors. */
    public static final class Ranking {

        private final List<long[]> shapes = new ArrayList<>();
        private final int[] sizes;
        private final Scope scope;
        /** LAYER: one order per tensor (element indices); GLOBAL: one order over all tensors (flat indices). */
        private final List<int[]> orders = new ArrayList<>();

        private Ranking(List<INDArray> scores, Scope scope) {
            this.scope = scope;
            this.sizes = new int[scores.size()];
            List<float[]> flat = new ArrayList<>();
            long total = 0;
            for (int i = 0; i < scores.size(); i++) {
                INDArray s = scores.get(i);
                float[] values = s.castTo(DataType.FLOAT).dup('c').data().asFloat();
                for (float v : values) {
                    if (!Float.isFinite(v)) {
                        throw new IllegalArgumentException("pruning score is not finite: " + v);
                    }
                }
                shapes.add(s.shape());
                sizes[i] = values.length;
                flat.add(values);
                total += values.length;
            }
            if (scope == Scope.LAYER) {
                for (float[] values : flat) {
                    orders.add(order(List.of(values)));
                }
            } else {
                if (total > Integer.MAX_VALUE) {
                    throw new IllegalArgumentException("too many parameters for a global mask: " + total);
                }
                orders.add(order(flat));
            }
        }

        /** Keep-masks deleting {@code fraction} of the elements (float32, 1 = kept, 0 = deleted). */
        public List<INDArray> keepMasks(double fraction) {
            checkFraction(fraction);
            List<float[]> keep = new ArrayList<>();
            for (int size : sizes) {
                float[] k = new float[size];
                Arrays.fill(k, 1f);
                keep.add(k);
            }
            if (scope == Scope.LAYER) {
                for (int t = 0; t < sizes.length; t++) {
                    int[] order = orders.get(t);
                    long count = deletedCount(order.length, fraction);
                    for (int i = 0; i < count; i++) {
                        keep.get(t)[order[i]] = 0f;
                    }
                }
            } else {
                int[] order = orders.get(0);
                int[] offsets = new int[sizes.length + 1];
                for (int t = 0; t < sizes.length; t++) {
                    offsets[t + 1] = offsets[t] + sizes[t];
                }
                long count = deletedCount(order.length, fraction);
                for (int i = 0; i < count; i++) {
                    int index = order[i];
                    int tensor = Arrays.binarySearch(offsets, index);
                    tensor = tensor >= 0 ? tensor : -tensor - 2;
                    while (offsets[tensor + 1] <= index) {
                        tensor++; // skip empty tensors sharing an offset
                    }
                    keep.get(tensor)[index - offsets[tensor]] = 0f;
                }
            }
            List<INDArray> masks = new ArrayList<>();
            for (int t = 0; t < sizes.length; t++) {
                masks.add(Nd4j.create(keep.get(t), shapes.get(t), 'c'));
            }
            return masks;
        }

        /** Flat indices sorted by (score, index): the deletion order. */
        private static int[] order(List<float[]> tensors) {
            int n = tensors.stream().mapToInt(t -> t.length).sum();
            long[] keys = new long[n];
            int position = 0;
            for (float[] values : tensors) {
                for (float v : values) {
                    keys[position] = ((long) sortableBits(v) << 32) | (position & 0xffffffffL);
                    position++;
                }
            }
            Arrays.sort(keys);
            int[] order = new int[n];
            for (int i = 0; i < n; i++) {
                order[i] = (int) keys[i];
            }
            return order;
        }
    }

    /** An int whose signed order equals the float order (-0.0 and 0.0 kept distinct but adjacent). */
    private static int sortableBits(float v) {
        int bits = Float.floatToIntBits(v);
        return bits ^ ((bits >> 31) & 0x7fffffff);
    }

    private static void checkFraction(double fraction) {
        if (!(fraction >= 0 && fraction <= 1)) {
            throw new IllegalArgumentException("deletion fraction must be in [0, 1], got " + fraction);
        }
    }
}
