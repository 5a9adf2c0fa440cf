package io.hyperprune.runtime.report;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The method's claims checked on an experiment's data, one sentence each with its numbers (METHOD.md): larger
 * lambda makes a model more robust under pruning; one hypernetwork serves as well as separately trained models;
 * and the theorem check. A claim the data cannot check says what is missing.
 */
final class Claims {

    /** A claim: what is claimed, and the sentence with the numbers. */
    record Claim(String title, String sentence) {}

    /** The level the robustness claim is checked at (or the level nearest it). */
    static final double ROBUSTNESS_LEVEL = 80;

    private Claims() {}

    static List<Claim> check(ReportData data) {
        return List.of(robustness(data), hypernetworkVsPlain(data), theorem(data));
    }

    /** (a) Spearman of lambda with accuracy at 80 % deleted (or the nearest level), per model. */
    static Claim robustness(ReportData data) {
        String title = "Larger lambda, more robust under pruning";
        TreeSet<Double> levels = data.results().stream()
                .filter(r -> r.criterion().equals(data.criterion()))
                .map(ResultRow::deletedPercent)
                .collect(Collectors.toCollection(TreeSet::new));
        double level = levels.stream()
                .min(Comparator.comparingDouble((Double l) -> Math.abs(l - ROBUSTNESS_LEVEL))
                        .thenComparing(Comparator.reverseOrder()))
                .orElseThrow();
        String where = level == ROBUSTNESS_LEVEL
                ? percent(level) + " deleted"
                : percent(level) + " deleted (the level nearest " + percent(ROBUSTNESS_LEVEL) + " here)";
        List<String> parts = new ArrayList<>();
        int positive = 0;
        int defined = 0;
        int fewLambdas = 0;
        for (String evidence : data.evidences()) {
            for (String hypernetwork : data.hypernetworks()) {
                List<ResultRow> rows = data.results(evidence, hypernetwork);
                if (rows.isEmpty()) {
                    continue;
                }
                double rho = rankCorrelationAt(rows, level);
                long lambdas = lambdasAt(rows, level);
                String part = ReportData.model(evidence, hypernetwork) + " " + signed(rho, 2);
                if (lambdas < 3) {
                    fewLambdas++;
                    continue;
                }
                if (!hypernetwork.equals(ReportData.PLAIN)) {
                    List<ResultRow> fine = data.finest(evidence, hypernetwork);
                    if (lambdasAt(fine, level) > lambdas) {
                        part += " (" + lambdasAt(fine, level) + " surface lambdas: "
                                + signed(rankCorrelationAt(fine, level), 2) + ")";
                    }
                }
                parts.add(part);
                if (!Double.isNaN(rho)) {
                    defined++;
                    positive += rho > 0 ? 1 : 0;
                }
            }
        }
        if (parts.isEmpty()) {
            return new Claim(
                    title,
                    "Not checked: a rank correlation needs at least 3 lambdas per model at " + where + ", and "
                            + (fewLambdas > 0 ? "this experiment has fewer" : "no model has rows there") + ".");
        }
        return new Claim(
                title,
                String.format(
                        Locale.ROOT,
                        "Spearman rank correlation of lambda with test accuracy at %s (criterion %s, mean over"
                                + " restarts, the grid's lambdas): %s. Positive for %d of %d models%s%s.",
                        where,
                        data.criterion(),
                        String.join("; ", parts),
                        positive,
                        defined,
                        defined < parts.size() ? " (undefined where accuracy did not vary)" : "",
                        fewLambdas > 0 ? "; " + fewLambdas + " model(s) with fewer than 3 lambdas not ranked" : ""));
    }

    /** (b) Hypernetwork minus plain model at the same lambda and level: mean and worst; training-cost ratio. */
    static Claim hypernetworkVsPlain(ReportData data) {
        String title = "One hypernetwork vs separately trained models";
        Map<String, Double> seconds = ReportTables.trainingSeconds(data.results());
        List<String> parts = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        for (String evidence : data.evidences()) {
            List<ResultRow> plainRows = data.results(evidence, ReportData.PLAIN);
            for (String hypernetwork : data.hypernetworks()) {
                List<ResultRow> hyperRows = data.results(evidence, hypernetwork);
                if (hypernetwork.equals(ReportData.PLAIN) || hyperRows.isEmpty()) {
                    continue;
                }
                String model = ReportData.model(evidence, hypernetwork);
                if (plainRows.isEmpty()) {
                    missing.add(model + " (no plain " + evidence + " model)");
                    continue;
                }
                Map<List<Double>, Double> plain = means(plainRows);
                Map<List<Double>, Double> hyper = means(hyperRows);
                List<Double> worstAt = null;
                double worst = Double.POSITIVE_INFINITY;
                double sum = 0;
                int count = 0;
                for (Map.Entry<List<Double>, Double> entry : hyper.entrySet()) {
                    Double other = plain.get(entry.getKey());
                    if (other == null) {
                        continue;
                    }
                    double difference = entry.getValue() - other;
                    sum += difference;
                    count++;
                    if (difference < worst) {
                        worst = difference;
                        worstAt = entry.getKey();
                    }
                }
                if (count == 0) {
                    missing.add(model + " (no lambda and level shared with plain " + evidence + ")");
                    continue;
                }
                parts.add(String.format(
                        Locale.ROOT,
                        "%s mean %s, worst %s (lambda %s, %s deleted), %d points, training time %.2fx",
                        model,
                        signed(sum / count, 3),
                        signed(worst, 3),
                        ReportTables.format(worstAt.get(0)),
                        percent(worstAt.get(1)),
                        count,
                        seconds.get(model) / seconds.get(evidence)));
            }
        }
        if (parts.isEmpty()) {
            return new Claim(
                    title,
                    "Not checked: "
                            + (missing.isEmpty()
                                    ? "the experiment has no hypernetwork model"
                                    : "nothing to compare for " + String.join(", ", missing))
                            + ".");
        }
        return new Claim(
                title,
                "Test accuracy of the hypernetwork's model minus that of the plain model trained at the same lambda,"
                        + " over the lambdas and deletion levels both have (criterion " + data.criterion()
                        + ", mean over restarts), and the hypernetwork run's training time as a multiple of the"
                        + " plain model's (all its lambdas): " + String.join("; ", parts) + "."
                        + (missing.isEmpty() ? "" : " Not compared: " + String.join(", ", missing) + "."));
    }

    /** (c) The theorem check from agreement.csv: score rank correlation and deleted-set IoU per hypernetwork model. */
    static Claim theorem(ReportData data) {
        String title = "Theorem check: a hypernetwork's model is pruned like one trained at its lambda";
        Map<String, List<String[]>> byModel = new LinkedHashMap<>(); // in the reader's order of models
        for (String evidence : data.evidences()) {
            for (String hypernetwork : data.hypernetworks()) {
                for (String[] row : data.agreement()) {
                    if (row.length >= 9
                            && row[0].equals(evidence)
                            && row[1].equals(hypernetwork)
                            && row[4].equals(data.criterion())) {
                        byModel.computeIfAbsent(ReportData.model(evidence, hypernetwork), k -> new ArrayList<>())
                                .add(row);
                    }
                }
            }
        }
        if (byModel.isEmpty()) {
            return new Claim(
                    title,
                    "Not checked: agreement.csv has no rows for criterion " + data.criterion()
                            + " (it needs finished hypernetwork and plain runs of one evidence at the same lambdas).");
        }
        List<String> parts = new ArrayList<>();
        int above = 0;
        int pairs = 0;
        double chance = 0.8 / (2 - 0.8); // deleted-set IoU of two independent random masks deleting 80 %
        for (Map.Entry<String, List<String[]>> entry : byModel.entrySet()) {
            double[] rho = entry.getValue().stream()
                    .mapToDouble(r -> Double.parseDouble(r[5]))
                    .sorted()
                    .toArray();
            double[] iou = entry.getValue().stream()
                    .mapToDouble(r -> Double.parseDouble(r[7]))
                    .sorted()
                    .toArray();
            pairs += iou.length;
            above += (int) java.util.Arrays.stream(iou).filter(v -> v > chance).count();
            parts.add(String.format(
                    Locale.ROOT,
                    "%s Spearman %.2f [%.2f, %.2f], IoU %.2f [%.2f, %.2f]",
                    entry.getKey(),
                    median(rho),
                    rho[0],
                    rho[rho.length - 1],
                    median(iou),
                    iou[0],
                    iou[iou.length - 1]));
        }
        return new Claim(
                title,
                String.format(
                        Locale.ROOT,
                        "Rank correlation of the pruning scores (criterion %s) of the hypernetwork's model and the"
                                + " plain model at each lambda, and the overlap (IoU) of the weights each deletes at 80 %%,"
                                + " median [min, max] over lambdas and restarts: %s. IoU above chance (%.2f for random"
                                + " masks) for %d of %d pairs.",
                        data.criterion(),
                        String.join("; ", parts),
                        chance,
                        above,
                        pairs));
    }

    /** Spearman's rank correlation (ties: average ranks); NaN when either side is constant or has under 2 values. */
    static double spearman(double[] x, double[] y) {
        return pearson(ranks(x), ranks(y));
    }

    private static double rankCorrelationAt(List<ResultRow> rows, double level) {
        Map<Double, Double> byLambda = new TreeMap<>();
        means(rows).forEach((key, accuracy) -> {
            if (key.get(1) == level) {
                byLambda.put(key.get(0), accuracy);
            }
        });
        return spearman(
                byLambda.keySet().stream().mapToDouble(Double::doubleValue).toArray(),
                byLambda.values().stream().mapToDouble(Double::doubleValue).toArray());
    }

    private static long lambdasAt(List<ResultRow> rows, double level) {
        return rows.stream()
                .filter(r -> r.deletedPercent() == level)
                .map(ResultRow::lambda)
                .distinct()
                .count();
    }

    /** Mean accuracy over restarts by (lambda, level). */
    private static Map<List<Double>, Double> means(List<ResultRow> rows) {
        Map<List<Double>, Double> means = new TreeMap<>(
                Comparator.<List<Double>>comparingDouble(k -> k.get(0)).thenComparingDouble(k -> k.get(1)));
        ParetoFront.points(rows).forEach(p -> means.put(List.of(p.lambda(), p.deletedPercent()), p.accuracy()));
        return means;
    }

    private static double[] ranks(double[] values) {
        double[] ranks = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            int below = 0;
            int equal = 0;
            for (double v : values) {
                below += v < values[i] ? 1 : 0;
                equal += v == values[i] ? 1 : 0;
            }
            ranks[i] = below + (equal + 1) / 2.0;
        }
        return ranks;
    }

    private static double pearson(double[] x, double[] y) {
        int n = x.length;
        if (n < 2 || y.length != n) {
            return Double.NaN;
        }
        double mx = java.util.Arrays.stream(x).average().orElseThrow();
        double my = java.util.Arrays.stream(y).average().orElseThrow();
        double sxy = 0;
        double sxx = 0;
        double syy = 0;
        for (int i = 0; i < n; i++) {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
            syy += (y[i] - my) * (y[i] - my);
        }
        return sxx == 0 || syy == 0 ? Double.NaN : sxy / Math.sqrt(sxx * syy);
    }

    private static double median(double[] sorted) {
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static String signed(double value, int decimals) {
        return Double.isNaN(value) ? "undefined" : String.format(Locale.ROOT, "%+." + decimals + "f", value);
    }

    static String percent(double level) {
        return level == Math.rint(level)
                ? String.format(Locale.ROOT, "%.0f %%", level)
                : String.format(Locale.ROOT, "%s %%", level);
    }
}
