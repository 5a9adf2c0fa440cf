package io.hyperprune.runtime.pruning;

import static java.util.Objects.requireNonNull;

import io.hyperprune.api.ComponentOptions;
import io.hyperprune.api.Evidence;
import io.hyperprune.api.ParameterSpec;
import io.hyperprune.api.PosteriorView;
import io.hyperprune.api.PruningCriterion;
import io.hyperprune.api.PruningMasks;
import io.hyperprune.runtime.engine.ModelGraph;
import io.hyperprune.runtime.engine.Trainer;
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
        this.evidence = requireNonNull(evidence, "evidence is null");
        this.evidenceOptions = requireNonNull(evidenceOptions, "evidenceOptions is null");
        this.seed = seed;
    }

    /** One evaluated point of a sweep. */
    public record Point(double lambda, String criterion, PruningMasks.Scope scope, double deletedPercent, double accuracy,
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

    /** Scores of every weight tensor, in parameter order. */
    public List<INDArray> scores(Map<ParameterSpec, PosteriorView> weights, PruningCriterion criterion, ComponentOptions options) {
        List<INDArray> scores = new ArrayList<>();
        for (PosteriorView view : weights.values()) {
            scores.add(criterion.scores(view, ModelGraph.mix(seed, view.parameter().name()), options));
        }
        return scores;
    }

    /** Evaluates every deletion level (fractions in [0, 1]) at one lambda. */
    public List<Point> sweep(double lambda, PruningCriterion criterion, ComponentOptions criterionOptions,
            PruningMasks.Scope scope, List<Double> fractions) {
        Map<ParameterSpec, PosteriorView> weights = weights(lambda);
        List<INDArray> scores = scores(weights, criterion, criterionOptions);
        List<String> names = weights.keySet().stream().map(ParameterSpec::name).toList();
        long total = trainer.graph().model().parameterCount();
        long prunable = weights.keySet().stream().mapToLong(ParameterSpec::size).sum();
        PruningMasks.Ranking ranking = PruningMasks.rank(scores, scope);
        List<Point> points = new ArrayList<>();
        for (double fraction : fractions) {
            List<INDArray> masks = ranking.keepMasks(fraction);
            Map<String, INDArray> byName = new LinkedHashMap<>();
            long kept = 0;
            for (int i = 0; i < names.size(); i++) {
                byName.put(names.get(i), masks.get(i));
                kept += masks.get(i).sumNumber().longValue();
            }
            double accuracy = trainer.testAccuracy(List.of(lambda), byName).get(0);
            points.add(new Point(lambda, criterion.id(), scope, 100 * fraction, accuracy, total - (prunable - kept)));
        }
        return points;
    }
}
