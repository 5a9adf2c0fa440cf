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
 * depend on sort stability or thread count.
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
        checkFraction(fraction);
        List<float[]> flat = new ArrayList<>();
        long total = 0;
        for (INDArray s : scores) {
            float[] values = s.castTo(DataType.FLOAT).dup('c').data().asFloat();
            for (float v : values) {
                if (!Float.isFinite(v)) {
                    throw new IllegalArgumentException("pruning score is not finite: " + v);
                }
            }
            flat.add(values);
            total += values.length;
        }
        List<float[]> keep = new ArrayList<>();
        for (float[] values : flat) {
            float[] k = new float[values.length];
            Arrays.fill(k, 1f);
            keep.add(k);
        }
        if (scope == Scope.LAYER) {
            for (int i = 0; i < flat.size(); i++) {
                deleteLowest(List.of(flat.get(i)), List.of(keep.get(i)), deletedCount(flat.get(i).length, fraction));
            }
        } else {
            if (total > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("too many parameters for a global mask: " + total);
            }
            deleteLowest(flat, keep, deletedCount(total, fraction));
        }
        List<INDArray> masks = new ArrayList<>();
        for (int i = 0; i < scores.size(); i++) {
            masks.add(Nd4j.create(keep.get(i), scores.get(i).shape(), 'c'));
        }
        return masks;
    }

    /** Marks the {@code count} lowest (score, flat index) pairs across the tensors as deleted. */
    private static void deleteLowest(List<float[]> tensors, List<float[]> keep, long count) {
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
        int[] offsets = new int[tensors.size() + 1];
        for (int i = 0; i < tensors.size(); i++) {
            offsets[i + 1] = offsets[i] + tensors.get(i).length;
        }
        for (int i = 0; i < count; i++) {
            int index = (int) keys[i];
            int tensor = Arrays.binarySearch(offsets, index);
            tensor = tensor >= 0 ? tensor : -tensor - 2;
            while (offsets[tensor + 1] <= index) {
                tensor++; // skip empty tensors sharing an offset
            }
            keep.get(tensor)[index - offsets[tensor]] = 0f;
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
