package io.hyperprune.runtime.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.DoubleSummaryStatistics;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The report's numbers: summary statistics over restarts, the Markdown tables (accuracy at the summary levels,
 * training cost, the theorem check from {@code agreement.csv}) and how a lambda is printed.
 */
final class ReportTables {

    static final List<Double> SUMMARY_LEVELS = List.of(0.0, 50.0, 80.0, 90.0);

    private ReportTables() {}

    /** Per model: the summed training time of its distinct runs (one hypernetwork run vs one run per lambda), per restart. */
    static Map<String, Double> trainingSeconds(List<ResultRow> rows) {
        Map<String, Map<String, Double>> perRun = new TreeMap<>();
        for (ResultRow r : rows) {
            perRun.computeIfAbsent(r.model(), k -> new TreeMap<>()).put(r.run(), r.trainingSeconds());
        }
        Map<String, Double> result = new TreeMap<>();
        perRun.forEach((model, runs) -> {
            long restarts = Math.max(
                    1,
                    rows.stream()
                            .filter(r -> r.model().equals(model))
                            .map(ResultRow::restart)
                            .distinct()
                            .count());
            result.put(
                    model,
                    runs.values().stream().mapToDouble(Double::doubleValue).sum() / restarts);
        });
        return result;
    }

    /** Per model, criterion and lambda: mean accuracy (with [min-max] over restarts) at each summary level. */
    static String accuracyTable(List<ResultRow> rows) {
        StringBuilder t = new StringBuilder("| model | criterion | lambda |");
        SUMMARY_LEVELS.forEach(l -> t.append(String.format(Locale.ROOT, " %.0f%% |", l)));
        t.append("\n|---|---|---|").append("---|".repeat(SUMMARY_LEVELS.size())).append('\n');
        Map<String, List<ResultRow>> groups = rows.stream()
                .collect(Collectors.groupingBy(
                        r -> r.model() + "|" + r.criterion() + "|" + String.format(Locale.ROOT, "%012.6f", r.lambda()),
                        TreeMap::new,
                        Collectors.toList()));
        for (List<ResultRow> group : groups.values()) {
            ResultRow first = group.get(0);
            t.append("| ")
                    .append(first.model())
                    .append(" | ")
                    .append(first.criterion())
                    .append(" | ")
                    .append(format(first.lambda()))
                    .append(" |");
            Map<Double, DoubleSummaryStatistics> stats = levels(group);
            for (double level : SUMMARY_LEVELS) {
                DoubleSummaryStatistics s = stats.get(level);
                t.append(
                        s == null
                                ? " - |"
                                : s.getCount() > 1
                                        ? String.format(
                                                Locale.ROOT,
                                                " %.4f [%.4f-%.4f] |",
                                                s.getAverage(),
                                                s.getMin(),
                                                s.getMax())
                                        : String.format(Locale.ROOT, " %.4f |", s.getAverage()));
            }
            t.append('\n');
        }
        return t.toString();
    }

    /** Per model (the report's criterion), per deletion level: the most accurate lambda and its accuracy. */
    static String bestLambdaTable(ReportData data) {
        List<Double> levels = data.results().stream()
                .map(ResultRow::deletedPercent)
                .distinct()
                .sorted()
                .toList();
        StringBuilder t = new StringBuilder("| model | lambdas |");
        levels.forEach(l -> t.append(' ').append(Claims.percent(l)).append(" |"));
        t.append("\n|---|---|").append("---|".repeat(levels.size())).append('\n');
        for (String evidence : data.evidences()) {
            for (String hypernetwork : data.hypernetworks()) {
                List<ParetoFront.Point> points = ParetoFront.points(data.finest(evidence, hypernetwork));
                if (points.isEmpty()) {
                    continue;
                }
                Map<Double, ParetoFront.Point> best = new TreeMap<>();
                ParetoFront.bestPerLevel(points).forEach(p -> best.put(p.deletedPercent(), p));
                t.append("| ")
                        .append(ReportData.model(evidence, hypernetwork))
                        .append(" | ")
                        .append(points.stream()
                                .map(ParetoFront.Point::lambda)
                                .distinct()
                                .count())
                        .append(" |");
                for (double level : levels) {
                    ParetoFront.Point p = best.get(level);
                    t.append(
                            p == null
                                    ? " - |"
                                    : String.format(Locale.ROOT, " %s (%.4f) |", format(p.lambda()), p.accuracy()));
                }
                t.append('\n');
            }
        }
        return t.toString();
    }

    /** Per model: {@link #trainingSeconds}. */
    static String costTable(List<ResultRow> rows) {
        StringBuilder t = new StringBuilder("| model | training seconds per restart (all lambdas) |\n|---|---|\n");
        trainingSeconds(rows).forEach((model, s) -> t.append(String.format(Locale.ROOT, "| %s | %.1f |%n", model, s)));
        return t.toString();
    }

    /** The theorem check's rows, or a sentence saying why there are none. */
    static String agreementTable(List<String[]> agreement) {
        if (agreement.isEmpty()) {
            return "No agreement.csv (needs finished hypernetwork runs and plain runs at the same lambdas).\n";
        }
        StringBuilder t = new StringBuilder(
                "| evidence | hypernetwork | lambda | restart | criterion | Spearman | IoU 50% | IoU 80% | IoU 90% |\n"
                        + "|---|---|---|---|---|---|---|---|---|\n");
        for (String[] f : agreement) {
            t.append("| ").append(String.join(" | ", f)).append(" |\n");
        }
        return t.toString();
    }

    /** The data rows of every directory's {@code agreement.csv} (directories without one are skipped). */
    static List<String[]> readAgreement(List<Path> directories) {
        List<String[]> rows = new ArrayList<>();
        for (Path directory : directories) {
            Path file = directory.resolve("agreement.csv");
            if (!Files.isRegularFile(file)) {
                continue;
            }
            try {
                List<String> lines = Files.readAllLines(file);
                for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
                    if (!line.isBlank()) {
                        rows.add(line.split(","));
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return rows;
    }

    /** Accuracy statistics per % deleted, in ascending order. */
    static Map<Double, DoubleSummaryStatistics> levels(List<ResultRow> rows) {
        Map<Double, DoubleSummaryStatistics> stats = new TreeMap<>();
        for (ResultRow r : rows) {
            stats.computeIfAbsent(r.deletedPercent(), k -> new DoubleSummaryStatistics())
                    .accept(r.accuracy());
        }
        return stats;
    }

    /** A lambda as printed in tables and figures: whole numbers without a fraction. */
    static String format(double lambda) {
        return lambda == Math.rint(lambda) && Math.abs(lambda) < 1e9
                ? String.valueOf((long) lambda)
                : String.valueOf(lambda);
    }
}
