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
        List<Double> iou = levels.stream().map(level -> iou(rankingA.keepMasks(level), rankingB.keepMasks(level))).toList();
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

    static double[] ranks(double[] values) {
        Integer[] order = new Integer[values.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (p, q) -> Double.compare(values[p], values[q]));
        double[] ranks = new double[values.length];
        int i = 0;
        while (i < order.length) {
            int j = i;
            while (j + 1 < order.length && values[order[j + 1]] == values[order[i]]) {
                j++;
            }
            double average = (i + j) / 2.0 + 1;
            for (int k = i; k <= j; k++) {
                ranks[order[k]] = average;
            }
            i = j + 1;
        }
        return ranks;
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
        return tensors.stream().flatMapToDouble(t -> Arrays.stream(t.castTo(DataType.DOUBLE).dup('c').data().asDouble())).toArray();
    }
}
