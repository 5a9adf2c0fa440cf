package io.hyperprune.engine.train;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hyperprune.api.InputException;
import io.hyperprune.api.LambdaRange;
import java.util.List;
import java.util.stream.DoubleStream;
import org.junit.jupiter.api.Test;

class TrainingSettingsTest {

    private static TrainingSettings settings(List<Double> lambdas, int samples) {
        return new TrainingSettings(1, 64, 1e-3, 1, 0, lambdas, samples, new LambdaRange(1e-3, 100));
    }

    @Test
    void theModelsOfOnePassAreBoundedWithTheReason() {
        List<Double> many = DoubleStream.iterate(0.01, l -> l * 1.1)
                .limit(TrainingSettings.MAX_MODELS_PER_PASS + 1)
                .boxed()
                .toList();
        assertThatThrownBy(() -> settings(many, 5))
                .isInstanceOf(InputException.class)
                .hasMessageContaining("65 lambdas are too many for one run: at most 64")
                .hasMessageContaining("--one-run-per-lambda");
        assertThatThrownBy(() -> settings(List.of(1.0), 100000))
                .isInstanceOf(InputException.class)
                .hasMessageContaining("--lambda-samples 100000 is too many: at most 64");
        assertThatCode(() -> settings(
                        many.subList(0, TrainingSettings.MAX_MODELS_PER_PASS), TrainingSettings.MAX_MODELS_PER_PASS))
                .doesNotThrowAnyException();
    }
}
