package io.hyperprune.runtime.selection;

import static java.util.Objects.requireNonNull;

import io.hyperprune.api.ComponentOptions;
import io.hyperprune.api.DataSplit;
import io.hyperprune.api.Evidence;
import io.hyperprune.api.ParameterSpec;
import io.hyperprune.api.PosteriorView;
import io.hyperprune.api.PruningCriterion;
import io.hyperprune.api.PruningMasks;
import io.hyperprune.engine.train.Trainer;
import io.hyperprune.runtime.pruning.PruningSweep;
import io.hyperprune.runtime.run.RunConfig;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The best model one trained run gives under a constraint, chosen on its validation split. A plain run
 * offers its own lambdas; a hypernetwork every lambda of its range, searched on a log grid that is then
 * refined around the best point. At each lambda the weights are scored once per criterion, and the
 * deletion fractions (a fine grid) are evaluated K at a time in the model's graph.
 */
public final class ModelSearch {

    /** A criterion with its options. */
    public record Criterion(PruningCriterion criterion, ComponentOptions options) {}

    /**
     * How fine the search is.
     *
     * @param step deletion fractions 0, step, 2 step, ... below 1
     * @param lambdaPoints a hypernetwork's first log grid over its lambda range
     * @param refinements rounds of a finer grid between the best lambda's neighbours
     */
    public record Resolution(double step, int lambdaPoints, int refinements) {
        public static final Resolution DEFAULT = new Resolution(0.01, 41, 2);

        /** Points of each refinement round between the two neighbours of the best lambda. */
        static final int REFINE_POINTS = 9;
    }

    private final Trainer trainer;
    private final RunConfig config;
    private final DataSplit validation;
    private final PruningSweep sweep;
    private int evaluated;

    public ModelSearch(
            Trainer trainer,
            Evidence evidence,
            ComponentOptions evidenceOptions,
            RunConfig config,
            DataSplit validation) {
        this.trainer = requireNonNull(trainer, "trainer is null");
        this.config = requireNonNull(config, "config is null");
        this.validation = requireNonNull(validation, "validation is null");
        this.sweep = new PruningSweep(trainer, evidence, evidenceOptions, config.seed());
    }

    /**
     * The best candidate under the constraint, or none when no candidate meets it. Every lambda is searched
     * at every deletion step: accuracy need not fall monotonically with deletion, and a coarse grid refined
     * around its best answered "none" for an accuracy a model on the fine grid reached.
     */
    public Optional<Candidate> best(
            List<Criterion> criteria, PruningMasks.Scope scope, Constraint constraint, Resolution resolution) {
        Function<Levels, List<Double>> grid = levels -> levels.grid(resolution.step());
        TreeMap<Double, Optional<Candidate>> byLambda = new TreeMap<>();
        List<Double> lambdas = config.plain()
                ? config.lambdas()
                : logGrid(config.lambdaMin(), config.lambdaMax(), resolution.lambdaPoints());
        for (double lambda : lambdas) {
            byLambda.put(lambda, bestAt(lambda, criteria, scope, constraint, grid));
        }
        if (!config.plain()) {
            for (int round = 0; round < resolution.refinements(); round++) {
                Optional<Candidate> best = best(byLambda.values().stream().flatMap(Optional::stream), constraint);
                if (best.isEmpty()) {
                    break;
                }
                double at = best.get().lambda();
                Double below = byLambda.lowerKey(at);
                Double above = byLambda.higherKey(at);
                for (double lambda :
                        logGrid(below == null ? at : below, above == null ? at : above, Resolution.REFINE_POINTS)) {
                    byLambda.computeIfAbsent(lambda, l -> bestAt(l, criteria, scope, constraint, grid));
                }
            }
        }
        return best(byLambda.values().stream().flatMap(Optional::stream), constraint);
    }

    /** Models evaluated so far (lambda, criterion and deletion fraction each). */
    public int evaluated() {
        return evaluated;
    }

    private static Optional<Candidate> best(java.util.stream.Stream<Candidate> candidates, Constraint constraint) {
        return candidates.min(constraint.order());
    }

    private Optional<Candidate> bestAt(
            double lambda,
            List<Criterion> criteria,
            PruningMasks.Scope scope,
            Constraint constraint,
            Function<Levels, List<Double>> fractions) {
        Map<ParameterSpec, PosteriorView> weights = sweep.weights(lambda);
        List<Candidate> found = new ArrayList<>();
        for (Criterion criterion : criteria) {
            PruningMasks.Ranking ranking =
                    PruningMasks.rank(sweep.scores(weights, criterion.criterion(), criterion.options()), scope);
            Levels levels = new Levels(weights.keySet(), trainer.graph().model().parameterCount(), scope);
            bestAt(lambda, criterion.criterion().id(), scope, ranking, levels, fractions.apply(levels), constraint)
                    .ifPresent(found::add);
        }
        return found.stream().min(constraint.order());
    }

    /**
     * Under a budget every admissible fraction is evaluated (accuracy need not fall monotonically); for
     * an accuracy target the fractions are evaluated from the largest down, K at a time, and the first
     * group holding an admissible one ends the search at this lambda.
     */
    private Optional<Candidate> bestAt(
            double lambda,
            String criterion,
            PruningMasks.Scope scope,
            PruningMasks.Ranking ranking,
            Levels levels,
            List<Double> grid,
            Constraint constraint) {
        List<Double> fractions = new ArrayList<>();
        for (double fraction : grid) {
            if (!(constraint instanceof Constraint.MaxParameters budget)
                    || levels.remaining(fraction) <= budget.count()) {
                fractions.add(fraction);
            }
        }
        if (constraint instanceof Constraint.MaxParameters budget) {
            // The smallest deletion that fits the budget exactly, between two steps of the grid.
            levels.smallestFitting(budget.count())
                    .filter(f -> !fractions.contains(f))
                    .ifPresent(f -> {
                        fractions.add(f);
                        Collections.sort(fractions);
                    });
        }
        boolean descending = constraint instanceof Constraint.MinAccuracy;
        if (descending) {
            Collections.reverse(fractions);
        }
        List<String> names = levels.names();
        int group = trainer.graph().models();
        List<Candidate> admitted = new ArrayList<>();
        for (int first = 0; first < fractions.size(); first += group) {
            List<Double> chunk = fractions.subList(first, Math.min(fractions.size(), first + group));
            List<Map<String, INDArray>> masks = new ArrayList<>();
            for (double fraction : chunk) {
                List<INDArray> keep = ranking.keepMasks(fraction);
                Map<String, INDArray> byName = new LinkedHashMap<>();
                for (int i = 0; i < names.size(); i++) {
                    byName.put(names.get(i), keep.get(i));
                }
                masks.add(byName);
            }
            List<Double> accuracy =
                    trainer.evaluator().accuracy(validation, Collections.nCopies(chunk.size(), lambda), masks);
            evaluated += chunk.size();
            for (int i = 0; i < chunk.size(); i++) {
                Candidate candidate = new Candidate(
                        lambda, criterion, scope, chunk.get(i), levels.remaining(chunk.get(i)), accuracy.get(i));
                if (constraint.admits(candidate)) {
                    admitted.add(candidate);
                }
            }
            if (descending && !admitted.isEmpty()) {
                break;
            }
        }
        return admitted.stream().min(constraint.order());
    }

    /**
     * {@code points} log-spaced values from {@code from} to {@code to} (both included; one value if equal),
     * each rounded to 4 significant digits: the lambda a user reads is the one that was evaluated.
     */
    static List<Double> logGrid(double from, double to, int points) {
        if (from == to || points < 2) {
            return List.of(from);
        }
        List<Double> grid = new ArrayList<>();
        double a = Math.log(from);
        double b = Math.log(to);
        for (int i = 0; i < points; i++) {
            double value = i == 0 ? from : i == points - 1 ? to : Math.exp(a + (b - a) * i / (points - 1));
            grid.add(new java.math.BigDecimal(value)
                    .round(new java.math.MathContext(4))
                    .doubleValue());
        }
        return grid.stream().distinct().toList();
    }

    /** The parameters each deletion fraction leaves, computed without building masks; the search's fraction grids. */
    record Levels(List<String> names, long[] sizes, long total, PruningMasks.Scope scope) {

        Levels(java.util.Collection<ParameterSpec> weights, long total, PruningMasks.Scope scope) {
            this(
                    weights.stream().map(ParameterSpec::name).toList(),
                    weights.stream().mapToLong(ParameterSpec::size).toArray(),
                    total,
                    scope);
        }

        /** 0, step, 2 step, ... below 1. */
        List<Double> grid(double step) {
            return around(0.5, 0.5 + step, step);
        }

        /** The multiples of step strictly within radius of the centre, in [0, 1). */
        List<Double> around(double centre, double radius, double step) {
            List<Double> fractions = new ArrayList<>();
            // Integer multiples, so 0.07 is 7 * 0.01 exactly as a user would type it, not a sum of steps.
            for (int i = 0; i * step < 1 - 1e-9; i++) {
                double fraction = Math.round(i * step * 1e9) / 1e9;
                if (Math.abs(fraction - centre) < radius - 1e-9) {
                    fractions.add(fraction);
                }
            }
            return fractions;
        }

        /** The smallest fraction below 1 that leaves at most {@code budget} parameters, if any does. */
        Optional<Double> smallestFitting(long budget) {
            double low = 0;
            double high = 1 - 1e-9;
            if (remaining(high) > budget) {
                return Optional.empty();
            }
            if (remaining(low) <= budget) {
                return Optional.of(low);
            }
            for (int i = 0; i < 60; i++) { // remaining(f) falls with f: bisect to the first fitting fraction
                double middle = (low + high) / 2;
                if (remaining(middle) <= budget) {
                    high = middle;
                } else {
                    low = middle;
                }
            }
            return Optional.of(high);
        }

        long remaining(double fraction) {
            long deleted = 0;
            if (scope == PruningMasks.Scope.LAYER) {
                for (long size : sizes) {
                    deleted += PruningMasks.deletedCount(size, fraction);
                }
            } else {
                deleted =
                        PruningMasks.deletedCount(java.util.Arrays.stream(sizes).sum(), fraction);
            }
            return total - deleted;
        }
    }
}
