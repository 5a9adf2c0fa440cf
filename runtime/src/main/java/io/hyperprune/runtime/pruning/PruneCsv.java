package io.hyperprune.runtime.pruning;

import io.hyperprune.runtime.run.CsvTable;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The layout of a pruning sweep's table ({@code prune.csv} of an experiment's run, or a manual
 * {@code prune}'s own file): one row per lambda, criterion and deletion level. Written and read here only.
 */
public final class PruneCsv {

    static final CsvTable TABLE = new CsvTable(
            "pruning table (prune.csv)",
            List.of("lambda", "criterion", "scope", "deleted_percent", "accuracy", "remaining_parameters"));

    /** One evaluated point as the table holds it (accuracy to 4 decimals). */
    public record Row(
            double lambda,
            String criterion,
            String scope,
            double deletedPercent,
            double accuracy,
            long remainingParameters) {

        public static Row of(PruningSweep.Point point) {
            return new Row(
                    point.lambda(),
                    point.criterion(),
                    point.scope().name().toLowerCase(Locale.ROOT),
                    point.deletedPercent(),
                    point.accuracy(),
                    point.remainingParameters());
        }
    }

    private PruneCsv() {}

    public static void write(Path file, List<Row> rows) {
        TABLE.write(
                file,
                rows.stream()
                        .map(r -> List.of(
                                String.valueOf(r.lambda()),
                                r.criterion(),
                                r.scope(),
                                String.valueOf(r.deletedPercent()),
                                String.format(Locale.ROOT, "%.4f", r.accuracy()),
                                String.valueOf(r.remainingParameters())))
                        .toList());
    }

    public static List<Row> read(Path file) {
        return TABLE.read(file, PruneCsv::row);
    }

    private static Row row(Map<String, String> r) {
        return new Row(
                CsvTable.number(r, "lambda"),
                CsvTable.cell(r, "criterion"),
                CsvTable.cell(r, "scope"),
                CsvTable.number(r, "deleted_percent"),
                CsvTable.number(r, "accuracy"),
                CsvTable.whole(r, "remaining_parameters"));
    }
}
