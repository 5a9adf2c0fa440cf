package io.hyperprune.runtime.report;

import io.hyperprune.api.InputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** Reads and merges {@code results.csv} files (one per experiment directory or shard). */
final class ResultTable {

    static final String HEADER =
            "run,model,evidence,hypernetwork,lambda,restart,criterion,scope,deleted_percent,accuracy,remaining_parameters,training_seconds";

    private ResultTable() {}

    /** All rows of all files; exact duplicates merged, conflicting duplicates rejected. */
    static List<ResultRow> read(List<Path> files) {
        Map<String, ResultRow> rows = new LinkedHashMap<>();
        for (Path file : files) {
            List<String> lines;
            try {
                lines = Files.readAllLines(file);
            } catch (IOException e) {
                throw new InputException("cannot read " + file + ": " + e.getMessage() + "; is it an experiment directory?", e);
            }
            if (lines.isEmpty() || !lines.get(0).trim().equals(HEADER)) {
                throw new InputException(file + ": line 1 must be the header '" + HEADER + "', found '"
                        + (lines.isEmpty() ? "" : lines.get(0)) + "'; is it a results.csv of 'hyperprune experiment'?");
            }
            for (int i = 1; i < lines.size(); i++) {
                String line = lines.get(i);
                if (line.isBlank()) {
                    continue;
                }
                ResultRow row = parse(file, i + 1, line);
                String key = row.run() + "|" + row.lambda() + "|" + row.criterion() + "|" + row.scope() + "|" + row.deletedPercent();
                ResultRow previous = rows.putIfAbsent(key, row);
                if (previous != null && !Objects.equals(previous, row)) {
                    throw new InputException(file + " line " + (i + 1) + " contradicts an earlier row for run " + row.run()
                            + " (lambda " + row.lambda() + ", " + row.deletedPercent() + "% deleted): accuracy " + row.accuracy()
                            + " vs " + previous.accuracy() + "; merge only shards of the same experiment");
                }
            }
        }
        return new ArrayList<>(rows.values());
    }

    private static ResultRow parse(Path file, int lineNumber, String line) {
        String[] f = line.split(",", -1);
        if (f.length != 12) {
            throw new InputException(file + " line " + lineNumber + ": expected 12 comma-separated fields, found " + f.length);
        }
        try {
            return new ResultRow(f[0], f[1], f[2], f[3], Double.parseDouble(f[4]), Integer.parseInt(f[5]), f[6], f[7],
                    Double.parseDouble(f[8]), Double.parseDouble(f[9]), Long.parseLong(f[10]), Double.parseDouble(f[11]));
        } catch (NumberFormatException e) {
            throw new InputException(file + " line " + lineNumber + ": a numeric field is not a number (" + e.getMessage() + ")");
        }
    }
}
