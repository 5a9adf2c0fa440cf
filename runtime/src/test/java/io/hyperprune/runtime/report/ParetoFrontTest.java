package io.hyperprune.runtime.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.hyperprune.runtime.report.ParetoFront.Point;
import java.util.List;
import org.junit.jupiter.api.Test;

class ParetoFrontTest {

    private static Point p(double lambda, double deleted, long remaining, double accuracy) {
        return new Point(lambda, deleted, remaining, accuracy);
    }

    @Test
    void dominatedPointsAreRemoved() {
        Point small = p(1, 90, 100, 0.80);
        Point dominatedBySmall = p(10, 80, 200, 0.75); // more parameters, less accurate
        Point middle = p(10, 50, 500, 0.90);
        Point dominatedAtSameSize = p(1, 50, 500, 0.85); // as many parameters, less accurate
        Point large = p(1, 0, 1000, 0.95);
        Point dominatedLarge = p(10, 0, 1000, 0.91);
        assertThat(ParetoFront.front(
                        List.of(dominatedLarge, large, middle, dominatedBySmall, dominatedAtSameSize, small)))
                .containsExactly(small, middle, large);
    }

    @Test
    void moreParametersWithoutMoreAccuracyIsNoImprovement() {
        Point small = p(1, 80, 200, 0.9);
        Point sameAccuracyLarger = p(10, 0, 1000, 0.9);
        assertThat(ParetoFront.front(List.of(sameAccuracyLarger, small))).containsExactly(small);
    }

    @Test
    void ofExactTiesTheSmallestLambdaThenLevelIsKept() {
        Point a = p(0.1, 50, 500, 0.9);
        Point b = p(1, 50, 500, 0.9);
        Point c = p(0.1, 40, 500, 0.9);
        assertThat(ParetoFront.front(List.of(b, a, c))).containsExactly(c);
    }

    @Test
    void theEnvelopeIsMonotoneAndEveryPointIsUnderIt() {
        java.util.Random random = new java.util.Random(7);
        List<Point> points = new java.util.ArrayList<>();
        for (int i = 0; i < 300; i++) {
            points.add(p(random.nextInt(5), random.nextInt(10) * 10, 1 + random.nextInt(50), random.nextDouble()));
        }
        List<Point> front = ParetoFront.front(points);
        for (int i = 1; i < front.size(); i++) {
            assertThat(front.get(i).remainingParameters())
                    .isGreaterThan(front.get(i - 1).remainingParameters());
            assertThat(front.get(i).accuracy()).isGreaterThan(front.get(i - 1).accuracy());
        }
        for (Point point : points) {
            // The best accuracy the front offers with at most this many parameters is at least the point's.
            double offered = front.stream()
                    .filter(f -> f.remainingParameters() <= point.remainingParameters())
                    .mapToDouble(Point::accuracy)
                    .max()
                    .orElseThrow();
            assertThat(offered).isGreaterThanOrEqualTo(point.accuracy());
        }
        assertThat(front).isSubsetOf(points);
    }

    @Test
    void bestLambdaPerLevelTakesTheMostAccurateAndOfTiesTheSmallestLambda() {
        List<Point> points = List.of(
                p(0.1, 0, 1000, 0.95),
                p(10, 0, 1000, 0.96),
                p(0.1, 80, 200, 0.70),
                p(10, 80, 200, 0.70),
                p(1, 80, 200, 0.60));
        assertThat(ParetoFront.bestPerLevel(points)).containsExactly(p(10, 0, 1000, 0.96), p(0.1, 80, 200, 0.70));
    }

    @Test
    void pointsAverageRestartsPerLambdaAndLevel() {
        List<ResultRow> rows = List.of(
                new ResultRow("r0", "m", "e", "linear", 1, 0, "c", "layer", 50, 0.75, 500, 1),
                new ResultRow("r1", "m", "e", "linear", 1, 1, "c", "layer", 50, 0.25, 500, 1),
                new ResultRow("r0", "m", "e", "linear", 2, 0, "c", "layer", 50, 0.5, 500, 1));
        assertThat(ParetoFront.points(rows)).containsExactly(p(1, 50, 500, 0.5), p(2, 50, 500, 0.5));
    }

    @Test
    void parameterTicksReadAsCountsToTwoDigits() {
        assertThat(FrontFigures.parameters(812)).isEqualTo("810");
        assertThat(FrontFigures.parameters(Math.pow(10, 4.1))).isEqualTo("13k");
        assertThat(FrontFigures.parameters(39760)).isEqualTo("40k");
        assertThat(FrontFigures.parameters(6309.6)).isEqualTo("6.3k");
        assertThat(FrontFigures.parameters(1.49e6)).isEqualTo("1.5M");
    }
}
