package io.hyperprune.runtime.report;

import io.hyperprune.api.InputException;
import io.hyperprune.runtime.run.AtomicFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The study's report from one or more experiment directories (shards are merged): per model the
 * paper's figure (accuracy vs % deleted, a curve per lambda, min-max band over restarts), a heatmap
 * over (lambda, % deleted), a comparison of the models, training cost, the theorem check, and
 * {@code report.md} plus a self-contained {@code report.html}.
 *
 * <p>This class reads the inputs, decides what goes where and writes the Markdown and HTML pages; the figures are
 * drawn by {@link ReportFigures}, the tables and their statistics computed by {@link ReportTables}.
 */
public final class ReportWriter {

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
        List<String[]> agreement = ReportTables.readAgreement(experimentDirectories);
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
            written.addAll(ReportFigures.writeModel(title, group, figures.resolve(safe(entry.getKey()))));
            html.append("<h3>")
                    .append(escape(title))
                    .append("</h3>\n")
                    .append(img(figures.resolve(safe(entry.getKey()) + ".png")))
                    .append(img(figures.resolve(safe(entry.getKey()) + "-heatmap.png")))
                    .append('\n');
        }
        for (double level : List.of(0.0, 80.0)) {
            String name = "comparison-" + (int) level;
            List<Path> comparison = ReportFigures.writeComparison(rows, level, figures.resolve(name));
            if (!comparison.isEmpty()) {
                written.addAll(comparison);
                html.append(img(figures.resolve(name + ".png")));
            }
        }
        written.addAll(ReportFigures.writeCost(rows, figures.resolve("training-cost")));
        html.append(img(figures.resolve("training-cost.png")));

        String accuracyTable = ReportTables.accuracyTable(rows);
        String costTable = ReportTables.costTable(rows);
        String agreementTable = ReportTables.agreementTable(agreement);
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
