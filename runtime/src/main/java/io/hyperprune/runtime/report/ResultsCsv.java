package io.hyperprune.runtime.report;

import io.hyperprune.runtime.run.CsvTable;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The layout of an experiment's {@code results.csv} (long format, one row per evaluated point): written and read here only. */
public final class ResultsCsv {

    static final CsvTable TABLE = new CsvTable(
            "results.csv of 'hyperprune experiment'",
            List.of(
                    "run",
                    "model",
                    "evidence",
                    "hypernetwork",
                    "lambda",
                    "restart",
                    "criterion",
                    "scope",
                    "deleted_percent",
                    "accuracy",
                    "remaining_parameters",
                    "training_seconds"));

    private ResultsCsv() {}

    /** Writes the rows atomically (accuracy to 4 decimals, training seconds to 3, as prune.csv and result.json hold them). */
    public static void write(Path file, List<ResultRow> rows) {
        TABLE.write(
                file,
                rows.stream()
                        .map(r -> List.of(
                                r.run(),
                                r.model(),
                                r.evidence(),
                                r.hypernetwork(),
                                String.valueOf(r.lambda()),
                                String.valueOf(r.restart()),
                                r.criterion(),
                                r.scope(),
                                String.valueOf(r.deletedPercent()),
                                String.format(Locale.ROOT, "%.4f", r.accuracy()),
                                String.valueOf(r.remainingParameters()),
                                String.format(Locale.ROOT, "%.3f", r.trainingSeconds())))
                        .toList());
    }

    static List<ResultRow> read(Path file) {
        return TABLE.read(file, ResultsCsv::row);
    }

    private static ResultRow row(Map<String, String> r) {
        return new ResultRow(
                CsvTable.cell(r, "run"),
                CsvTable.cell(r, "model"),
                CsvTable.cell(r, "evidence"),
                CsvTable.cell(r, "hypernetwork"),
                CsvTable.number(r, "lambda"),
                (int) CsvTable.whole(r, "restart"),
                CsvTable.cell(r, "criterion"),
                CsvTable.cell(r, "scope"),
                CsvTable.number(r, "deleted_percent"),
                CsvTable.number(r, "accuracy"),
                CsvTable.whole(r, "remaining_parameters"),
                CsvTable.number(r, "training_seconds"));
    }
}
