package io.hyperprune.runtime.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ReportTablesTest {

    private static ResultRow row(
            String run, String model, double lambda, int restart, double deleted, double accuracy, double seconds) {
        return new ResultRow(
                run, model, model, "none", lambda, restart, "magnitude", "all", deleted, accuracy, 10, seconds);
    }

    @Test
    void lambdasPrintWholeNumbersWithoutAFraction() {
        assertThat(ReportTables.format(1.0)).isEqualTo("1");
        assertThat(ReportTables.format(0.1)).isEqualTo("0.1");
        assertThat(ReportTables.format(1e10)).isEqualTo("1.0E10");
    }

    @Test
    void trainingSecondsSumDistinctRunsPerRestart() {
        List<ResultRow> rows = List.of(
                row("a-r0", "a", 0.1, 0, 0, 0.9, 4),
                row("a-r0", "a", 0.1, 0, 50, 0.8, 4),
                row("a-r1", "a", 0.1, 1, 0, 0.7, 6),
                row("b-r0", "b", 0.1, 0, 0, 0.5, 3),
                row("b-r0-l1", "b", 1, 0, 0, 0.5, 2));
        assertThat(ReportTables.trainingSeconds(rows))
                .containsExactly(java.util.Map.entry("a", 5.0), java.util.Map.entry("b", 5.0));
    }

    @Test
    void accuracyTableShowsMinMaxOnlyOverSeveralRestarts() {
        List<ResultRow> rows = List.of(
                row("a-r0", "a", 0.1, 0, 0, 0.9, 1),
                row("a-r1", "a", 0.1, 1, 0, 0.7, 1),
                row("b-r0", "b", 1, 0, 50, 0.5, 1));
        assertThat(ReportTables.accuracyTable(rows))
                .isEqualTo("| model | criterion | lambda | 0% | 50% | 80% | 90% |\n"
                        + "|---|---|---|---|---|---|---|\n"
                        + "| a | magnitude | 0.1 | 0.8000 [0.7000-0.9000] | - | - | - |\n"
                        + "| b | magnitude | 1 | - | 0.5000 | - | - |\n");
    }

    @Test
    void withoutAgreementTheTheoremTableSaysWhy() {
        assertThat(ReportTables.agreementTable(List.of())).startsWith("No agreement.csv");
        assertThat(ReportTables.agreementTable(List.<String[]>of(new String[] {"x", "y"})))
                .endsWith("| x | y |\n");
    }
}
