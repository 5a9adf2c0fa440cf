package io.hyperprune.runtime.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.DoubleSummaryStatistics;
import java.util.List;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.Marker;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The figures across models: the Pareto front of every model (test accuracy against remaining parameters, log
 * scale; a model's colour is its evidence, its marker and line its hypernetwork) and, per model, the best lambda at
 * each deletion level.
 */
final class FrontFigures {

    private static final Color[] EVIDENCE_COLORS = {
        new Color(31, 119, 180), new Color(255, 127, 14), new Color(44, 160, 44),
        new Color(214, 39, 40), new Color(148, 103, 189), new Color(140, 86, 75)
    };
    private static final Marker[] MARKERS = {
        SeriesMarkers.CIRCLE, SeriesMarkers.SQUARE, SeriesMarkers.DIAMOND, SeriesMarkers.TRIANGLE_UP
    };
    private static final float[][] DASHES = {null, {8f, 4f}, {2f, 3f}, {8f, 3f, 2f, 3f}};

    private FrontFigures() {}

    /** Per model the upper envelope of accuracy over lambda and deletion level against remaining parameters. */
    static XYChart pareto(ReportData data) {
        XYChart chart = chart(
                "Pareto front: best test accuracy with at most N parameters (criterion " + data.criterion() + ")",
                "remaining parameters (log scale)",
                "test accuracy");
        // log10 on a linear axis, ticks labelled with the count: XChart labels a log axis at decades only, and
        // most fronts span less than one.
        chart.getStyler().setxAxisTickLabelsFormattingFunction(exponent -> parameters(Math.pow(10, exponent)));
        chart.getStyler().setYAxisDecimalPattern("0.00");
        for (String evidence : data.evidences()) {
            for (String hypernetwork : data.hypernetworks()) {
                List<ParetoFront.Point> front =
                        ParetoFront.front(ParetoFront.points(data.finest(evidence, hypernetwork)));
                if (!front.isEmpty()) {
                    style(
                            chart.addSeries(
                                    ReportData.model(evidence, hypernetwork),
                                    front.stream()
                                            .map(p -> Math.log10((double) p.remainingParameters()))
                                            .toList(),
                                    front.stream()
                                            .map(ParetoFront.Point::accuracy)
                                            .toList()),
                            data,
                            evidence,
                            hypernetwork);
                }
            }
        }
        return chart;
    }

    /**
     * Per model, the lambda with the best accuracy at each deletion level (the line the paper draws), in the
     * overview's layout, on one lambda axis.
     */
    static BufferedImage bestLambda(ReportData data) {
        DoubleSummaryStatistics lambdas =
                data.results().stream().mapToDouble(ResultRow::lambda).summaryStatistics();
        DoubleSummaryStatistics fine =
                data.surface().stream().mapToDouble(ResultRow::lambda).summaryStatistics();
        double low = Math.min(lambdas.getMin(), fine.getCount() > 0 ? fine.getMin() : lambdas.getMin());
        double high = Math.max(lambdas.getMax(), fine.getCount() > 0 ? fine.getMax() : lambdas.getMax());
        return PanelGrid.compose(
                data,
                "The most accurate lambda at each deletion level (criterion " + data.criterion() + ")",
                g -> {
                    String label = data.surface().isEmpty()
                            ? "the lambda with the best test accuracy, over each model's grid lambdas"
                            : "best lambda: a hypernetwork's over its fine-lambda surface, a plain model's over its own"
                                    + " lambdas";
                    g.setColor(OverviewFigure.BEST);
                    g.setStroke(new BasicStroke(2f));
                    g.drawLine(PanelGrid.LEGEND_X, PanelGrid.LEGEND_Y, PanelGrid.LEGEND_X + 30, PanelGrid.LEGEND_Y);
                    g.fillOval(PanelGrid.LEGEND_X + 11, PanelGrid.LEGEND_Y - 4, 8, 8);
                    g.setColor(Color.DARK_GRAY);
                    g.drawString(label, PanelGrid.LEGEND_X + 40, PanelGrid.LEGEND_Y + 5);
                    return PanelGrid.LEGEND_X + 40 + g.getFontMetrics().stringWidth(label);
                },
                (evidence, hypernetwork) -> {
                    List<ParetoFront.Point> best =
                            ParetoFront.bestPerLevel(ParetoFront.points(data.finest(evidence, hypernetwork)));
                    return best.isEmpty() ? null : bestLambdaPanel(best, low, high);
                });
    }

    private static XYChart bestLambdaPanel(List<ParetoFront.Point> best, double low, double high) {
        XYChart chart = new XYChartBuilder()
                .width(PanelGrid.PANEL_WIDTH)
                .height(PanelGrid.PANEL_HEIGHT)
                .xAxisTitle("deleted weights, %")
                .yAxisTitle("best lambda (log scale)")
                .build();
        chart.getStyler().setYAxisLogarithmic(true);
        chart.getStyler().setYAxisMin(low / 1.5).setYAxisMax(high * 1.5);
        chart.getStyler()
                .setLegendVisible(false)
                .setMarkerSize(6)
                .setChartBackgroundColor(Color.WHITE)
                .setChartPadding(6);
        XYSeries series = chart.addSeries(
                "best lambda",
                best.stream().map(ParetoFront.Point::deletedPercent).toList(),
                best.stream().map(ParetoFront.Point::lambda).toList());
        series.setLineColor(OverviewFigure.BEST);
        series.setMarkerColor(OverviewFigure.BEST);
        series.setMarker(SeriesMarkers.CIRCLE);
        return chart;
    }

    private static XYChart chart(String title, String x, String y) {
        XYChart chart = new XYChartBuilder()
                .width(1200)
                .height(620)
                .title(title)
                .xAxisTitle(x)
                .yAxisTitle(y)
                .build();
        chart.getStyler()
                .setLegendPosition(Styler.LegendPosition.OutsideE)
                .setChartBackgroundColor(Color.WHITE)
                .setMarkerSize(7);
        return chart;
    }

    /** A parameter count to two significant digits: 800, 6.3k, 40k, 1.5M. */
    static String parameters(double value) {
        double rounded = new BigDecimal(value).round(new MathContext(2)).doubleValue();
        return rounded >= 1e6
                ? ReportTables.format(rounded / 1e6) + "M"
                : rounded >= 1e3 ? ReportTables.format(rounded / 1e3) + "k" : ReportTables.format(rounded);
    }

    private static void style(XYSeries series, ReportData data, String evidence, String hypernetwork) {
        int e = data.evidences().indexOf(evidence);
        int h = data.hypernetworks().indexOf(hypernetwork);
        Color color = EVIDENCE_COLORS[e % EVIDENCE_COLORS.length];
        series.setLineColor(color);
        series.setMarkerColor(color);
        series.setMarker(MARKERS[h % MARKERS.length]);
        float[] dash = DASHES[h % DASHES.length];
        series.setLineStyle(
                dash == null
                        ? new BasicStroke(2f)
                        : new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, dash, 0f));
    }
}
