package io.hyperprune.runtime.pruning;

import io.hyperprune.api.PruningMasks;
import java.util.Arrays;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The theorem check of METHOD.md: how well the pruning scores of a hypernetwork-generated model agree
 * with those of a model trained directly at the same lambda. Spearman rank correlation of all weight
 * scores (ties get their average rank) and intersection-over-union of the deleted sets at given levels.
 */
public final class ScoreAgreement {

    private ScoreAgreement() {}

    /** Agreement figures; {@code iou[i]} belongs to {@code levels[i]}. */
    public record Result(double spearman, List<Double> levels, List<Double> iou) {}

    public static Result compare(List<INDArray> a, List<INDArray> b, PruningMasks.Scope scope, List<Double> levels) {
        double[] x = flatten(a);
        double[] y = flatten(b);
        if (x.length != y.length) {
            throw new IllegalArgumentException("score lists differ in size: " + x.length + " vs " + y.length);
        }
        double spearman = pearson(ranks(x), ranks(y));
        PruningMasks.Ranking rankingA = PruningMasks.rank(a, scope);
        PruningMasks.Ranking rankingB = PruningMasks.rank(b, scope);
        List<Double> iou = levels.stream()
                .map(level -> iou(rankingA.keepMasks(level), rankingB.keepMasks(level)))
                .toList();
        return new Result(spearman, List.copyOf(levels), iou);
    }

    /** |deleted in both| / |deleted in either|; 1 when neither deletes anything. */
    static double iou(List<INDArray> keepA, List<INDArray> keepB) {
        long both = 0;
        long either = 0;
        for (int t = 0; t < keepA.size(); t++) {
            float[] ka = keepA.get(t).data().asFloat();
            float[] kb = keepB.get(t).data().asFloat();
            for (int i = 0; i < ka.length; i++) {
                boolean deletedA = ka[i] == 0f;
                boolean deletedB = kb[i] == 0f;
                if (deletedA && deletedB) {
                    both++;
                }
                if (deletedA || deletedB) {
                    either++;
                }
            }
        }
        return either == 0 ? 1.0 : both / (double) either;
    }

    /**
     * 1-based ranks, ties sharing their average rank. Scores that are floats (all bundled criteria) are
     * ranked by one primitive sort of (score, index) keys and a walk over its runs of equal scores;
     * sorting boxed indices with a comparator took most of the agreement step (docs/performance.md,
     * "Why each kernel exists").
     */
    static double[] ranks(double[] values) {
        for (double v : values) {
            if ((float) v != v) {
                return ranksBySearch(values);
            }
        }
        long[] keys = new long[values.length];
        for (int i = 0; i < values.length; i++) {
            keys[i] = ((long) sortableBits((float) values[i]) << 32) | i;
        }
        Arrays.sort(keys);
        double[] ranks = new double[values.length];
        int first = 0;
        while (first < keys.length) {
            double value = values[(int) keys[first]];
            int last = first;
            while (last + 1 < keys.length && values[(int) keys[last + 1]] == value) {
                last++;
            }
            for (int k = first; k <= last; k++) {
                ranks[(int) keys[k]] = (first + last) / 2.0 + 1;
            }
            first = last + 1;
        }
        return ranks;
    }

    /** An int whose signed order is the float order (-0.0 just below 0.0, so == ties stay adjacent). */
    private static int sortableBits(float v) {
        int bits = Float.floatToIntBits(v);
        return bits ^ ((bits >> 31) & 0x7fffffff);
    }

    /** {@link #ranks} for scores beyond float precision: each rank from the run of its value in a sorted copy. */
    private static double[] ranksBySearch(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        double[] ranks = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            int first = boundary(sorted, values[i], false);
            int last = boundary(sorted, values[i], true) - 1;
            ranks[i] = (first + last) / 2.0 + 1;
        }
        return ranks;
    }

    /** The index of the first element of {@code sorted} above {@code value} (or, if not {@code above}, not below it). */
    private static int boundary(double[] sorted, double value, boolean above) {
        int low = 0;
        int high = sorted.length;
        while (low < high) {
            int middle = (low + high) >>> 1;
            if (above ? sorted[middle] <= value : sorted[middle] < value) {
                low = middle + 1;
            } else {
                high = middle;
            }
        }
        return low;
    }

    static double pearson(double[] x, double[] y) {
        double mx = Arrays.stream(x).average().orElse(0);
        double my = Arrays.stream(y).average().orElse(0);
        double sxy = 0;
        double sxx = 0;
        double syy = 0;
        for (int i = 0; i < x.length; i++) {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
            syy += (y[i] - my) * (y[i] - my);
        }
        return sxx == 0 || syy == 0 ? Double.NaN : sxy / Math.sqrt(sxx * syy);
    }

    private static double[] flatten(List<INDArray> tensors) {
        return tensors.stream()
                .flatMapToDouble(t ->
                        Arrays.stream(t.castTo(DataType.DOUBLE).dup('c').data().asDouble()))
                .toArray();
    }
}
