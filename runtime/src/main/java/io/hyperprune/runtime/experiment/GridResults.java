package io.hyperprune.runtime.experiment;

import io.hyperprune.api.ComponentOptions;
import io.hyperprune.api.InputException;
import io.hyperprune.api.PruningCriterion;
import io.hyperprune.engine.train.Trainer;
import io.hyperprune.runtime.pruning.PruneCsv;
import io.hyperprune.runtime.pruning.PruningSweep;
import io.hyperprune.runtime.pruning.ScoreAgreement;
import io.hyperprune.runtime.report.ResultRow;
import io.hyperprune.runtime.report.ResultsCsv;
import io.hyperprune.runtime.run.AtomicFiles;
import io.hyperprune.runtime.run.CsvTable;
import io.hyperprune.runtime.run.Json;
import io.hyperprune.runtime.run.RunResolver;
import io.hyperprune.runtime.run.RunResult;
import io.hyperprune.runtime.run.TrainingRun;
import io.hyperprune.runtime.wiring.ComponentRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The files an experiment computes from all its finished runs, whichever process or shard trained
 * them: {@code results.csv}, {@code surface.csv} (the hypernetworks' fine-lambda surfaces, results.csv's layout),
 * {@code summary.json} and {@code agreement.csv}. One writer at a time
 * (a short claim), each reading every run anew, so shards finishing together never lose a row.
 */
final class GridResults {

    private static final CsvTable AGREEMENT_TABLE = new CsvTable(
            "agreement.csv of 'hyperprune experiment'",
            List.of(
                    "evidence",
                    "hypernetwork",
                    "lambda",
                    "restart",
                    "criterion",
                    "spearman",
                    "iou_50",
                    "iou_80",
                    "iou_90"));
    private static final List<Double> AGREEMENT_LEVELS = List.of(0.5, 0.8, 0.9);

    private final Experiment experiment;
    private final ExperimentConfig config;
    private final Path directory;
    private final RunResolver resolver;
    private final ComponentRegistry registry;

    GridResults(
            Experiment experiment,
            ExperimentConfig config,
            Path directory,
            RunResolver resolver,
            ComponentRegistry registry) {
        this.experiment = experiment;
        this.config = config;
        this.directory = directory;
        this.resolver = resolver;
        this.registry = registry;
    }

    /**
     * Rebuilds {@code results.csv} (and {@code surface.csv}, {@code summary.json}) from every
     * finished run directory of the whole grid, whichever process or shard ran it.
     */
    void writeResults(Map<String, Object> summary) {
        // Shards of one grid finish at any time: one writer at a time, each reading every run anew.
        try (Claim writer = awaitClaim(directory.resolve(Experiment.RESULTS_CLAIM))) {
            writeResultsHoldingClaim(summary);
        }
    }

    private void writeResultsHoldingClaim(Map<String, Object> summary) {
        List<ResultRow> rows = new ArrayList<>();
        List<ResultRow> surface = new ArrayList<>();
        for (GridRun run : experiment.grid()) {
            Path runDirectory = experiment.runDirectory(run);
            Optional<RunResult> result =
                    Files.exists(runDirectory) ? TrainingRun.readResult(runDirectory) : Optional.empty();
            Path prune = runDirectory.resolve(Experiment.PRUNE);
            if (result.isEmpty() || !result.get().completed() || !Files.exists(prune)) {
                continue;
            }
            rows.addAll(resultRows(run, prune, result.get()));
            Path runSurface = runDirectory.resolve(Experiment.SURFACE);
            if (!run.spec().plain() && Files.exists(runSurface)) {
                surface.addAll(resultRows(run, runSurface, result.get()));
            }
        }
        ResultsCsv.write(directory.resolve(Experiment.RESULTS), rows);
        ResultsCsv.write(directory.resolve(Experiment.SURFACE), surface);
        Map<String, Object> all = new LinkedHashMap<>(summary);
        all.put("results", rows.size());
        all.put("surfaceResults", surface.size());
        all.put("config", config);
        AtomicFiles.writeString(directory.resolve(Experiment.SUMMARY), Json.write(all));
    }

    /** A run's pruning table ({@code prune.csv} or its {@code surface.csv}) as rows of the grid's tables. */
    private static List<ResultRow> resultRows(GridRun run, Path table, RunResult result) {
        return PruneCsv.read(table).stream()
                .map(point -> new ResultRow(
                        run.name(),
                        run.model(),
                        run.spec().evidence(),
                        run.spec().hypernetwork(),
                        point.lambda(),
                        run.restart(),
                        point.criterion(),
                        point.scope(),
                        point.deletedPercent(),
                        point.accuracy(),
                        point.remainingParameters(),
                        result.trainingSeconds()))
                .toList();
    }

    /** Waits for a short-lived claim (one writer of the shared result files); a dead holder's is taken over. */
    private static Claim awaitClaim(Path file) {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
        while (true) {
            Optional<Claim> claim = Claim.tryAcquire(file);
            if (claim.isPresent()) {
                return claim.get();
            }
            if (System.nanoTime() > deadline) {
                throw new InputException(
                        file + " has been held by "
                                + Claim.liveHolder(file).map(Object::toString).orElse("another process")
                                + " for 10 minutes; if that process is stuck, stop it, then run 'hyperprune report' on this directory");
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for " + file, e);
            }
        }
    }

    /**
     * The theorem check: for every finished hypernetwork run and lambda, the agreement of its pruning
     * scores with those of the plain run of the same evidence, lambda and restart. A run whose model
     * cannot be used, or a criterion that fails, loses only its rows.
     *
     * @return what could not be compared, and why
     */
    List<String> writeAgreement() {
        List<String> problems = new ArrayList<>();
        try (Claim writer = awaitClaim(directory.resolve(Experiment.RESULTS_CLAIM))) {
            writeAgreementHoldingClaim(problems);
        }
        return problems;
    }

    private void writeAgreementHoldingClaim(List<String> problems) {
        List<GridRun> grid = experiment.grid();
        List<List<String>> csv = new ArrayList<>();
        List<PruningCriterion> criteria = config.criteria().stream()
                .map(id -> registry.select(PruningCriterion.class, id))
                .toList();
        // A plain run (all its lambdas side by side) serves every lambda of each hypernetwork of its evidence: loaded
        // once.
        Map<GridRun, PruningSweep> plainSweeps = new HashMap<>();
        for (GridRun hyper : grid) {
            if (hyper.spec().plain() || !finished(hyper)) {
                continue;
            }
            try {
                RunResolver.Resolved hyperResolved = resolver.resolve(hyper.spec());
                Trainer hyperTrainer = trainingRun(hyper, hyperResolved).load();
                for (double lambda : hyper.spec().lambdas()) {
                    Optional<GridRun> plain = grid.stream()
                            .filter(p -> p.spec().plain()
                                    && p.restart() == hyper.restart()
                                    && p.spec().evidence().equals(hyper.spec().evidence())
                                    && p.spec().lambdas().contains(lambda)
                                    && finished(p))
                            .findFirst();
                    if (plain.isEmpty()) {
                        continue;
                    }
                    ComponentOptions evidenceOptions = new ComponentOptions(
                            hyper.spec().evidence(),
                            hyperResolved.config().evidence().options());
                    PruningSweep hyperSweep = new PruningSweep(
                            hyperTrainer,
                            hyperResolved.evidence(),
                            evidenceOptions,
                            hyper.spec().seed());
                    PruningSweep plainSweep;
                    try {
                        plainSweep = plainSweeps.computeIfAbsent(plain.get(), run -> {
                            RunResolver.Resolved plainResolved = resolver.resolve(run.spec());
                            return new PruningSweep(
                                    trainingRun(run, plainResolved).load(),
                                    plainResolved.evidence(),
                                    evidenceOptions,
                                    hyper.spec().seed());
                        });
                    } catch (RuntimeException e) {
                        problems.add(plain.get().name() + ": " + Failures.describe(e));
                        continue;
                    }
                    for (PruningCriterion criterion : criteria) {
                        ComponentOptions options = new ComponentOptions(
                                criterion.id(), config.options().getOrDefault(criterion.id(), Map.of()));
                        try {
                            ScoreAgreement.Result agreement = ScoreAgreement.compare(
                                    hyperSweep.scores(hyperSweep.weights(lambda), criterion, options),
                                    plainSweep.scores(plainSweep.weights(lambda), criterion, options),
                                    config.pruningScope(),
                                    AGREEMENT_LEVELS);
                            csv.add(List.of(
                                    hyper.spec().evidence(),
                                    hyper.spec().hypernetwork(),
                                    String.valueOf(lambda),
                                    String.valueOf(hyper.restart()),
                                    criterion.id(),
                                    decimal(agreement.spearman()),
                                    decimal(agreement.iou().get(0)),
                                    decimal(agreement.iou().get(1)),
                                    decimal(agreement.iou().get(2))));
                        } catch (RuntimeException e) {
                            problems.add(hyper.name() + " at lambda " + lambda + ", criterion '" + criterion.id()
                                    + "': " + Failures.describe(e));
                        }
                    }
                }
            } catch (RuntimeException e) {
                problems.add(hyper.name() + ": " + Failures.describe(e));
            }
        }
        AGREEMENT_TABLE.write(directory.resolve(Experiment.AGREEMENT), csv);
    }

    private boolean finished(GridRun run) {
        Path runDirectory = experiment.runDirectory(run);
        return Files.exists(runDirectory.resolve(Experiment.PRUNE))
                && TrainingRun.readResult(runDirectory)
                        .map(RunResult::completed)
                        .orElse(false);
    }

    private TrainingRun trainingRun(GridRun run, RunResolver.Resolved resolved) {
        return new TrainingRun(
                resolved.config(),
                resolved.evidence(),
                resolved.hypernetwork(),
                resolved.data(),
                experiment.runDirectory(run));
    }

    private static String decimal(double value) {
        return String.format(Locale.ROOT, "%.4f", value);
    }
}
