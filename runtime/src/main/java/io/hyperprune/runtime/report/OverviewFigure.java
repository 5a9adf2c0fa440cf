package io.hyperprune.runtime.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.DoubleSummaryStatistics;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The report's first figure, laid out like the paper's: a row per evidence, a column per hypernetwork (constant,
 * linear, piecewise), in each panel test accuracy against % deleted with a curve per lambda (mean over restarts),
 * and in black the best accuracy over lambda at each level (over the surface's lambdas for a hypernetwork). Every
 * panel shares the lambdas' colours and the accuracy axis, so panels compare at a glance.
 */
final class OverviewFigure {

    static final Color BEST = Color.BLACK;
    static final BasicStroke BEST_STROKE =
            new BasicStroke(2.2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f);

    private OverviewFigure() {}

    static BufferedImage draw(ReportData data) {
        List<Double> lambdas = data.results().stream()
                .map(ResultRow::lambda)
                .distinct()
                .sorted()
                .toList();
        double[] range = accuracyRange(data);
        return PanelGrid.compose(
                data,
                "Test accuracy vs deleted weights: rows evidence, columns hypernetwork (criterion " + data.criterion()
                        + ")",
                g -> legend(g, lambdas, !data.surface().isEmpty()),
                (evidence, hypernetwork) -> {
                    List<ResultRow> rows = data.results(evidence, hypernetwork);
                    return rows.isEmpty() ? null : panel(rows, data.finest(evidence, hypernetwork), lambdas, range);
                });
    }

    /** A lambda's colour: dark blue for the smallest to red for the largest, the same in every figure. */
    static Color color(List<Double> lambdas, double lambda) {
        Color[] anchors = {
            new Color(27, 58, 140), new Color(58, 125, 201), new Color(53, 167, 156),
            new Color(140, 191, 63), new Color(224, 161, 34), new Color(215, 48, 31)
        };
        int index = lambdas.indexOf(lambda);
        double t = lambdas.size() < 2 ? 0 : index / (double) (lambdas.size() - 1);
        double position = t * (anchors.length - 1);
        int low = (int) Math.floor(position);
        int high = Math.min(anchors.length - 1, low + 1);
        double f = position - low;
        return new Color(
                (int) Math.round(anchors[low].getRed() * (1 - f) + anchors[high].getRed() * f),
                (int) Math.round(anchors[low].getGreen() * (1 - f) + anchors[high].getGreen() * f),
                (int) Math.round(anchors[low].getBlue() * (1 - f) + anchors[high].getBlue() * f));
    }

    private static XYChart panel(List<ResultRow> rows, List<ResultRow> finest, List<Double> lambdas, double[] range) {
        XYChart chart = new XYChartBuilder()
                .width(PanelGrid.PANEL_WIDTH)
                .height(PanelGrid.PANEL_HEIGHT)
                .xAxisTitle("deleted weights, %")
                .yAxisTitle("test accuracy")
                .build();
        chart.getStyler().setYAxisMin(range[0]).setYAxisMax(range[1]).setYAxisDecimalPattern("0.00");
        chart.getStyler()
                .setLegendVisible(false)
                .setMarkerSize(4)
                .setChartBackgroundColor(Color.WHITE)
                .setChartPadding(6);
        Map<Double, List<ResultRow>> byLambda =
                rows.stream().collect(Collectors.groupingBy(ResultRow::lambda, TreeMap::new, Collectors.toList()));
        byLambda.forEach((lambda, lambdaRows) -> {
            Map<Double, DoubleSummaryStatistics> stats = ReportTables.levels(lambdaRows);
            List<Double> x = new ArrayList<>(stats.keySet());
            XYSeries series = chart.addSeries(
                    "lambda " + ReportTables.format(lambda),
                    x,
                    x.stream().map(l -> stats.get(l).getAverage()).toList());
            Color c = color(lambdas, lambda);
            series.setLineColor(c);
            series.setMarkerColor(c);
            series.setMarker(SeriesMarkers.CIRCLE);
            series.setLineWidth(1.5f);
        });
        List<ParetoFront.Point> best = ParetoFront.bestPerLevel(ParetoFront.points(finest));
        XYSeries line = chart.addSeries(
                "best over lambda",
                best.stream().map(ParetoFront.Point::deletedPercent).toList(),
                best.stream().map(ParetoFront.Point::accuracy).toList());
        line.setLineColor(BEST);
        line.setMarker(SeriesMarkers.NONE);
        line.setLineStyle(BEST_STROKE);
        return chart;
    }

    /** The lambdas' colours and the best line; returns the x it ends at. */
    private static int legend(Graphics2D g, List<Double> lambdas, boolean surface) {
        int x = PanelGrid.LEGEND_X;
        int y = PanelGrid.LEGEND_Y;
        g.setColor(Color.DARK_GRAY);
        g.drawString("lambda:", x, y + 5);
        x += g.getFontMetrics().stringWidth("lambda:") + 10;
        for (double lambda : lambdas) {
            g.setColor(color(lambdas, lambda));
            g.setStroke(new BasicStroke(3f));
            g.drawLine(x, y, x + 22, y);
            g.fillOval(x + 8, y - 4, 8, 8);
            g.setColor(Color.DARK_GRAY);
            String label = ReportTables.format(lambda);
            g.drawString(label, x + 28, y + 5);
            x += 28 + g.getFontMetrics().stringWidth(label) + 16;
        }
        g.setColor(BEST);
        g.setStroke(new BasicStroke(2.2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
        g.drawLine(x + 10, y, x + 40, y);
        g.setColor(Color.DARK_GRAY);
        String best = surface
                ? "best accuracy over lambda (hypernetworks: over the fine-lambda surface)"
                : "best accuracy over lambda";
        g.drawString(best, x + 48, y + 5);
        return x + 48 + g.getFontMetrics().stringWidth(best);
    }

    /** The accuracy axis all panels share: from the lowest accuracy (down to a multiple of 0.05) to at most 1. */
    private static double[] accuracyRange(ReportData data) {
        DoubleSummaryStatistics stats = data.results().stream()
                .filter(r -> r.criterion().equals(data.criterion()))
                .mapToDouble(ResultRow::accuracy)
                .summaryStatistics();
        double low = Math.max(0, Math.floor(stats.getMin() * 20 - 1e-9) / 20);
        double high = Math.min(1, Math.ceil(stats.getMax() * 20 + 1e-9) / 20);
        return new double[] {low, Math.max(high, low + 0.05)};
    }
}
