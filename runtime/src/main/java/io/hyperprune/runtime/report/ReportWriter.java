package io.hyperprune.runtime.report;

import io.hyperprune.api.InputException;
import io.hyperprune.runtime.run.AtomicFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The study's report from one or more experiment directories (shards are merged), in the order a reader wants
 * it: the overview laid out like the paper's figure, the Pareto front and the best lambda per deletion level, the
 * method's claims checked on the data, then the heatmaps, more figures, and the long tables last (collapsed in
 * HTML). Written as {@code report.md} plus a self-contained {@code report.html}.
 *
 * <p>This class reads the inputs and decides what goes where; the figures are drawn by {@link OverviewFigure},
 * {@link FrontFigures} and {@link ReportFigures}, the claims checked by {@link Claims}, the tables computed by
 * {@link ReportTables} and the pages written by {@link ReportPage}.
 */
public final class ReportWriter {

    static final String TITLE = "hyperprune report";

    /**
     * What was written.
     *
     * @param missingRuns runs of the grid with no rows in the results read, in grid order
     */
    public record Result(Path html, Path markdown, List<Path> figures, String markdownText, List<String> missingRuns) {}

    private ReportWriter() {}

    /** The report of these experiment directories without a check that every run of their grid is in it. */
    public static Result write(List<Path> experimentDirectories, Path outDirectory) {
        return write(experimentDirectories, outDirectory, List.of());
    }

    /**
     * The report of these experiment directories (shards of one experiment are merged); {@code gridRuns},
     * the names of every run the grid has, makes runs without results a warning at the top of the report.
     */
    public static Result write(List<Path> experimentDirectories, Path outDirectory, List<String> gridRuns) {
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
        ReportData data = ReportData.read(experimentDirectories, rows);
        Path figures = outDirectory.resolve("figures");
        List<Path> written = new ArrayList<>();
        ReportPage page = new ReportPage(outDirectory);
        long surfaceLambdas =
                data.surface().stream().map(ResultRow::lambda).distinct().count();
        page.paragraph(String.format(
                java.util.Locale.ROOT,
                "Test accuracy against the share of deleted weights and lambda: %d models, %d lambdas, %d deletion"
                        + " levels, %d runs; %s. Source: %s.",
                rows.stream().map(ResultRow::model).distinct().count(),
                rows.stream().map(ResultRow::lambda).distinct().count(),
                rows.stream().map(ResultRow::deletedPercent).distinct().count(),
                rows.stream().map(ResultRow::run).distinct().count(),
                surfaceLambdas > 0
                        ? "the hypernetworks also at " + surfaceLambdas + " lambdas (surface.csv)"
                        : "no fine-lambda surface (no surface.csv rows), so hypernetworks show their grid lambdas only",
                experimentDirectories));
        java.util.Set<String> reported = rows.stream().map(ResultRow::run).collect(java.util.stream.Collectors.toSet());
        // No grid run among the results: names from another version of the run naming (an experiment written
        // before a spec field existed), which cannot tell what is missing; no check rather than a false alarm.
        List<String> missing = gridRuns.stream().noneMatch(reported::contains)
                ? List.of()
                : gridRuns.stream()
                        .distinct()
                        .filter(run -> !reported.contains(run))
                        .toList();
        if (!missing.isEmpty()) {
            page.warning(
                    String.format(
                            java.util.Locale.ROOT,
                            "Incomplete: %d of %d runs of the grid have no results here",
                            missing.size(),
                            gridRuns.stream().distinct().count()),
                    missingRunsWarning(missing));
        }
        page.contents(List.of(
                new String[] {"overview", "Overview"},
                new String[] {"pareto", "Pareto front"},
                new String[] {"claims", "Claims checked"},
                new String[] {"heatmaps", "Heatmaps"},
                new String[] {"figures", "More figures"},
                new String[] {"tables", "Tables"}));

        page.heading("overview", "Overview");
        Path overview = ReportFigures.writePng(OverviewFigure.draw(data), figures.resolve("overview"));
        written.add(overview);
        page.figure(overview, false);

        page.heading("pareto", "Pareto front");
        page.paragraph("For each model, the best test accuracy reachable with at most a given number of parameters,"
                + " over every lambda and deletion level (a hypernetwork over its fine-lambda surface, a plain model"
                + " over its own lambdas); below it, the lambda that is most accurate at each deletion level.");
        List<Path> pareto = ReportFigures.save(FrontFigures.pareto(data), figures.resolve("pareto"));
        written.addAll(pareto);
        page.figure(pareto.get(0), false);
        Path bestLambda = ReportFigures.writePng(FrontFigures.bestLambda(data), figures.resolve("best-lambda"));
        written.add(bestLambda);
        page.figure(bestLambda, false);

        page.heading("claims", "Claims checked");
        page.claims(Claims.check(data));

        page.heading("heatmaps", "Heatmaps");
        page.paragraph("Test accuracy over (lambda, % deleted) per model and criterion; a hypernetwork's over its"
                + " fine-lambda surface.");
        Map<String, List<ResultRow>> byFigure = byModelAndCriterion(rows, data);
        Map<String, List<ResultRow>> surfaceByFigure = byModelAndCriterion(data.surface(), data);
        for (Map.Entry<String, List<ResultRow>> entry : byFigure.entrySet()) {
            List<ResultRow> heat = surfaceByFigure.getOrDefault(entry.getKey(), entry.getValue());
            List<Path> heatmap = ReportFigures.writeHeatmap(
                    title(entry.getValue()), heat, figures.resolve(safe(entry.getKey()) + "-heatmap"));
            written.addAll(heatmap);
            page.figure(heatmap.get(0), true);
        }

        page.heading("figures", "More figures");
        for (double level : List.of(0.0, 80.0)) {
            String name = "comparison-" + (int) level;
            List<Path> comparison = ReportFigures.writeComparison(rows, level, figures.resolve(name));
            if (!comparison.isEmpty()) {
                written.addAll(comparison);
                page.figure(comparison.get(0), true);
            }
        }
        List<Path> cost = ReportFigures.writeCost(rows, figures.resolve("training-cost"));
        written.addAll(cost);
        page.figure(cost.get(0), true);
        page.htmlOnly("<details><summary>Per model: a curve per lambda, min-max band over restarts</summary>\n");
        for (Map.Entry<String, List<ResultRow>> entry : byFigure.entrySet()) {
            List<Path> curves = ReportFigures.writeCurves(
                    title(entry.getValue()), entry.getValue(), figures.resolve(safe(entry.getKey())));
            written.addAll(curves);
            page.figure(curves.get(0), true);
        }
        page.htmlOnly("</details>\n");

        page.heading("tables", "Tables");
        page.table(
                "Accuracy at 0/50/80/90% deleted (mean [min-max] over restarts)",
                ReportTables.accuracyTable(rows), true);
        page.table(
                "Best lambda per deletion level (criterion " + data.criterion() + ")",
                ReportTables.bestLambdaTable(data),
                true);
        page.table("Training cost per model", ReportTables.costTable(rows), true);
        page.table(
                "Theorem check: hypernetwork vs plain model pruning scores",
                ReportTables.agreementTable(data.agreement()),
                true);
        page.paragraph("Figures (PNG and SVG): " + figures);

        Path htmlFile = outDirectory.resolve("report.html");
        Path mdFile = outDirectory.resolve("report.md");
        String markdown = page.markdown(TITLE);
        AtomicFiles.writeString(htmlFile, page.html(TITLE));
        AtomicFiles.writeString(mdFile, markdown);
        return new Result(htmlFile, mdFile, written, markdown, missing);
    }

    /** Rows by figure ("model-criterion"), in the reader's order of models. */
    private static Map<String, List<ResultRow>> byModelAndCriterion(List<ResultRow> rows, ReportData data) {
        return rows.stream()
                .sorted(data.modelOrder())
                .collect(Collectors.groupingBy(
                        r -> r.model() + "-" + r.criterion(), LinkedHashMap::new, Collectors.toList()));
    }

    private static String title(List<ResultRow> group) {
        return group.get(0).model() + " (" + group.get(0).criterion() + ", "
                + group.get(0).scope() + ")";
    }

    private static String safe(String name) {
        return name.replaceAll("[^A-Za-z0-9+._-]", "_");
    }

    /** What the warning about runs without results says after its title: the runs (the first 10), what to do. */
    static String missingRunsWarning(List<String> missing) {
        return "(never ran, still running, or failed): " + runNames(missing)
                + ". `hyperprune experiment --resume` with the same"
                + " settings and --out trains them (each shard with its own --shard), `--retry-failed` reruns failed"
                + " ones; a shard written to another directory belongs on the report's command line.";
    }

    /** Run names for a reader: the first 10, then how many more. */
    public static String runNames(List<String> runs) {
        return String.join(", ", runs.subList(0, Math.min(10, runs.size())))
                + (runs.size() > 10 ? ", ... (" + (runs.size() - 10) + " more)" : "");
    }
}
