package io.hyperprune.runtime.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClaimsTest {

    private static final String CRITERION = "relative-density";

    /** A model's rows at levels 0 and 80; accuracy at 80 % from {@code at80} per lambda. */
    private static List<ResultRow> model(
            String evidence, String hypernetwork, double seconds, double[] lambdas, double[] at80) {
        String model = ReportData.model(evidence, hypernetwork);
        List<ResultRow> rows = new ArrayList<>();
        for (int i = 0; i < lambdas.length; i++) {
            for (double level : new double[] {0, 80}) {
                rows.add(new ResultRow(
                        model + "-r0",
                        model,
                        evidence,
                        hypernetwork,
                        lambdas[i],
                        0,
                        CRITERION,
                        "layer",
                        level,
                        level == 0 ? 0.9 : at80[i],
                        level == 0 ? 1000 : 200,
                        seconds));
            }
        }
        return rows;
    }

    private static ReportData data(List<ResultRow> results, List<ResultRow> surface, List<String[]> agreement) {
        List<String> evidences =
                results.stream().map(ResultRow::evidence).distinct().toList();
        List<String> hypernetworks = results.stream()
                .map(ResultRow::hypernetwork)
                .distinct()
                .sorted()
                .toList();
        return new ReportData(results, surface, agreement, evidences, hypernetworks, CRITERION);
    }

    @Test
    void spearmanRanksTiesByTheirAverageAndIsUndefinedForAConstant() {
        assertThat(Claims.spearman(new double[] {1, 2, 3}, new double[] {10, 20, 30}))
                .isEqualTo(1.0);
        assertThat(Claims.spearman(new double[] {1, 2, 3}, new double[] {5, 1, 0}))
                .isEqualTo(-1.0);
        assertThat(Claims.spearman(new double[] {1, 2, 3, 4}, new double[] {1, 2, 2, 3}))
                .isCloseTo(0.9487, within(1e-4));
        assertThat(Claims.spearman(new double[] {1, 2, 3}, new double[] {7, 7, 7}))
                .isNaN();
    }

    @Test
    void robustnessIsTheRankCorrelationOfLambdaWithAccuracyAt80PerModel() {
        double[] lambdas = {0.01, 1, 100};
        List<ResultRow> rows =
                new ArrayList<>(model("variational", "constant", 10, lambdas, new double[] {0.2, 0.5, 0.7}));
        rows.addAll(model("variational", "linear", 12, lambdas, new double[] {0.6, 0.5, 0.4}));
        // The surface has more lambdas (ranks 4 5 3 1 2: rho = 1 - 6 * 36 / 120 = -0.8), reported next to the grid's.
        List<ResultRow> surface = model(
                "variational", "linear", 12, new double[] {0.01, 0.1, 1, 10, 100}, new double[] {0.6, 0.7, 0.5, 0.3, 0.4
                });
        Claims.Claim claim = Claims.robustness(data(rows, surface, List.of()));
        assertThat(claim.sentence())
                .contains("at 80 % deleted")
                .contains("variational +1.00")
                .contains("variational+linear -1.00 (5 surface lambdas: -0.80)")
                .contains("Positive for 1 of 2 models");
    }

    @Test
    void robustnessSaysWhenThereAreTooFewLambdasAndWhichLevelItUsed() {
        List<ResultRow> rows = model("weight-decay", "constant", 1, new double[] {0.1, 1}, new double[] {0.3, 0.4});
        assertThat(Claims.robustness(data(rows, List.of(), List.of())).sentence())
                .startsWith("Not checked: a rank correlation needs at least 3 lambdas");
        List<ResultRow> at90 =
                model("weight-decay", "constant", 1, new double[] {0.1, 1, 10}, new double[] {0.3, 0.4, 0.5}).stream()
                        .map(r -> new ResultRow(
                                r.run(),
                                r.model(),
                                r.evidence(),
                                r.hypernetwork(),
                                r.lambda(),
                                r.restart(),
                                r.criterion(),
                                r.scope(),
                                r.deletedPercent() == 80 ? 90 : 0,
                                r.accuracy(),
                                r.remainingParameters(),
                                r.trainingSeconds()))
                        .toList();
        assertThat(Claims.robustness(data(at90, List.of(), List.of())).sentence())
                .contains("at 90 % deleted (the level nearest 80 % here)")
                .contains("weight-decay +1.00");
        List<ResultRow> mixed = new ArrayList<>(
                model("variational", "constant", 1, new double[] {0.1, 1, 10}, new double[] {0.5, 0.4, 0.3}));
        mixed.addAll(model("variational", "linear", 1, new double[] {0.1, 1}, new double[] {0.3, 0.4}));
        assertThat(Claims.robustness(data(mixed, List.of(), List.of())).sentence())
                .contains("variational -1.00")
                .doesNotContain("variational+linear")
                .endsWith("Positive for 0 of 1 models; 1 model(s) with fewer than 3 lambdas not ranked.");
    }

    @Test
    void hypernetworkVsPlainGivesMeanAndWorstDifferenceAndTheCostRatio() {
        double[] lambdas = {0.1, 1};
        List<ResultRow> rows = new ArrayList<>(model("variational", "constant", 10, lambdas, new double[] {0.5, 0.6}));
        rows.addAll(model("variational", "piecewise", 25, lambdas, new double[] {0.4, 0.7}));
        // Differences: 0 and 0 at level 0; -0.1 and +0.1 at 80 %: mean 0, worst -0.1 at lambda 0.1.
        assertThat(Claims.hypernetworkVsPlain(data(rows, List.of(), List.of())).sentence())
                .contains("variational+piecewise mean +0.000, worst -0.100 (lambda 0.1, 80 % deleted), 4 points,"
                        + " training time 2.50x");
    }

    @Test
    void hypernetworkVsPlainSaysWhatIsMissing() {
        List<ResultRow> hyperOnly = model("variational", "linear", 1, new double[] {1}, new double[] {0.5});
        assertThat(Claims.hypernetworkVsPlain(data(hyperOnly, List.of(), List.of()))
                        .sentence())
                .isEqualTo("Not checked: nothing to compare for variational+linear (no plain variational model).");
        List<ResultRow> plainOnly = model("variational", "constant", 1, new double[] {1}, new double[] {0.5});
        assertThat(Claims.hypernetworkVsPlain(data(plainOnly, List.of(), List.of()))
                        .sentence())
                .isEqualTo("Not checked: the experiment has no hypernetwork model.");
    }

    @Test
    void theTheoremCheckSummarisesAgreementPerModelAgainstChance() {
        List<ResultRow> rows = model("variational", "linear", 1, new double[] {1}, new double[] {0.5});
        List<String[]> agreement = List.of(
                new String[] {"variational", "linear", "0.1", "0", CRITERION, "0.8000", "0.7", "0.9000", "0.95"},
                new String[] {"variational", "linear", "1.0", "0", CRITERION, "0.6000", "0.7", "0.5000", "0.95"},
                new String[] {"variational", "linear", "1.0", "0", "magnitude", "0.1000", "0.1", "0.1000", "0.1"});
        assertThat(Claims.theorem(data(rows, List.of(), agreement)).sentence())
                .contains("variational+linear Spearman 0.70 [0.60, 0.80], IoU 0.70 [0.50, 0.90]")
                .contains("IoU above chance (0.67 for random masks) for 1 of 2 pairs");
        assertThat(Claims.theorem(data(rows, List.of(), List.of())).sentence()).startsWith("Not checked:");
    }
}
