package io.hyperprune.runtime.report;

import io.hyperprune.api.InputException;
import io.hyperprune.runtime.run.AtomicFiles;
import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.DoubleSummaryStatistics;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;
import org.knowm.xchart.VectorGraphicsEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The study's report from one or more experiment directories (shards are merged): per model the
 * paper's figure (accuracy vs % deleted, a curve per lambda, min-max band over restarts), a heatmap
 * over (lambda, % deleted), a comparison of the models, training cost, the theorem check, and
 * {@code report.md} plus a self-contained {@code report.html}.
 */
public final class ReportWriter {

    static final List<Double> SUMMARY_LEVELS = List.of(0.0, 50.0, 80.0, 90.0);
    private static final Color[] PALETTE = {
        new Color(31, 119, 180),
        new Color(255, 127, 14),
        new Color(44, 160, 44),
        new Color(214, 39, 40),
        new Color(148, 103, 189),
        new Color(140, 86, 75),
        new Color(227, 119, 194),
        new Color(127, 127, 127)
    };

    /** What was written. */
    public record Result(Path html, Path markdown, List<Path> figures, String markdownText) {}

    private ReportWriter() {}

    public static Result write(List<Path> experimentDirectories, Path outDirectory) {
        System.setProperty("java.awt.headless", "true");
        List<Path> files = experimentDirectories.stream()
                .map(d -> d.resolve("results.csv"))
                .toList();
        for (Path file : files) {
            if (!Files.isRegularFile(file)) {
                throw new InputException("no results.csv in " + file.getParent()
                        + "; give an experiment directory (hyperprune experiment --out)");
            }
        }
        List<ResultRow> rows = ResultTable.read(files);
        if (rows.isEmpty()) {
            throw new InputException(
                    "results.csv in " + experimentDirectories + " has no rows yet: no run has finished");
        }
        List<String[]> agreement = readAgreement(experimentDirectories);
        Path figures = outDirectory.resolve("figures");
        List<Path> written = new ArrayList<>();
        StringBuilder md = new StringBuilder("# hyperprune report\n\n");
        StringBuilder html = new StringBuilder();
        md.append("Test accuracy against the share of deleted weights and lambda. Source: ")
                .append(experimentDirectories)
                .append(".\n\n");
        Map<String, List<ResultRow>> byFigure = rows.stream()
                .collect(
                        Collectors.groupingBy(r -> r.model() + "-" + r.criterion(), TreeMap::new, Collectors.toList()));
        for (Map.Entry<String, List<ResultRow>> entry : byFigure.entrySet()) {
            List<ResultRow> group = entry.getValue();
            String title = group.get(0).model() + " (" + group.get(0).criterion() + ", "
                    + group.get(0).scope() + ")";
            written.addAll(save(curves(title, group), figures.resolve(safe(entry.getKey()))));
            written.addAll(save(heatmap(title, group), figures.resolve(safe(entry.getKey()) + "-heatmap")));
            html.append("<h3>")
                    .append(escape(title))
                    .append("</h3>\n")
                    .append(img(figures.resolve(safe(entry.getKey()) + ".png")))
                    .append(img(figures.resolve(safe(entry.getKey()) + "-heatmap.png")))
                    .append('\n');
        }
        for (double level : List.of(0.0, 80.0)) {
            CategoryChart comparison = comparison(rows, level);
            if (comparison != null) {
                String name = "comparison-" + (int) level;
                written.addAll(save(comparison, figures.resolve(name)));
                html.append(img(figures.resolve(name + ".png")));
            }
        }
        CategoryChart cost = cost(rows);
        written.addAll(save(cost, figures.resolve("training-cost")));
        html.append(img(figures.resolve("training-cost.png")));

        String accuracyTable = accuracyTable(rows);
        String costTable = costTable(rows);
        String agreementTable = agreementTable(agreement);
        md.append("## Accuracy at 0/50/80/90% deleted (mean [min-max] over restarts)\n\n")
                .append(accuracyTable)
                .append("\n## Training cost per model\n\n")
                .append(costTable)
                .append("\n## Theorem check: hypernetwork vs plain model pruning scores\n\n")
                .append(agreementTable)
                .append("\nFigures: ")
                .append(figures)
                .append('\n');
        String page = "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>hyperprune report</title><style>"
                + "body{font-family:sans-serif;max-width:1300px;margin:2em auto}table{border-collapse:collapse;margin:1em 0}"
                + "td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}th{background:#f3f3f3}img{max-width:640px;margin:4px}"
                + "</style></head><body><h1>hyperprune report</h1><p>Test accuracy against the share of deleted weights and lambda.</p>"
                + "<h2>Accuracy at 0/50/80/90% deleted</h2>" + markdownTableToHtml(accuracyTable)
                + "<h2>Training cost per model</h2>" + markdownTableToHtml(costTable)
                + "<h2>Theorem check</h2>" + markdownTableToHtml(agreementTable)
                + "<h2>Figures</h2>" + html + "</body></html>\n";
        Path htmlFile = outDirectory.resolve("report.html");
        Path mdFile = outDirectory.resolve("report.md");
        AtomicFiles.writeString(htmlFile, page);
        AtomicFiles.writeString(mdFile, md.toString());
        return new Result(htmlFile, mdFile, written, md.toString());
    }

    private static XYChart curves(String title, List<ResultRow> rows) {
        XYChart chart = new XYChartBuilder()
                .width(800)
                .height(560)
                .title(title)
                .xAxisTitle("deleted weights, %")
                .yAxisTitle("test accuracy")
                .build();
        chart.getStyler()
                .setYAxisMin(0.0)
                .setYAxisMax(1.0)
                .setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideSW)
                .setMarkerSize(5)
                .setChartBackgroundColor(Color.WHITE);
        Map<Double, List<ResultRow>> byLambda =
                rows.stream().collect(Collectors.groupingBy(ResultRow::lambda, TreeMap::new, Collectors.toList()));
        int color = 0;
        for (Map.Entry<Double, List<ResultRow>> entry : byLambda.entrySet()) {
            Map<Double, DoubleSummaryStatistics> stats = levels(entry.getValue());
            List<Double> x = new ArrayList<>(stats.keySet());
            List<Double> mean = x.stream().map(l -> stats.get(l).getAverage()).toList();
            Color c = PALETTE[color++ % PALETTE.length];
            XYSeries series = chart.addSeries("lambda = " + format(entry.getKey()), x, mean);
            series.setLineColor(c);
            series.setMarkerColor(c);
            series.setMarker(SeriesMarkers.CIRCLE);
            boolean restarts =
                    entry.getValue().stream().map(ResultRow::restart).distinct().count() > 1;
            if (restarts) {
                for (boolean max : new boolean[] {false, true}) {
                    XYSeries band = chart.addSeries(
                            "lambda = " + format(entry.getKey()) + (max ? " max" : " min"),
                            x,
                            x.stream()
                                    .map(l -> max
                                            ? stats.get(l).getMax()
                                            : stats.get(l).getMin())
                                    .toList());
                    band.setLineColor(c);
                    band.setMarker(SeriesMarkers.NONE);
                    band.setShowInLegend(false);
                    band.setLineStyle(new BasicStroke(
                            1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {4f, 3f}, 0f));
                }
            }
        }
        return chart;
    }

    private static HeatMapChart heatmap(String title, List<ResultRow> rows) {
        TreeSet<Double> lambdas = rows.stream().map(ResultRow::lambda).collect(Collectors.toCollection(TreeSet::new));
        TreeSet<Double> deleted =
                rows.stream().map(ResultRow::deletedPercent).collect(Collectors.toCollection(TreeSet::new));
        HeatMapChart chart = new HeatMapChartBuilder()
                .width(800)
                .height(480)
                .title(title + ": accuracy")
                .xAxisTitle("deleted weights, %")
                .yAxisTitle("lambda")
                .build();
        chart.getStyler().setShowValue(true).setMin(0).setMax(1).setChartBackgroundColor(Color.WHITE);
        chart.getStyler()
                .setRangeColors(new Color[] {new Color(165, 0, 38), new Color(254, 224, 139), new Color(0, 104, 55)});
        List<String> xs =
                deleted.stream().map(d -> String.format(Locale.ROOT, "%.0f", d)).toList();
        List<String> ys = lambdas.stream().map(ReportWriter::format).toList();
        List<Number[]> heat = new ArrayList<>();
        List<Double> deletedList = new ArrayList<>(deleted);
        List<Double> lambdaList = new ArrayList<>(lambdas);
        for (int xi = 0; xi < deletedList.size(); xi++) {
            for (int yi = 0; yi < lambdaList.size(); yi++) {
                double d = deletedList.get(xi);
                double l = lambdaList.get(yi);
                DoubleSummaryStatistics s = rows.stream()
                        .filter(r -> r.lambda() == l && r.deletedPercent() == d)
                        .mapToDouble(ResultRow::accuracy)
                        .summaryStatistics();
                if (s.getCount() > 0) {
                    heat.add(new Number[] {xi, yi, Math.round(s.getAverage() * 1000) / 1000.0});
                }
            }
        }
        chart.addSeries("accuracy", xs, ys, heat);
        return chart;
    }

    private static CategoryChart comparison(List<ResultRow> rows, double level) {
        List<ResultRow> atLevel =
                rows.stream().filter(r -> r.deletedPercent() == level).toList();
        if (atLevel.isEmpty()) {
            return null;
        }
        List<Double> lambdas =
                atLevel.stream().map(ResultRow::lambda).distinct().sorted().toList();
        CategoryChart chart = new CategoryChartBuilder()
                .width(1000)
                .height(560)
                .title(String.format(Locale.ROOT, "models compared at %.0f%% deleted", level))
                .xAxisTitle("lambda")
                .yAxisTitle("test accuracy")
                .build();
        chart.getStyler()
                .setYAxisMin(0.0)
                .setYAxisMax(1.0)
                .setChartBackgroundColor(Color.WHITE)
                .setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.OutsideE);
        Map<String, List<ResultRow>> byModel =
                atLevel.stream().collect(Collectors.groupingBy(ResultRow::model, TreeMap::new, Collectors.toList()));
        for (Map.Entry<String, List<ResultRow>> entry : byModel.entrySet()) {
            List<Double> values = lambdas.stream()
                    .map(l -> entry.getValue().stream()
                            .filter(r -> r.lambda() == l)
                            .mapToDouble(ResultRow::accuracy)
                            .average()
                            .orElse(0))
                    .toList();
            chart.addSeries(
                    entry.getKey(), lambdas.stream().map(ReportWriter::format).toList(), values);
        }
        return chart;
    }

    private static CategoryChart cost(List<ResultRow> rows) {
        Map<String, Double> seconds = trainingSeconds(rows);
        CategoryChart chart = new CategoryChartBuilder()
                .width(1000)
                .height(480)
                .title("training cost per model (all lambdas)")
                .xAxisTitle("model")
                .yAxisTitle("training seconds")
                .build();
        chart.getStyler().setChartBackgroundColor(Color.WHITE).setLegendVisible(false);
        chart.getStyler().setXAxisLabelRotation(30);
        chart.addSeries("seconds", new ArrayList<>(seconds.keySet()), new ArrayList<>(seconds.values()));
        return chart;
    }

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

    private static String accuracyTable(List<ResultRow> rows) {
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

    private static String costTable(List<ResultRow> rows) {
        StringBuilder t = new StringBuilder("| model | training seconds per restart (all lambdas) |\n|---|---|\n");
        trainingSeconds(rows).forEach((model, s) -> t.append(String.format(Locale.ROOT, "| %s | %.1f |%n", model, s)));
        return t.toString();
    }

    private static String agreementTable(List<String[]> agreement) {
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

    private static List<String[]> readAgreement(List<Path> directories) {
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

    private static Map<Double, DoubleSummaryStatistics> levels(List<ResultRow> rows) {
        Map<Double, DoubleSummaryStatistics> stats = new TreeMap<>();
        for (ResultRow r : rows) {
            stats.computeIfAbsent(r.deletedPercent(), k -> new DoubleSummaryStatistics())
                    .accept(r.accuracy());
        }
        return stats;
    }

    private static List<Path> save(Chart<?, ?> chart, Path base) {
        try {
            Files.createDirectories(base.getParent());
            Path png = base.resolveSibling(base.getFileName() + ".png");
            Path svg = base.resolveSibling(base.getFileName() + ".svg");
            AtomicFiles.writeWith(
                    png,
                    temp -> BitmapEncoder.saveBitmap(
                            chart, Files.newOutputStream(temp), BitmapEncoder.BitmapFormat.PNG));
            AtomicFiles.writeWith(
                    svg,
                    temp -> VectorGraphicsEncoder.saveVectorGraphic(
                            chart, Files.newOutputStream(temp), VectorGraphicsEncoder.VectorGraphicsFormat.SVG));
            return List.of(png, svg);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write figure " + base + ": " + e.getMessage(), e);
        }
    }

    private static String img(Path png) {
        try {
            return "<img alt=\"" + escape(png.getFileName().toString()) + "\" src=\"data:image/png;base64,"
                    + Base64.getEncoder().encodeToString(Files.readAllBytes(png)) + "\">";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String markdownTableToHtml(String markdown) {
        StringBuilder html = new StringBuilder();
        List<String> lines = markdown.lines().toList();
        if (lines.isEmpty() || !lines.get(0).startsWith("|")) {
            return "<p>" + escape(markdown) + "</p>";
        }
        html.append("<table>");
        for (int i = 0; i < lines.size(); i++) {
            if (i == 1 || !lines.get(i).startsWith("|")) {
                continue;
            }
            String[] cells =
                    lines.get(i).substring(1, lines.get(i).length() - 1).split("\\|");
            html.append("<tr>");
            for (String cell : cells) {
                html.append(i == 0 ? "<th>" : "<td>")
                        .append(escape(cell.trim()))
                        .append(i == 0 ? "</th>" : "</td>");
            }
            html.append("</tr>");
        }
        return html.append("</table>").toString();
    }

    static String format(double lambda) {
        return lambda == Math.rint(lambda) && Math.abs(lambda) < 1e9
                ? String.valueOf((long) lambda)
                : String.valueOf(lambda);
    }

    private static String safe(String name) {
        return name.replaceAll("[^A-Za-z0-9+._-]", "_");
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;")
                .replace("<", "&lt;")
                .replace(">", "&gt;")
                .replace("\"", "&quot;");
    }
}
