package ${package};

import static org.assertj.core.api.Assertions.assertThat;

import io.hyperprune.testkit.training.ShortTraining;
import org.junit.jupiter.api.Test;

/** The criterion inside a short real training run on synthetic data (hyperprune-testkit-training). */
class ConfidentMagnitudeInTrainingTest {

    @Test
    void deletingHalfTheWeightsKeepsMostOfTheAccuracy() {
        ShortTraining.Result result = ShortTraining.with(new ConfidentMagnitudeCriterion()).fractions(0.5).run();
        assertThat(result.accuracy()).isGreaterThan(0.9);
        assertThat(result.prunedAccuracy().get(0.5)).isGreaterThan(result.accuracy() - 0.05);
    }
}
