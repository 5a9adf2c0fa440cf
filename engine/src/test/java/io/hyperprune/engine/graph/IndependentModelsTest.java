package io.hyperprune.engine.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hyperprune.api.ComponentOptions;
import io.hyperprune.api.Dataset;
import io.hyperprune.api.LambdaRange;
import io.hyperprune.engine.train.EpochMetrics;
import io.hyperprune.engine.train.TinyData;
import io.hyperprune.engine.train.Trainer;
import io.hyperprune.engine.train.TrainingSettings;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

/** K plain models side by side in one graph must be the K one-model runs (the batched grid path). */
class IndependentModelsTest {

    private static final ModelSpec MODEL = ModelSpec.parse("20-16-4");
    private static final List<Double> LAMBDAS = List.of(0.001, 1.0, 100.0);

    private static Trainer sideBySide(String evidenceId, Dataset data, long seed) {
        double[] t =
                LAMBDAS.stream().mapToDouble(LambdaRange.REFERENCE::normalize).toArray();
        ModelGraph graph = ModelGraph.build(
                MODEL,
                TinyData.evidence(evidenceId),
                ComponentOptions.none(evidenceId),
                ConstantHypernetwork.independent(t),
                ComponentOptions.none("constant"),
                LAMBDAS.size(),
                true,
                data.train().size(),
                seed);
        return new Trainer(
                graph, data, new TrainingSettings(1, 32, 5e-3, 1.0, seed, LAMBDAS, 1, LambdaRange.REFERENCE), false);
    }

    @Test
    void sideBySideModelsEqualTheOneAtATimeRuns() {
        Dataset data = TinyData.clusters(20, 4, 512, 128, 7);
        for (String evidence : List.of("weight-decay", "variational")) {
            Trainer together = sideBySide(evidence, data, 5);
            Trainer[] alone = LAMBDAS.stream()
                    .map(lambda -> TinyData.trainer(
                            io.hyperprune.engine.graph.ModelSpec.parse("20-16-4"), evidence, data, 5, lambda))
                    .toArray(Trainer[]::new);
            EpochMetrics metrics = null;
            for (int epoch = 1; epoch <= 3; epoch++) {
                metrics = together.trainEpoch(epoch, step -> {});
                for (Trainer trainer : alone) {
                    trainer.trainEpoch(epoch, step -> {});
                }
            }
            double[] aloneAccuracy = new double[LAMBDAS.size()];
            for (int k = 0; k < LAMBDAS.size(); k++) {
                double lambda = LAMBDAS.get(k);
                Map<String, Map<String, INDArray>> mine = together.posterior(lambda);
                Map<String, Map<String, INDArray>> reference = alone[k].posterior(lambda);
                for (var parameter : reference.entrySet()) {
                    for (var role : parameter.getValue().entrySet()) {
                        float[] expected = role.getValue().data().asFloat();
                        float[] actual = mine.get(parameter.getKey())
                                .get(role.getKey())
                                .data()
                                .asFloat();
                        assertThat(actual.length).isEqualTo(expected.length);
                        double worst = 0;
                        for (int i = 0; i < expected.length; i++) {
                            worst = Math.max(worst, Math.abs(actual[i] - expected[i]));
                        }
                        assertThat(worst)
                                .as("%s lambda %s %s/%s", evidence, lambda, parameter.getKey(), role.getKey())
                                .isLessThan(1e-4);
                    }
                }
                aloneAccuracy[k] =
                        alone[k].testAccuracy(List.of(lambda), Map.of()).get(0);
            }
            // The models differ from each other (lambda 100 is strongly penalised), and each equals its own run.
            assertThat(together.posterior(0.001)
                            .get("dense0/W")
                            .values()
                            .iterator()
                            .next())
                    .isNotEqualTo(together.posterior(100.0)
                            .get("dense0/W")
                            .values()
                            .iterator()
                            .next());
            for (int k = 0; k < LAMBDAS.size(); k++) {
                assertThat(metrics.testAccuracy().get(k))
                        .as("%s lambda %s", evidence, LAMBDAS.get(k))
                        .isCloseTo(aloneAccuracy[k], org.assertj.core.api.Assertions.within(1.0 / 128));
            }
        }
    }

    @Test
    void eachLambdaIsEvaluatedWithItsOwnModelWhateverItsPositionInThePass() {
        Dataset data = TinyData.clusters(20, 4, 256, 64, 8);
        Trainer together = sideBySide("weight-decay", data, 3);
        together.trainEpoch(1, step -> {});
        List<Double> inOrder = together.testAccuracy(LAMBDAS, Map.of());
        List<Double> reversed = together.testAccuracy(List.of(100.0, 1.0, 0.001), Map.of());
        assertThat(reversed).containsExactly(inOrder.get(2), inOrder.get(1), inOrder.get(0));
        assertThat(together.testAccuracy(List.of(1.0), Map.of())).containsExactly(inOrder.get(1));
    }

    @Test
    void theLossStaysFiniteWhenOneClassDominatesTheLogits() {
        // A softmax probability that underflows to 0 must not turn the cross-entropy into NaN (-inf * 0).
        Dataset data = TinyData.clusters(20, 4, 256, 64, 9);
        Trainer together = sideBySide("weight-decay", data, 3);
        org.nd4j.autodiff.samediff.SDVariable bias = together.graph().sameDiff().getVariable("dense1/b/value/b");
        bias.getArr().getColumn(0).addi(300);
        EpochMetrics metrics = together.trainEpoch(1, step -> {});
        assertThat(metrics.crossEntropy()).isFinite().isGreaterThan(1);
    }

    @Test
    void duplicateLambdasAreRefused() {
        assertThatThrownBy(() -> ConstantHypernetwork.independent(new double[] {0.2, 0.5, 0.2}))
                .hasMessageContaining("distinct");
    }
}
