package io.hyperprune.testkit.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hyperprune.api.ComponentOptions;
import io.hyperprune.api.DatasetProvider;
import io.hyperprune.api.Evidence;
import io.hyperprune.api.Hypernetwork;
import io.hyperprune.api.PosteriorView;
import io.hyperprune.api.PruningCriterion;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class ShortTrainingTest {

    @Test
    void aGoodCriterionKeepsAccuracyWhereARandomOneLosesIt() {
        ShortTraining.Result density =
                ShortTraining.with(find("relative-density")).fractions(0.0, 0.9).run();
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
                return org.nd4j.linalg.ops.transforms.Transforms.abs(parameter.mean(), true)
                        .neg();
            }
        };
        ShortTraining.Result worst = ShortTraining.with(inverted).fractions(0.9).run();
        assertThat(worst.accuracy()).isEqualTo(density.accuracy());
        assertThat(worst.prunedAccuracy().get(0.9))
                .isLessThan(density.prunedAccuracy().get(0.9) - 0.2);
        assertThat(Nd4j.getBackend()).isNotNull();
    }

    @Test
    void anEvidenceOrAHypernetworkTakesItsRoleAndOptionsReachIt() {
        Evidence weightDecay = ServiceLoader.load(Evidence.class).stream()
                .map(ServiceLoader.Provider::get)
                .filter(e -> e.id().equals("weight-decay"))
                .findFirst()
                .orElseThrow();
        ShortTraining.Result deterministic =
                ShortTraining.with(weightDecay).fractions(0.5).run();
        assertThat(deterministic.accuracy()).isGreaterThan(0.9);
        assertThat(deterministic.prunedAccuracy()).containsOnlyKeys(0.5);
        assertThat(deterministic.epochs()).isEqualTo(3);

        Hypernetwork linear = ServiceLoader.load(Hypernetwork.class).stream()
                .map(ServiceLoader.Provider::get)
                .filter(h -> h.id().equals("linear"))
                .findFirst()
                .orElseThrow();
        ShortTraining.Result generated =
                ShortTraining.with(linear).lambda(1).epochs(2).fractions(0.5).run();
        assertThat(generated.accuracy()).isGreaterThan(0.8);
        assertThat(generated.epochs()).isEqualTo(2);

        // An option the component does not declare is rejected, as on the command line.
        assertThatThrownBy(() -> ShortTraining.with(weightDecay)
                        .option("weight-decay", "no-such-option", "1")
                        .run())
                .hasMessageContaining("no-such-option");
    }

    @Test
    void onlyTheThreeTrainableRolesAreAccepted() {
        DatasetProvider synthetic = ServiceLoader.load(DatasetProvider.class).stream()
                .map(ServiceLoader.Provider::get)
                .filter(d -> d.id().equals("synthetic"))
                .findFirst()
                .orElseThrow();
        assertThatThrownBy(() -> ShortTraining.with(synthetic))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("evidence, a hypernetwork or a pruning criterion");
    }

    private static PruningCriterion find(String id) {
        return java.util.ServiceLoader.load(PruningCriterion.class).stream()
                .map(java.util.ServiceLoader.Provider::get)
                .filter(c -> c.id().equals(id))
                .findFirst()
                .orElseThrow();
    }
}
