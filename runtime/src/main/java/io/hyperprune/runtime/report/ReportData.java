package io.hyperprune.runtime.report;

import com.fasterxml.jackson.databind.JsonNode;
import io.hyperprune.runtime.run.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What the report is drawn from: the experiment's results, the hypernetworks' fine-lambda surfaces, the theorem
 * check's rows, and the order a reader expects (the experiment's evidences and criteria; hypernetworks constant,
 * linear, piecewise, then any other). The overview, fronts and claims use one criterion: the experiment's first.
 */
record ReportData(
        List<ResultRow> results,
        List<ResultRow> surface,
        List<String[]> agreement,
        List<String> evidences,
        List<String> hypernetworks,
        String criterion) {

    static final String PLAIN = "constant";
    private static final List<String> HYPERNETWORK_ORDER = List.of(PLAIN, "linear", "piecewise");

    static ReportData read(List<Path> directories, List<ResultRow> results) {
        List<Path> surfaces = directories.stream()
                .map(d -> d.resolve("surface.csv"))
                .filter(Files::isRegularFile)
                .toList();
        JsonNode experiment = directories.stream()
                .map(d -> d.resolve("experiment.json"))
                .filter(Files::isRegularFile)
                .findFirst()
                .map(ReportData::readJson)
                .orElse(null);
        Set<String> evidences = new LinkedHashSet<>(strings(experiment, "evidences"));
        results.forEach(r -> evidences.add(r.evidence()));
        evidences.retainAll(results.stream().map(ResultRow::evidence).toList());
        Set<String> hypernetworks = new LinkedHashSet<>(HYPERNETWORK_ORDER);
        results.forEach(r -> hypernetworks.add(r.hypernetwork()));
        hypernetworks.retainAll(results.stream().map(ResultRow::hypernetwork).toList());
        List<String> criteria = new ArrayList<>(strings(experiment, "criteria"));
        criteria.addAll(results.stream().map(ResultRow::criterion).sorted().toList());
        String criterion = criteria.stream()
                .filter(c -> results.stream().anyMatch(r -> r.criterion().equals(c)))
                .findFirst()
                .orElseThrow();
        return new ReportData(
                results,
                ResultTable.read(surfaces),
                ReportTables.readAgreement(directories),
                List.copyOf(evidences),
                List.copyOf(hypernetworks),
                criterion);
    }

    /** The results of one model by the report's criterion. */
    List<ResultRow> results(String evidence, String hypernetwork) {
        return of(results, evidence, hypernetwork);
    }

    /**
     * The finest rows of one model by the report's criterion: a hypernetwork's surface when every run of it has
     * one, else its results.
     */
    List<ResultRow> finest(String evidence, String hypernetwork) {
        List<ResultRow> grid = results(evidence, hypernetwork);
        List<ResultRow> fine = of(surface, evidence, hypernetwork);
        Set<String> runs = new LinkedHashSet<>(grid.stream().map(ResultRow::run).toList());
        boolean complete =
                !fine.isEmpty() && fine.stream().map(ResultRow::run).toList().containsAll(runs);
        return complete ? fine.stream().filter(r -> runs.contains(r.run())).toList() : grid;
    }

    /** Rows in the reader's order of models: evidence, then hypernetwork, then criterion. */
    Comparator<ResultRow> modelOrder() {
        return Comparator.<ResultRow>comparingInt(r -> evidences.indexOf(r.evidence()))
                .thenComparingInt(r -> hypernetworks.indexOf(r.hypernetwork()))
                .thenComparing(ResultRow::criterion);
    }

    /** The model's name as results.csv writes it, e.g. "variational+linear"; plain models by their evidence. */
    static String model(String evidence, String hypernetwork) {
        return hypernetwork.equals(PLAIN) ? evidence : evidence + "+" + hypernetwork;
    }

    private List<ResultRow> of(List<ResultRow> rows, String evidence, String hypernetwork) {
        return rows.stream()
                .filter(r -> r.evidence().equals(evidence)
                        && r.hypernetwork().equals(hypernetwork)
                        && r.criterion().equals(criterion))
                .toList();
    }

    private static List<String> strings(JsonNode experiment, String key) {
        List<String> values = new ArrayList<>();
        if (experiment != null && experiment.path(key).isArray()) {
            experiment.path(key).forEach(v -> values.add(v.asText()));
        }
        return values;
    }

    private static JsonNode readJson(Path file) {
        try {
            return Json.MAPPER.readTree(file.toFile());
        } catch (IOException e) {
            return null; // the order is a nicety: results.csv's order serves as well
        }
    }
}
