package io.hyperprune.runtime.report;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.DoubleSummaryStatistics;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A model's evaluated points (lambda x deletion level, mean over restarts) and the two envelopes the report draws:
 * the Pareto front of accuracy against remaining parameters, and the best lambda at each deletion level.
 */
final class ParetoFront {

    /** One evaluated model: at {@code lambda}, {@code deletedPercent} % of its weights deleted. */
    record Point(double lambda, double deletedPercent, long remainingParameters, double accuracy) {}

    /** Orders points by remaining parameters, then best accuracy first, then lambda and level (ties: the first). */
    private static final Comparator<Point> BY_SIZE_THEN_BEST = Comparator.comparingLong(Point::remainingParameters)
            .thenComparing(Comparator.comparingDouble(Point::accuracy).reversed())
            .thenComparingDouble(Point::lambda)
            .thenComparingDouble(Point::deletedPercent);

    private ParetoFront() {}

    /** One point per lambda and level of these rows (one model, one criterion): accuracy averaged over restarts. */
    static List<Point> points(List<ResultRow> rows) {
        Map<List<Double>, DoubleSummaryStatistics> accuracy = new LinkedHashMap<>();
        Map<List<Double>, Long> remaining = new LinkedHashMap<>();
        for (ResultRow row : rows) {
            List<Double> key = List.of(row.lambda(), row.deletedPercent());
            accuracy.computeIfAbsent(key, k -> new DoubleSummaryStatistics()).accept(row.accuracy());
            remaining.merge(key, row.remainingParameters(), Math::max);
        }
        List<Point> points = new ArrayList<>();
        accuracy.forEach(
                (key, stats) -> points.add(new Point(key.get(0), key.get(1), remaining.get(key), stats.getAverage())));
        return points;
    }

    /**
     * The upper envelope: the points no other point beats with as many parameters or fewer (at least as accurate
     * with fewer, or more accurate with as many). Ascending in parameters and strictly in accuracy; of exact ties
     * the smallest lambda, then the smallest level, is kept.
     */
    static List<Point> front(List<Point> points) {
        List<Point> sorted = new ArrayList<>(points);
        sorted.sort(BY_SIZE_THEN_BEST);
        List<Point> front = new ArrayList<>();
        double best = Double.NEGATIVE_INFINITY;
        for (Point point : sorted) {
            if (point.accuracy() > best) {
                front.add(point);
                best = point.accuracy();
            }
        }
        return front;
    }

    /** Per deletion level (ascending), the most accurate lambda; of ties the smallest lambda. */
    static List<Point> bestPerLevel(List<Point> points) {
        Map<Double, Point> best = new TreeMap<>();
        for (Point point : points) {
            best.merge(
                    point.deletedPercent(),
                    point,
                    (a, b) -> b.accuracy() > a.accuracy() || (b.accuracy() == a.accuracy() && b.lambda() < a.lambda())
                            ? b
                            : a);
        }
        return new ArrayList<>(best.values());
    }
}
