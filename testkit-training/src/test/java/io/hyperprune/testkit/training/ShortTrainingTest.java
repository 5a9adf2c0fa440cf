package io.hyperprune.testkit.training;

import static org.assertj.core.api.Assertions.assertThat;

import io.hyperprune.api.ComponentOptions;
import io.hyperprune.api.PosteriorView;
import io.hyperprune.api.PruningCriterion;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class ShortTrainingTest {

    @Test
    void aGoodCriterionKeepsAccuracyWhereARandomOneLosesIt() {
        ShortTraining.Result density = ShortTraining.with(find("relative-density")).fractions(0.0, 0.9).run();
        assertThat(density.accuracy()).isGreaterThan(0.9);
        assertThat(density.prunedAccuracy().get(0.0)).isEqualTo(density.accuracy());
        // An "inverted" criterion deletes the most important weights first.
        PruningCriterion inverted = new PruningCriterion() {
            @Override
            public String id() {
                return "inverted-magnitude";
            }

            @Override
            public String description() {
                return "-|mu|";
            }

            @Override
            public INDArray scores(PosteriorView parameter, long seed, ComponentOptions options) {
                return org.nd4j.linalg.ops.transforms.Transforms.abs(parameter.mean(), true).neg();
            }
        };
        ShortTraining.Result worst = ShortTraining.with(inverted).fractions(0.9).run();
        assertThat(worst.accuracy()).isEqualTo(density.accuracy());
        assertThat(worst.prunedAccuracy().get(0.9)).isLessThan(density.prunedAccuracy().get(0.9) - 0.2);
        assertThat(Nd4j.getBackend()).isNotNull();
    }

    private static PruningCriterion find(String id) {
        return java.util.ServiceLoader.load(PruningCriterion.class).stream().map(java.util.ServiceLoader.Provider::get)
                .filter(c -> c.id().equals(id)).findFirst().orElseThrow();
    }
}
