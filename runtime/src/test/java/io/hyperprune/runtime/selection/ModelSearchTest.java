package io.hyperprune.runtime.selection;

import static org.assertj.core.api.Assertions.assertThat;

import io.hyperprune.api.ComponentOptions;
import io.hyperprune.api.Dataset;
import io.hyperprune.api.Evidence;
import io.hyperprune.api.Hypernetwork;
import io.hyperprune.api.LambdaRange;
import io.hyperprune.api.PruningCriterion;
import io.hyperprune.api.PruningMasks;
import io.hyperprune.engine.graph.ModelSpec;
import io.hyperprune.engine.train.TinyData;
import io.hyperprune.engine.train.Trainer;
import io.hyperprune.engine.train.Training;
import io.hyperprune.engine.train.TrainingSettings;
import io.hyperprune.runtime.pruning.PruningSweep;
import io.hyperprune.runtime.run.RunConfig;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The search must find what brute force over the same grid finds: every (lambda, fraction) of the grid
 * evaluated by the pruning sweep, the constraint applied, the best taken.
 */
class ModelSearchTest {

    private static final LambdaRange RANGE = new LambdaRange(0.01, 10);
    private static final ModelSearch.Resolution COARSE = new ModelSearch.Resolution(0.1, 3, 0);
    private static final List<Double> FRACTIONS = List.of(0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9);

    private static Dataset data;
    private static Evidence evidence;
    private static Trainer trainer;
    private static RunConfig config;
    private static PruningCriterion criterion;

    private static <T> T component(Class<T> type, String id, java.util.function.Function<T, String> idOf) {
        return ServiceLoader.load(type).stream()
                .map(ServiceLoader.Provider::get)
                .filter(c -> idOf.apply(c).equals(id))
                .findFirst()
                .orElseThrow();
    }

    @BeforeAll
    static void trainAHypernetwork() {
        data = TinyData.clusters(20, 4, 512, 300, 21);
        evidence = component(Evidence.class, "variational", Evidence::id);
        Hypernetwork linear = component(Hypernetwork.class, "linear", Hypernetwork::id);
        TrainingSettings settings = new TrainingSettings(3, 32, 5e-3, 1.0, 5, List.of(0.1, 1.0), 3, RANGE);
        trainer = Training.start(
                ModelSpec.parse("20-16-4"),
                evidence,
                ComponentOptions.none("variational"),
                linear,
                ComponentOptions.none("linear"),
                settings,
                data);
        for (int epoch = 1; epoch <= 3; epoch++) {
            trainer.trainEpoch(epoch, step -> {}, false);
        }
        config = new RunConfig(
                "tiny",
                Map.of(),
                Map.of(),
                300,
                "20-16-4",
                new RunConfig.Component("variational", "test", "test", Map.of()),
                new RunConfig.Component("linear", "test", "test", Map.of()),
                List.of(0.1, 1.0),
                3,
                RANGE.min(),
                RANGE.max(),
                3,
                32,
                5e-3,
                1.0,
                5,
                new RunConfig.Environment("test", "17", "cpu", "1", 2, new java.util.TreeMap<>(), "generic"));
        criterion = component(PruningCriterion.class, "relative-density", PruningCriterion::id);
    }

    /** Here the test split plays the validation split, so the sweep's test accuracy is the search's figure. */
    private static ModelSearch search() {
        return new ModelSearch(trainer, evidence, ComponentOptions.none("variational"), config, data.test());
    }

    private static List<PruningSweep.Point> bruteForce(PruningMasks.Scope scope) {
        return bruteForce(scope, FRACTIONS);
    }

    private static List<PruningSweep.Point> bruteForce(PruningMasks.Scope scope, List<Double> fractions) {
        return new PruningSweep(trainer, evidence, ComponentOptions.none("variational"), config.seed())
                .sweep(
                        ModelSearch.logGrid(RANGE.min(), RANGE.max(), 3),
                        criterion,
                        ComponentOptions.none("relative-density"),
                        scope,
                        fractions);
    }

    private static ModelSearch.Levels levels(PruningMasks.Scope scope) {
        return new ModelSearch.Levels(
                trainer.graph().parameters().stream()
                        .filter(p -> p.kind() == io.hyperprune.api.ParameterSpec.Kind.WEIGHT)
                        .toList(),
                trainer.graph().model().parameterCount(),
                scope);
    }

    private static List<ModelSearch.Criterion> criteria() {
        return List.of(new ModelSearch.Criterion(criterion, ComponentOptions.none("relative-density")));
    }

    @Test
    void underABudgetItFindsTheMostAccurateAdmissibleModel() {
        for (PruningMasks.Scope scope : PruningMasks.Scope.values()) {
            long budget = 200;
            Candidate best = search().best(criteria(), scope, new Constraint.MaxParameters(budget), COARSE)
                    .orElseThrow();
            // The grid's fractions and the one that fits the budget exactly.
            double fitting = levels(scope).smallestFitting(budget).orElseThrow();
            assertThat(levels(scope).remaining(fitting)).isLessThanOrEqualTo(budget);
            assertThat(levels(scope).remaining(fitting - 1e-6)).isGreaterThan(budget);
            List<Double> fractions = new java.util.ArrayList<>(FRACTIONS);
            fractions.add(fitting);
            java.util.Collections.sort(fractions);
            PruningSweep.Point expected = bruteForce(scope, fractions).stream()
                    .filter(p -> p.remainingParameters() <= budget)
                    .min(Comparator.comparingDouble(PruningSweep.Point::accuracy)
                            .reversed()
                            .thenComparingLong(PruningSweep.Point::remainingParameters))
                    .orElseThrow();
            assertThat(best.remainingParameters()).isLessThanOrEqualTo(budget);
            assertThat(best.validationAccuracy()).isEqualTo(expected.accuracy());
            assertThat(best.remainingParameters()).isEqualTo(expected.remainingParameters());
        }
    }

    @Test
    void forAnAccuracyTargetItFindsTheSmallestModelReachingIt() {
        List<PruningSweep.Point> points = bruteForce(PruningMasks.Scope.LAYER);
        double target =
                points.stream().mapToDouble(PruningSweep.Point::accuracy).max().orElseThrow() - 0.05;
        Candidate best = search().best(criteria(), PruningMasks.Scope.LAYER, new Constraint.MinAccuracy(target), COARSE)
                .orElseThrow();
        long fewest = points.stream()
                .filter(p -> p.accuracy() >= target)
                .mapToLong(PruningSweep.Point::remainingParameters)
                .min()
                .orElseThrow();
        assertThat(best.validationAccuracy()).isGreaterThanOrEqualTo(target);
        assertThat(best.remainingParameters()).isEqualTo(fewest);
    }

    @Test
    void refiningLambdaNeverChoosesWorseAndStaysInTheRange() {
        Constraint budget = new Constraint.MaxParameters(300);
        Candidate coarse = search().best(criteria(), PruningMasks.Scope.LAYER, budget, COARSE)
                .orElseThrow();
        ModelSearch refining = search();
        Candidate refined = refining.best(
                        criteria(), PruningMasks.Scope.LAYER, budget, new ModelSearch.Resolution(0.1, 3, 2))
                .orElseThrow();
        assertThat(refined.validationAccuracy()).isGreaterThanOrEqualTo(coarse.validationAccuracy());
        assertThat(refined.lambda()).isBetween(RANGE.min(), RANGE.max());
        assertThat(refining.evaluated()).isGreaterThan(0);
    }

    @Test
    void fractionGridsAreExactMultiplesOfTheStep() {
        assertThat(levels(PruningMasks.Scope.LAYER).grid(0.01)).hasSize(100).startsWith(0.0, 0.01, 0.02);
        assertThat(levels(PruningMasks.Scope.LAYER).around(0.5, 0.05, 0.01))
                .containsExactly(0.46, 0.47, 0.48, 0.49, 0.5, 0.51, 0.52, 0.53, 0.54);
    }

    @Test
    void aBudgetNoModelMeetsGivesNone() {
        assertThat(search().best(criteria(), PruningMasks.Scope.LAYER, new Constraint.MaxParameters(5), COARSE))
                .isEmpty();
    }

    @Test
    void logGridIsLogSpacedWithItsEnds() {
        assertThat(ModelSearch.logGrid(0.01, 100, 5)).containsExactly(0.01, 0.1, 1.0, 10.0, 100.0);
        assertThat(ModelSearch.logGrid(2, 2, 9)).containsExactly(2.0);
    }
}
