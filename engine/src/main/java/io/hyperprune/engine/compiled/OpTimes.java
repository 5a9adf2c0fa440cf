package io.hyperprune.engine.compiled;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Wall time of the compiled training step by op, while recording: where a step's time goes, e.g. to
 * see what a plugin's graph piece costs ({@code hyperprune bench --profile}). Ops computed in Java
 * instead of libnd4j are marked "(java)"; ops a plan skips (repeats, reshapes that are views) are not
 * listed. Not thread-safe.
 */
public final class OpTimes {

    /** One op kind: its name, executions and total seconds while recording. */
    public record Row(String op, long calls, double seconds) {}

    private final Map<String, long[]> totals = new LinkedHashMap<>();
    private boolean recording;

    /** Starts (or resumes) recording. */
    public void start() {
        recording = true;
    }

    /** Stops recording; the figures so far stay. */
    public void stop() {
        recording = false;
    }

    /** {@code step} timed under {@code op} whenever recording. */
    Runnable timed(String op, Runnable step) {
        long[] total = totals.computeIfAbsent(op, key -> new long[2]);
        return () -> {
            if (!recording) {
                step.run();
                return;
            }
            long start = System.nanoTime();
            step.run();
            total[0] += System.nanoTime() - start;
            total[1]++;
        };
    }

    /** Runs {@code step}, timed under {@code op} when recording. */
    void run(String op, Runnable step) {
        if (!recording) {
            step.run();
            return;
        }
        long[] total = totals.computeIfAbsent(op, key -> new long[2]);
        long start = System.nanoTime();
        step.run();
        total[0] += System.nanoTime() - start;
        total[1]++;
    }

    /** The recorded op kinds, most time first. */
    public List<Row> rows() {
        List<Row> rows = new ArrayList<>();
        totals.forEach((op, total) -> {
            if (total[1] > 0) {
                rows.add(new Row(op, total[1], total[0] / 1e9));
            }
        });
        rows.sort(Comparator.comparingDouble(Row::seconds).reversed());
        return rows;
    }

    /** CSV: op (quoted if it holds a comma), calls, total milliseconds, microseconds per call, share of the recorded time. */
    public String csv() {
        StringBuilder csv = new StringBuilder("op,calls,total_ms,us_per_call,share\n");
        double all = rows().stream().mapToDouble(Row::seconds).sum();
        for (Row row : rows()) {
            csv.append(String.format(
                    Locale.ROOT,
                    "%s,%d,%.3f,%.2f,%.4f%n",
                    csvField(row.op()),
                    row.calls(),
                    row.seconds() * 1e3,
                    row.seconds() * 1e6 / row.calls(),
                    row.seconds() / all));
        }
        return csv.toString();
    }

    /** A label as one CSV field: quoted (RFC 4180) when it holds a comma, e.g. "matmul (sparse input, java)". */
    private static String csvField(String text) {
        return text.contains(",") || text.contains("\"") || text.contains("\n")
                ? '"' + text.replace("\"", "\"\"") + '"'
                : text;
    }

    /** A table for the terminal, the {@code limit} most expensive op kinds. */
    public String table(int limit) {
        StringBuilder table = new StringBuilder(
                String.format(Locale.ROOT, "%-44s %8s %10s %10s %7s%n", "op", "calls", "total ms", "us/call", "share"));
        double all = rows().stream().mapToDouble(Row::seconds).sum();
        rows().stream()
                .limit(limit)
                .forEach(row -> table.append(String.format(
                        Locale.ROOT,
                        "%-44s %8d %10.1f %10.1f %6.1f%%%n",
                        row.op(),
                        row.calls(),
                        row.seconds() * 1e3,
                        row.seconds() * 1e6 / row.calls(),
                        100 * row.seconds() / all)));
        return table.toString();
    }
}
