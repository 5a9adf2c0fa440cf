package io.hyperprune.runtime.report;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.util.function.BiFunction;
import java.util.function.ToIntFunction;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;

/**
 * Small multiples laid out like the paper's figures: a row per evidence, a column per hypernetwork (constant,
 * linear, piecewise), under a title and a legend the panels share. A model the experiment lacks is a grey panel.
 */
final class PanelGrid {

    static final int PANEL_WIDTH = 440;
    static final int PANEL_HEIGHT = 300;
    /** Where a legend starts: x, and the y of its middle. */
    static final int LEGEND_X = 36;

    static final int LEGEND_Y = 54;
    private static final int LEFT = 36;
    private static final int TOP = 96;
    private static final Font TITLE = new Font(Font.SANS_SERIF, Font.BOLD, 18);
    private static final Font LABEL = new Font(Font.SANS_SERIF, Font.BOLD, 14);
    static final Font LEGEND = new Font(Font.SANS_SERIF, Font.PLAIN, 13);

    private PanelGrid() {}

    /**
     * @param legend draws the shared legend from ({@link #LEGEND_X}, {@link #LEGEND_Y}) and returns the x it ends at
     * @param panel the panel of (evidence, hypernetwork), {@link #PANEL_WIDTH} x {@link #PANEL_HEIGHT}; null when the
     *     experiment has no such model
     */
    static BufferedImage compose(
            ReportData data,
            String title,
            ToIntFunction<Graphics2D> legend,
            BiFunction<String, String, XYChart> panel) {
        int columns = data.hypernetworks().size();
        int rows = data.evidences().size();
        // As wide as the panels, or the title or legend when those are wider (one or two columns).
        BufferedImage scratch = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
        Graphics2D measure = scratch.createGraphics();
        int width;
        try {
            measure.setFont(LEGEND);
            int legendEnd = legend.applyAsInt(measure);
            width = Math.max(
                    LEFT + columns * PANEL_WIDTH,
                    Math.max(LEFT + measure.getFontMetrics(TITLE).stringWidth(title), legendEnd));
        } finally {
            measure.dispose();
        }
        BufferedImage image = new BufferedImage(width + 8, TOP + rows * PANEL_HEIGHT + 8, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, image.getWidth(), image.getHeight());
            g.setColor(Color.DARK_GRAY);
            g.setFont(TITLE);
            g.drawString(title, LEFT, 24);
            g.setFont(LEGEND);
            var unused = legend.applyAsInt(g); // measured above
            g.setColor(Color.DARK_GRAY);
            g.setFont(LABEL);
            for (int c = 0; c < columns; c++) {
                String hypernetwork = data.hypernetworks().get(c);
                String label = hypernetwork.equals(ReportData.PLAIN) ? "constant (plain models)" : hypernetwork;
                g.drawString(
                        label,
                        LEFT
                                + c * PANEL_WIDTH
                                + PANEL_WIDTH / 2
                                - g.getFontMetrics().stringWidth(label) / 2,
                        TOP - 8);
            }
            for (int r = 0; r < rows; r++) {
                String evidence = data.evidences().get(r);
                AffineTransform saved = g.getTransform();
                g.rotate(-Math.PI / 2);
                g.drawString(
                        evidence,
                        -(TOP
                                + r * PANEL_HEIGHT
                                + PANEL_HEIGHT / 2
                                + g.getFontMetrics().stringWidth(evidence) / 2),
                        LEFT - 12);
                g.setTransform(saved);
                for (int c = 0; c < columns; c++) {
                    int x = LEFT + c * PANEL_WIDTH;
                    int y = TOP + r * PANEL_HEIGHT;
                    XYChart chart = panel.apply(evidence, data.hypernetworks().get(c));
                    if (chart == null) {
                        g.setColor(new Color(245, 245, 245));
                        g.fillRect(x + 4, y + 4, PANEL_WIDTH - 8, PANEL_HEIGHT - 8);
                        g.setColor(Color.GRAY);
                        g.drawString("not in this experiment", x + 40, y + PANEL_HEIGHT / 2);
                        g.setColor(Color.DARK_GRAY);
                    } else {
                        g.drawImage(BitmapEncoder.getBufferedImage(chart), x, y, null);
                    }
                }
            }
        } finally {
            g.dispose();
        }
        return image;
    }
}
