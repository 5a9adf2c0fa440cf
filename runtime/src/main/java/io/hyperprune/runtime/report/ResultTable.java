package io.hyperprune.runtime.report;

import io.hyperprune.api.InputException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** Reads and merges {@code results.csv} files (one per experiment directory or shard). */
final class ResultTable {

    private ResultTable() {}

    /** All rows of all files; exact duplicates merged, conflicting duplicates rejected. */
    static List<ResultRow> read(List<Path> files) {
        Map<String, ResultRow> rows = new LinkedHashMap<>();
        for (Path file : files) {
            List<ResultRow> read = ResultsCsv.read(file);
            for (int i = 0; i < read.size(); i++) {
                ResultRow row = read.get(i);
                String key = row.run() + "|" + row.lambda() + "|" + row.criterion() + "|" + row.scope() + "|"
                        + row.deletedPercent();
                ResultRow previous = rows.putIfAbsent(key, row);
                if (previous != null && !Objects.equals(previous, row)) {
                    throw new InputException(
                            file + " row " + (i + 1) + " contradicts an earlier row for run " + row.run()
                                    + " (lambda " + row.lambda() + ", " + row.deletedPercent() + "% deleted): accuracy "
                                    + row.accuracy()
                                    + " vs " + previous.accuracy() + "; merge only shards of the same experiment");
                }
            }
        }
        return new ArrayList<>(rows.values());
    }
}
