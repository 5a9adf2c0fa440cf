package io.hyperprune.runtime.report;

import io.hyperprune.runtime.run.AtomicFiles;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.DoubleSummaryStatistics;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import javax.imageio.ImageIO;
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
 * The report's figures, drawn with XChart and written as {@code base.png} plus {@code base.svg}: per model the
 * accuracy curves (one per lambda, min-max band over restarts) and the (lambda, % deleted) heatmap, the models
 * compared at one deletion level, and the training cost per model; composed figures as PNG only.
 */
final class ReportFigures {

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

    private ReportFigures() {}

    /** One model's curves (a curve per lambda, min-max band over restarts); the files written. */
    static List<Path> writeCurves(String title, List<ResultRow> rows, Path base) {
        return save(curves(title, rows), base);
    }

    /** One model's (lambda, % deleted) heatmap: values printed while there are few lambdas (not a surface's 41). */
    static List<Path> writeHeatmap(String title, List<ResultRow> rows, Path base) {
        return save(heatmap(title, rows), base);
    }

    /** A composed figure ({@link OverviewFigure}) as {@code base.png} (XChart draws no SVG of it). */
    static Path writePng(BufferedImage image, Path base) {
        Path png = base.resolveSibling(base.getFileName() + ".png");
        try {
            Files.createDirectories(base.getParent());
            AtomicFiles.writeWith(png, temp -> {
                try (OutputStream out = Files.newOutputStream(temp)) {
                    if (!ImageIO.write(image, "png", out)) {
                        throw new IOException("no PNG writer");
                    }
                }
            });
            return png;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write figure " + png + ": " + e.getMessage(), e);
        }
    }

    /** The models compared at {@code level}% deleted; nothing is written (empty list) when no row has that level. */
    static List<Path> writeComparison(List<ResultRow> rows, double level, Path base) {
        CategoryChart comparison = comparison(rows, level);
        return comparison == null ? List.of() : save(comparison, base);
    }

    /** The training cost per model ({@link ReportTables#trainingSeconds}). */
    static List<Path> writeCost(List<ResultRow> rows, Path base) {
        return save(cost(rows), base);
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
            Map<Double, DoubleSummaryStatistics> stats = ReportTables.levels(entry.getValue());
            List<Double> x = new ArrayList<>(stats.keySet());
            List<Double> mean = x.stream().map(l -> stats.get(l).getAverage()).toList();
            Color c = PALETTE[color++ % PALETTE.length];
            XYSeries series = chart.addSeries("lambda = " + ReportTables.format(entry.getKey()), x, mean);
            series.setLineColor(c);
            series.setMarkerColor(c);
            series.setMarker(SeriesMarkers.CIRCLE);
            boolean restarts =
                    entry.getValue().stream().map(ResultRow::restart).distinct().count() > 1;
            if (restarts) {
                for (boolean max : new boolean[] {false, true}) {
                    XYSeries band = chart.addSeries(
                            "lambda = " + ReportTables.format(entry.getKey()) + (max ? " max" : " min"),
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
        boolean surface = lambdas.size() > 12;
        HeatMapChart chart = new HeatMapChartBuilder()
                .width(800)
                .height(surface ? 160 + 15 * lambdas.size() : 480)
                .title(title + (surface ? ": accuracy surface, " + lambdas.size() + " lambdas" : ": accuracy"))
                .xAxisTitle("deleted weights, %")
                .yAxisTitle("lambda")
                .build();
        chart.getStyler().setShowValue(!surface).setMin(0).setMax(1).setChartBackgroundColor(Color.WHITE);
        chart.getStyler()
                .setRangeColors(new Color[] {new Color(165, 0, 38), new Color(254, 224, 139), new Color(0, 104, 55)});
        List<String> xs =
                deleted.stream().map(d -> String.format(Locale.ROOT, "%.0f", d)).toList();
        // A surface's lambdas to 3 significant digits: 0.00133 rather than 0.00133352.
        List<String> ys = lambdas.stream()
                .map(l -> surface
                        ? new java.math.BigDecimal(l)
                                .round(new java.math.MathContext(3))
                                .stripTrailingZeros()
                                .toPlainString()
                        : ReportTables.format(l))
                .toList();
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
                    entry.getKey(), lambdas.stream().map(ReportTables::format).toList(), values);
        }
        return chart;
    }

    private static CategoryChart cost(List<ResultRow> rows) {
        Map<String, Double> seconds = ReportTables.trainingSeconds(rows);
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

    /** A chart as {@code base.png} and {@code base.svg}. */
    static List<Path> save(Chart<?, ?> chart, Path base) {
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
}
