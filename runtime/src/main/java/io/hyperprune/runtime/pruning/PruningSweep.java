package io.hyperprune.runtime.pruning;

import static java.util.Objects.requireNonNull;

import io.hyperprune.api.ComponentOptions;
import io.hyperprune.api.Evidence;
import io.hyperprune.api.ParameterSpec;
import io.hyperprune.api.PosteriorView;
import io.hyperprune.api.PruningCriterion;
import io.hyperprune.api.PruningMasks;
import io.hyperprune.engine.graph.ModelGraph;
import io.hyperprune.engine.train.Trainer;
import io.hyperprune.runtime.boundary.Boundary;
import io.hyperprune.runtime.boundary.PluginFault;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The reference pruning procedure (METHOD.md, "Pruning"): for a model at a lambda, score every weight
 * once with the criterion, then for each deletion level delete that share of the weights with the
 * lowest scores (per layer or globally; biases are kept) and evaluate test accuracy with the posterior
 * means.
 */
public final class PruningSweep {

    private final Trainer trainer;
    private final Evidence evidence;
    private final ComponentOptions evidenceOptions;
    private final long seed;

    public PruningSweep(Trainer trainer, Evidence evidence, ComponentOptions evidenceOptions, long seed) {
        this.trainer = requireNonNull(trainer, "trainer is null");
        this.evidence = Boundary.guard(Evidence.class, requireNonNull(evidence, "evidence is null"));
        this.evidenceOptions = requireNonNull(evidenceOptions, "evidenceOptions is null");
        this.seed = seed;
    }

    /** One evaluated point of a sweep. */
    public record Point(
            double lambda,
            String criterion,
            PruningMasks.Scope scope,
            double deletedPercent,
            double accuracy,
            long remainingParameters) {}

    /** The pruning view of every weight tensor (biases excluded) of the model at this lambda. */
    public Map<ParameterSpec, PosteriorView> weights(double lambda) {
        Map<String, Map<String, INDArray>> posterior = trainer.posterior(lambda);
        Map<ParameterSpec, PosteriorView> views = new LinkedHashMap<>();
        for (ParameterSpec parameter : trainer.graph().parameters()) {
            if (parameter.kind() == ParameterSpec.Kind.WEIGHT) {
                views.put(parameter, evidence.view(parameter, posterior.get(parameter.name()), evidenceOptions));
            }
        }
        return views;
    }

    /**
     * Scores of every weight tensor, in parameter order, each checked against the criterion's contract.
     *
     * @throws PluginFault naming the criterion if it throws or returns scores of the wrong shape or not finite
     */
    public List<INDArray> scores(
            Map<ParameterSpec, PosteriorView> weights, PruningCriterion criterion, ComponentOptions options) {
        PruningCriterion guarded = Boundary.guard(PruningCriterion.class, criterion);
        List<INDArray> scores = new ArrayList<>();
        for (PosteriorView view : weights.values()) {
            scores.add(
                    guarded.scores(view, ModelGraph.mix(seed, view.parameter().name()), options));
        }
        return scores;
    }

    /** Evaluates every deletion level (fractions in [0, 1]) at one lambda. */
    public List<Point> sweep(
            double lambda,
            PruningCriterion criterion,
            ComponentOptions criterionOptions,
            PruningMasks.Scope scope,
            List<Double> fractions) {
        return sweep(List.of(lambda), criterion, criterionOptions, scope, fractions);
    }

    /**
     * Evaluates every deletion level at each lambda; the lambdas' masked models of one level are evaluated
     * together (K per pass), so a sweep costs one pass per level and group of K lambdas, not per lambda.
     *
     * <p>Every score is computed and checked before anything is evaluated, and a sweep keeps no state
     * between calls: when one criterion fails, the same sweep serves the other criteria unchanged.
     *
     * @return the points lambda by lambda, each lambda's levels in the given order
     * @throws PluginFault naming the criterion (or the evidence, for its view of the weights) when it
     *     breaks its SPI contract; {@link PluginFault#plugin()} says which
     */
    public List<Point> sweep(
            List<Double> lambdas,
            PruningCriterion pluginCriterion,
            ComponentOptions criterionOptions,
            PruningMasks.Scope scope,
            List<Double> fractions) {
        PruningCriterion criterion = Boundary.guard(PruningCriterion.class, pluginCriterion);
        long total = trainer.graph().model().parameterCount();
        List<String> names = new ArrayList<>();
        long prunable = 0;
        List<PruningMasks.Ranking> rankings = new ArrayList<>();
        for (double lambda : lambdas) {
            Map<ParameterSpec, PosteriorView> weights = weights(lambda);
            if (names.isEmpty()) {
                weights.keySet().forEach(parameter -> names.add(parameter.name()));
                prunable =
                        weights.keySet().stream().mapToLong(ParameterSpec::size).sum();
            }
            rankings.add(PruningMasks.rank(scores(weights, criterion, criterionOptions), scope));
        }
        Point[][] points = new Point[lambdas.size()][fractions.size()];
        for (int f = 0; f < fractions.size(); f++) {
            List<Map<String, INDArray>> masks = new ArrayList<>();
            long[] kept = new long[lambdas.size()];
            for (int l = 0; l < lambdas.size(); l++) {
                List<INDArray> keep = rankings.get(l).keepMasks(fractions.get(f));
                Map<String, INDArray> byName = new LinkedHashMap<>();
                for (int i = 0; i < names.size(); i++) {
                    byName.put(names.get(i), keep.get(i));
                    kept[l] += keep.get(i).sumNumber().longValue();
                }
                masks.add(byName);
            }
            List<Double> accuracy = trainer.testAccuracy(lambdas, masks);
            for (int l = 0; l < lambdas.size(); l++) {
                points[l][f] = new Point(
                        lambdas.get(l),
                        criterion.id(),
                        scope,
                        100 * fractions.get(f),
                        accuracy.get(l),
                        total - (prunable - kept[l]));
            }
        }
        List<Point> result = new ArrayList<>();
        for (Point[] lambdaPoints : points) {
            result.addAll(List.of(lambdaPoints));
        }
        return result;
    }
}
