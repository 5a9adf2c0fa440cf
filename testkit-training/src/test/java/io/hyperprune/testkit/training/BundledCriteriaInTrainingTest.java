package io.hyperprune.testkit.training;

import static org.assertj.core.api.Assertions.assertThat;

import io.hyperprune.api.PruningCriterion;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

/**
 * The bundled criteria inside a short real training run (the bundled plugins cannot depend on this
 * module themselves: the runtime's tests depend on them): informed criteria beat random deletion.
 */
class BundledCriteriaInTrainingTest {

    @Test
    void informedCriteriaKeepFarMoreAccuracyThanRandomDeletionAtNinetyPercent() {
        double density = ShortTraining.with(criterion("relative-density"))
                .fractions(0.9)
                .run()
                .prunedAccuracy()
                .get(0.9);
        double magnitude = ShortTraining.with(criterion("magnitude"))
                .fractions(0.9)
                .run()
                .prunedAccuracy()
                .get(0.9);
        double random = ShortTraining.with(criterion("random"))
                .fractions(0.9)
                .run()
                .prunedAccuracy()
                .get(0.9);
        assertThat(density).isGreaterThan(random + 0.1);
        assertThat(magnitude).isGreaterThan(random + 0.1);
    }

    private static PruningCriterion criterion(String id) {
        return ServiceLoader.load(PruningCriterion.class).stream()
                .map(ServiceLoader.Provider::get)
                .filter(c -> c.id().equals(id))
                .findFirst()
                .orElseThrow();
    }
}
