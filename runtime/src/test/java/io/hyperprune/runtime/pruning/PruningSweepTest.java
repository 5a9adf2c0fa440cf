package io.hyperprune.runtime.pruning;

import static org.assertj.core.api.Assertions.assertThat;

import io.hyperprune.api.ComponentOptions;
import io.hyperprune.api.Dataset;
import io.hyperprune.api.Evidence;
import io.hyperprune.api.LambdaRange;
import io.hyperprune.api.PruningCriterion;
import io.hyperprune.api.PruningMasks;
import io.hyperprune.engine.graph.ConstantHypernetwork;
import io.hyperprune.engine.graph.ModelGraph;
import io.hyperprune.engine.graph.ModelSpec;
import io.hyperprune.engine.train.TinyData;
import io.hyperprune.engine.train.Trainer;
import io.hyperprune.engine.train.TrainingSettings;
import java.util.List;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

/** A sweep over several lambdas evaluates them together, each with its own masks: it must equal one lambda at a time. */
class PruningSweepTest {

    private static final List<Double> LAMBDAS = List.of(0.001, 1.0, 100.0);
    private static final List<Double> FRACTIONS = List.of(0.0, 0.5, 0.9);

    private static <T> T component(Class<T> type, String id, java.util.function.Function<T, String> idOf) {
        return ServiceLoader.load(type).stream()
                .map(ServiceLoader.Provider::get)
                .filter(c -> idOf.apply(c).equals(id))
                .findFirst()
                .orElseThrow();
    }

    @Test
    void allLambdasTogetherEqualOneLambdaAtATime() {
        Dataset data = TinyData.clusters(20, 4, 512, 256, 3);
        Evidence evidence = component(Evidence.class, "variational", Evidence::id);
        ModelGraph graph = ModelGraph.build(
                ModelSpec.parse("20-16-4"),
                evidence,
                ComponentOptions.none("variational"),
                ConstantHypernetwork.independent(LAMBDAS, LambdaRange.REFERENCE),
                ComponentOptions.none("constant"),
                LAMBDAS.size(),
                true,
                data.train().size(),
                4);
        Trainer trainer = new Trainer(
                graph, data, new TrainingSettings(2, 32, 5e-3, 1.0, 4, LAMBDAS, 1, LambdaRange.REFERENCE), false);
        trainer.trainEpoch(1, step -> {});
        trainer.trainEpoch(2, step -> {});
        PruningSweep sweep = new PruningSweep(trainer, evidence, ComponentOptions.none("variational"), 4);
        PruningCriterion criterion = component(PruningCriterion.class, "relative-density", PruningCriterion::id);
        ComponentOptions options = ComponentOptions.none("relative-density");

        List<PruningSweep.Point> together =
                sweep.sweep(LAMBDAS, criterion, options, PruningMasks.Scope.LAYER, FRACTIONS);
        assertThat(together).hasSize(LAMBDAS.size() * FRACTIONS.size());
        for (int l = 0; l < LAMBDAS.size(); l++) {
            List<PruningSweep.Point> alone =
                    sweep.sweep(LAMBDAS.get(l), criterion, options, PruningMasks.Scope.LAYER, FRACTIONS);
            assertThat(together.subList(l * FRACTIONS.size(), (l + 1) * FRACTIONS.size()))
                    .isEqualTo(alone);
        }
        // Unpruned points are the models' own test accuracies.
        assertThat(together.stream()
                        .filter(p -> p.deletedPercent() == 0)
                        .map(PruningSweep.Point::accuracy)
                        .toList())
                .isEqualTo(trainer.testAccuracy(LAMBDAS, java.util.Map.of()));
    }

    @Test
    void aHypernetworkEvaluatesMoreLambdasPerPassThanItsTrainingSamplesAsOneAtATime() {
        Dataset data = TinyData.clusters(20, 4, 512, 256, 5);
        Evidence evidence = component(Evidence.class, "variational", Evidence::id);
        io.hyperprune.api.Hypernetwork linear =
                component(io.hyperprune.api.Hypernetwork.class, "linear", io.hyperprune.api.Hypernetwork::id);
        List<Double> lambdas = List.of(0.001, 0.03, 1.0, 30.0, 100.0);
        ModelGraph graph = ModelGraph.build(
                ModelSpec.parse("20-16-4"),
                evidence,
                ComponentOptions.none("variational"),
                linear,
                ComponentOptions.none("linear"),
                2,
                data.train().size(),
                6);
        assertThat(graph.evaluatesAnyModelCount()).isTrue();
        Trainer trainer = new Trainer(
                graph, data, new TrainingSettings(2, 32, 5e-3, 1.0, 6, lambdas, 2, LambdaRange.REFERENCE), true);
        trainer.trainEpoch(1, step -> {});
        PruningSweep sweep = new PruningSweep(trainer, evidence, ComponentOptions.none("variational"), 6);
        PruningCriterion criterion = component(PruningCriterion.class, "relative-density", PruningCriterion::id);
        ComponentOptions options = ComponentOptions.none("relative-density");

        List<PruningSweep.Point> together =
                sweep.sweep(lambdas, criterion, options, PruningMasks.Scope.LAYER, FRACTIONS);
        for (int l = 0; l < lambdas.size(); l++) {
            List<PruningSweep.Point> alone =
                    sweep.sweep(lambdas.get(l), criterion, options, PruningMasks.Scope.LAYER, FRACTIONS);
            assertThat(together.subList(l * FRACTIONS.size(), (l + 1) * FRACTIONS.size()))
                    .isEqualTo(alone);
        }
        // SameDiff's session takes only K = 2 models per pass (three passes, the last one padded): same accuracies.
        Trainer session = new Trainer(
                graph,
                data,
                new TrainingSettings(2, 32, 5e-3, 1.0, 6, lambdas, 2, LambdaRange.REFERENCE),
                true,
                Trainer.Executor.SESSION);
        assertThat(session.testAccuracy(lambdas, java.util.Map.of()))
                .isEqualTo(trainer.testAccuracy(lambdas, java.util.Map.of()));
        // Not vacuous: pruned, the lambdas' models differ (a pass mixing them up would not equal one at a time).
        assertThat(together.stream()
                        .filter(p -> p.deletedPercent() == 90)
                        .map(PruningSweep.Point::accuracy)
                        .distinct()
                        .count())
                .isGreaterThan(1);
    }

    @Test
    void aFaultyCriterionFailsAloneNamedAndLeavesTheSweepToTheOthers() {
        Dataset data = TinyData.clusters(20, 4, 256, 128, 8);
        Evidence evidence = component(Evidence.class, "variational", Evidence::id);
        ModelGraph graph = ModelGraph.build(
                ModelSpec.parse("20-16-4"),
                evidence,
                ComponentOptions.none("variational"),
                ConstantHypernetwork.independent(LAMBDAS, LambdaRange.REFERENCE),
                ComponentOptions.none("constant"),
                LAMBDAS.size(),
                true,
                data.train().size(),
                8);
        Trainer trainer = new Trainer(
                graph, data, new TrainingSettings(1, 32, 5e-3, 1.0, 8, LAMBDAS, 1, LambdaRange.REFERENCE), false);
        trainer.trainEpoch(1, step -> {});
        PruningSweep sweep = new PruningSweep(trainer, evidence, ComponentOptions.none("variational"), 8);
        PruningCriterion good = component(PruningCriterion.class, "magnitude", PruningCriterion::id);
        ComponentOptions options = ComponentOptions.none("magnitude");
        List<PruningSweep.Point> before = sweep.sweep(LAMBDAS, good, options, PruningMasks.Scope.LAYER, FRACTIONS);

        // A raw criterion (not from the registry) is guarded by the sweep itself: transposed scores of a
        // [20, 16] weight have the right element count and would silently scramble the masks.
        PruningCriterion transposed = new PruningCriterion() {
            @Override
            public String id() {
                return "transposed";
            }

            @Override
            public String description() {
                return "test";
            }

            @Override
            public org.nd4j.linalg.api.ndarray.INDArray scores(
                    io.hyperprune.api.PosteriorView p, long seed, ComponentOptions o) {
                return p.mean().transpose().dup();
            }
        };
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> sweep.sweep(
                        LAMBDAS, transposed, ComponentOptions.none("transposed"), PruningMasks.Scope.LAYER, FRACTIONS))
                .isInstanceOfSatisfying(io.hyperprune.runtime.boundary.PluginFault.class, fault -> {
                    assertThat(fault.plugin().id()).isEqualTo("transposed");
                    assertThat(fault.isFaultOf(PruningCriterion.class, transposed))
                            .isTrue();
                    assertThat(fault.isFaultOf(PruningCriterion.class, good)).isFalse();
                })
                .hasMessageStartingWith(
                        "pruning criterion 'transposed' from built-in: scores returned shape [16, 20] for parameter"
                                + " dense0/W of shape [20, 16]");
        assertThat(sweep.sweep(LAMBDAS, good, options, PruningMasks.Scope.LAYER, FRACTIONS))
                .isEqualTo(before);
    }
}
