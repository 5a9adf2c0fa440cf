package io.hyperprune.runtime.experiment;

import io.hyperprune.api.ComponentOptions;
import io.hyperprune.api.InputException;
import io.hyperprune.api.PruningCriterion;
import io.hyperprune.engine.train.Trainer;
import io.hyperprune.runtime.boundary.PluginFault;
import io.hyperprune.runtime.pruning.PruneCsv;
import io.hyperprune.runtime.pruning.PruningSweep;
import io.hyperprune.runtime.run.AtomicFiles;
import io.hyperprune.runtime.run.Json;
import io.hyperprune.runtime.run.RunResolver;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A finished run of an experiment pruned by the experiment's criteria at its levels. */
final class RunPruning {

    private final ExperimentConfig config;

    RunPruning(ExperimentConfig config) {
        this.config = config;
    }

    /**
     * Prunes a trained run by every criterion and writes {@code prune.csv}: a criterion that breaks its
     * contract (a {@link PluginFault} of that criterion) loses only its own rows, recorded in {@code prune-failed.json}; the
     * rows of criteria that succeeded earlier are kept, so a retry redoes only the failed ones.
     *
     * @return one message per failed criterion
     */
    List<String> write(
            Path runDirectory, Trainer trainer, RunResolver.Resolved resolved, List<PruningCriterion> criteria) {
        ComponentOptions evidenceOptions = new ComponentOptions(
                resolved.evidence().id(), resolved.config().evidence().options());
        PruningSweep sweep = new PruningSweep(
                trainer, resolved.evidence(), evidenceOptions, resolved.config().seed());
        List<Double> fractions =
                config.levels().stream().map(level -> level / 100).toList();
        List<Double> lambdas = resolved.config().lambdas();
        Path pruneFile = runDirectory.resolve(Experiment.PRUNE);
        // Rows by criterion, then lambda (a sweep evaluates all lambdas of a criterion together).
        Map<String, Map<Double, List<PruneCsv.Row>>> rows =
                Files.exists(pruneFile) ? byCriterionAndLambda(PruneCsv.read(pruneFile)) : new LinkedHashMap<>();
        Map<String, String> failures = new LinkedHashMap<>();
        for (PruningCriterion criterion : criteria) {
            if (rows.containsKey(criterion.id())) {
                continue; // pruned by this criterion earlier
            }
            ComponentOptions criterionOptions =
                    new ComponentOptions(criterion.id(), config.options().getOrDefault(criterion.id(), Map.of()));
            try {
                List<PruneCsv.Row> swept =
                        sweep.sweep(lambdas, criterion, criterionOptions, config.pruningScope(), fractions).stream()
                                .map(PruneCsv.Row::of)
                                .toList();
                rows.putAll(byCriterionAndLambda(swept));
            } catch (PluginFault e) {
                if (!e.isFaultOf(PruningCriterion.class, criterion)) {
                    throw e; // e.g. the evidence's view: every criterion would fail the same way
                }
                failures.put(criterion.id(), e.getMessage());
            }
        }
        List<PruneCsv.Row> table = new ArrayList<>();
        for (double lambda : lambdas) { // lambda by lambda, criteria in the experiment's order
            for (PruningCriterion criterion : criteria) {
                table.addAll(rows.getOrDefault(criterion.id(), Map.of()).getOrDefault(lambda, List.of()));
            }
        }
        PruneCsv.write(pruneFile, table);
        if (failures.isEmpty()) {
            AtomicFiles.delete(runDirectory.resolve(Experiment.PRUNE_FAILED));
        } else {
            AtomicFiles.writeString(runDirectory.resolve(Experiment.PRUNE_FAILED), Json.write(failures));
        }
        return failures.entrySet().stream()
                .map(e -> "criterion '" + e.getKey() + "': " + e.getValue())
                .toList();
    }

    /** Rows by criterion, then lambda (a sweep evaluates all lambdas of a criterion together). */
    private static Map<String, Map<Double, List<PruneCsv.Row>>> byCriterionAndLambda(List<PruneCsv.Row> rows) {
        Map<String, Map<Double, List<PruneCsv.Row>>> result = new LinkedHashMap<>();
        for (PruneCsv.Row row : rows) {
            result.computeIfAbsent(row.criterion(), c -> new LinkedHashMap<>())
                    .computeIfAbsent(row.lambda(), l -> new ArrayList<>())
                    .add(row);
        }
        return result;
    }

    /** The criteria that failed on a run, with their messages. */
    static Map<String, String> failedCriteria(Path runDirectory) {
        Path file = runDirectory.resolve(Experiment.PRUNE_FAILED);
        if (!Files.exists(file)) {
            return Map.of();
        }
        try {
            Map<String, String> failures = new LinkedHashMap<>();
            Json.MAPPER
                    .readTree(file.toFile())
                    .fields()
                    .forEachRemaining(e -> failures.put(
                            e.getKey(),
                            "criterion '" + e.getKey() + "': " + e.getValue().asText()));
            return failures;
        } catch (IOException e) {
            throw new InputException(
                    "cannot read " + file + ": " + e.getMessage() + "; delete it and run with --resume --retry-failed",
                    e);
        }
    }
}
