package io.hyperprune.runtime.experiment;

import io.hyperprune.api.LambdaRange;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * The lambdas of a hypernetwork run's accuracy surface: {@code count} log-spaced over the range it was
 * trained on, plus the grid's own lambdas (so the surface holds every point of {@code results.csv}).
 */
final class SurfaceLambdas {

    /** Relative distance under which a log-grid lambda is the grid's own lambda (0.01 vs 0.009999999). */
    private static final double SAME = 1e-6;

    private SurfaceLambdas() {}

    /**
     * The surface's lambdas for a run trained on {@code range} whose grid evaluates {@code gridLambdas}.
     *
     * @param count log-spaced lambdas from {@code range.min()} to {@code range.max()} inclusive (at least 2), each
     *     rounded to 6 significant digits so the files read well
     * @return ascending, without duplicates; a grid lambda replaces a log-grid one within {@value #SAME}
     */
    static List<Double> of(LambdaRange range, int count, List<Double> gridLambdas) {
        if (count < 2) {
            throw new IllegalArgumentException("a surface needs at least 2 lambdas, got " + count);
        }
        TreeSet<Double> lambdas = new TreeSet<>(gridLambdas);
        double low = Math.log(range.min());
        double high = Math.log(range.max());
        for (int i = 0; i < count; i++) {
            double lambda = i == 0
                    ? range.min()
                    : i == count - 1 ? range.max() : Math.exp(low + (high - low) * i / (count - 1));
            double rounded = new BigDecimal(lambda).round(new MathContext(6)).doubleValue();
            if (gridLambdas.stream().noneMatch(g -> Math.abs(g - rounded) <= SAME * g)) {
                lambdas.add(rounded);
            }
        }
        return new ArrayList<>(lambdas);
    }
}
