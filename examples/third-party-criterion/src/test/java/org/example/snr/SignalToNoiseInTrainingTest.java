package org.example.snr;

import static org.assertj.core.api.Assertions.assertThat;

import io.hyperprune.api.PruningCriterion;
import io.hyperprune.testkit.training.ShortTraining;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

/** The criterion inside a short real training run (hyperprune-testkit-training), against random deletion. */
class SignalToNoiseInTrainingTest {

    @Test
    void keepsTheAccuracyAtHalfAndBeatsRandomDeletionAtNinetyPercent() {
        ShortTraining.Result result = ShortTraining.with(new SignalToNoiseCriterion()).fractions(0.5, 0.9).run();
        assertThat(result.accuracy()).isGreaterThan(0.9);
        assertThat(result.prunedAccuracy().get(0.5)).isGreaterThan(result.accuracy() - 0.05);
        PruningCriterion random = ServiceLoader.load(PruningCriterion.class).stream().map(ServiceLoader.Provider::get)
                .filter(c -> c.id().equals("random")).findFirst().orElseThrow();
        double randomAt90 = ShortTraining.with(random).fractions(0.9).run().prunedAccuracy().get(0.9);
        assertThat(result.prunedAccuracy().get(0.9)).isGreaterThan(randomAt90 + 0.1);
    }
}
