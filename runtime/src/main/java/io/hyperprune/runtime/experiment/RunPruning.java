package io.hyperprune.runtime.experiment;

import io.hyperprune.api.ComponentOptions;
import io.hyperprune.api.InputException;
import io.hyperprune.api.LambdaRange;
import io.hyperprune.api.PruningCriterion;
import io.hyperprune.engine.graph.ConstantHypernetwork;
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

    /** Weights ranked at once across a chunk of lambdas: 32 M ints, 128 MiB. */
    private static final long MAX_RANKED_WEIGHTS = 32_000_000;

    private final ExperimentConfig config;

    RunPruning(ExperimentConfig config) {
        this.config = config;
    }

    /**
     * Prunes a trained run by every criterion and writes {@code prune.csv}: a criterion that breaks its
     * contract (a {@link PluginFault} of that criterion) loses only its own rows, recorded in {@code prune-failed.json}; the
     * rows of criteria that succeeded earlier are kept, so a retry redoes only the failed ones. A hypernetwork run then
     * gets its accuracy surface ({@code surface.csv}, {@link SurfaceLambdas}) by the criteria that pruned it, kept and
     * retried the same way ({@code surface-failed.json}).
     *
     * @return one message per failed criterion
     */
    List<String> write(
            Path runDirectory, Trainer trainer, RunResolver.Resolved resolved, List<PruningCriterion> criteria) {
        ComponentOptions evidenceOptions = new ComponentOptions(
                resolved.evidence().id(), resolved.config().evidence().options());
        PruningSweep sweep = new PruningSweep(
                trainer, resolved.evidence(), evidenceOptions, resolved.config().seed());
        int lambdasPerSweep = lambdasPerSweep(trainer);
        Map<String, String> failures = sweepInto(
                runDirectory.resolve(Experiment.PRUNE),
                runDirectory.resolve(Experiment.PRUNE_FAILED),
                sweep,
                resolved.config().lambdas(),
                lambdasPerSweep,
                criteria);
        List<String> messages = new ArrayList<>();
        failures.forEach((id, message) -> messages.add("criterion '" + id + "': " + message));
        if (surfaceDue(resolved)) {
            List<PruningCriterion> pruned =
                    criteria.stream().filter(c -> !failures.containsKey(c.id())).toList();
            List<Double> lambdas = SurfaceLambdas.of(
                    new LambdaRange(
                            resolved.config().lambdaMin(), resolved.config().lambdaMax()),
                    config.surfaceLambdas(),
                    resolved.config().lambdas());
            sweepInto(
                            runDirectory.resolve(Experiment.SURFACE),
                            runDirectory.resolve(Experiment.SURFACE_FAILED),
                            sweep,
                            lambdas,
                            lambdasPerSweep,
                            pruned)
                    .forEach((id, message) -> messages.add("surface, criterion '" + id + "': " + message));
        }
        return messages;
    }

    /** A hypernetwork run of an experiment that asks for surfaces (a plain model has only its own lambdas). */
    private boolean surfaceDue(RunResolver.Resolved resolved) {
        return config.surfaceLambdas() > 0
                && !resolved.config().hypernetwork().id().equals(ConstantHypernetwork.ID);
    }

    /**
     * Whether a finished hypernetwork run still lacks its surface (an experiment from before surfaces, or one
     * whose surface was interrupted), or has failed surface criteria to redo now.
     */
    static boolean surfaceMissing(ExperimentConfig config, GridRun run, Path runDirectory, boolean retryFailed) {
        return config.surfaceLambdas() > 0
                && !run.spec().plain()
                && (!Files.exists(runDirectory.resolve(Experiment.SURFACE))
                        || (retryFailed && Files.exists(runDirectory.resolve(Experiment.SURFACE_FAILED))));
    }

    /**
     * Sweeps {@code lambdas} by every criterion whose rows {@code file} lacks and rewrites it with all rows, lambda by
     * lambda; a criterion failing on its own loses only its rows, recorded in {@code failedFile}.
     *
     * @return the failed criteria's messages by id
     */
    private Map<String, String> sweepInto(
            Path file,
            Path failedFile,
            PruningSweep sweep,
            List<Double> lambdas,
            int lambdasPerSweep,
            List<PruningCriterion> criteria) {
        List<Double> fractions =
                config.levels().stream().map(level -> level / 100).toList();
        Map<String, Map<Double, List<PruneCsv.Row>>> rows =
                Files.exists(file) ? byCriterionAndLambda(PruneCsv.read(file)) : new LinkedHashMap<>();
        Map<String, String> failures = new LinkedHashMap<>();
        for (PruningCriterion criterion : criteria) {
            if (rows.containsKey(criterion.id())) {
                continue; // swept by this criterion earlier
            }
            ComponentOptions criterionOptions =
                    new ComponentOptions(criterion.id(), config.options().getOrDefault(criterion.id(), Map.of()));
            try {
                List<PruneCsv.Row> swept = new ArrayList<>();
                // All lambdas of a chunk are scored first and evaluated together, one pass per level.
                for (int from = 0; from < lambdas.size(); from += lambdasPerSweep) {
                    List<Double> chunk = lambdas.subList(from, Math.min(lambdas.size(), from + lambdasPerSweep));
                    sweep.sweep(chunk, criterion, criterionOptions, config.pruningScope(), fractions).stream()
                            .map(PruneCsv.Row::of)
                            .forEach(swept::add);
                }
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
        PruneCsv.write(file, table);
        if (failures.isEmpty()) {
            AtomicFiles.delete(failedFile);
        } else {
            AtomicFiles.writeString(failedFile, Json.write(failures));
        }
        return failures;
    }

    /**
     * Lambdas scored and evaluated together: up to 16 (what one evaluation pass takes), fewer for a large net, whose
     * rankings (an int per weight and lambda) would not fit the default heap.
     */
    private static int lambdasPerSweep(Trainer trainer) {
        long parameters = trainer.graph().model().parameterCount();
        return (int) Math.max(1, Math.min(16, MAX_RANKED_WEIGHTS / Math.max(1, parameters)));
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

    /** The criteria that failed on a run (pruning, then its surface), with their messages. */
    static List<String> failedCriteria(Path runDirectory) {
        List<String> failures = new ArrayList<>();
        failures.addAll(failedCriteria(runDirectory.resolve(Experiment.PRUNE_FAILED), "criterion '"));
        failures.addAll(failedCriteria(runDirectory.resolve(Experiment.SURFACE_FAILED), "surface, criterion '"));
        return failures;
    }

    private static List<String> failedCriteria(Path file, String prefix) {
        if (!Files.exists(file)) {
            return List.of();
        }
        try {
            List<String> failures = new ArrayList<>();
            Json.MAPPER
                    .readTree(file.toFile())
                    .fields()
                    .forEachRemaining(e -> failures.add(
                            prefix + e.getKey() + "': " + e.getValue().asText()));
            return failures;
        } catch (IOException e) {
            throw new InputException(
                    "cannot read " + file + ": " + e.getMessage() + "; delete it and run with --resume --retry-failed",
                    e);
        }
    }
}
