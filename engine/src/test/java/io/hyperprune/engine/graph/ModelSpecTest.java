package io.hyperprune.engine.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hyperprune.api.InputException;
import java.util.Collections;
import org.junit.jupiter.api.Test;

/** Specs that would build a graph too large to train are refused at parse time, with the bound and why. */
class ModelSpecTest {

    @Test
    void thePapersModelsAndCifarConvParse() {
        assertThat(ModelSpec.parse("784-50-10").parameterCount()).isEqualTo(784 * 50 + 50 + 50 * 10 + 10);
        assertThat(ModelSpec.parse("3072-1024-1024-10").layers()).hasSize(4);
        assertThat(ModelSpec.parse(ModelSpec.CIFAR_CONV).parameterCount()).isGreaterThan(9_000_000L);
    }

    @Test
    void oversizedLayersDepthAndParameterCountsNameTheBound() {
        assertThatThrownBy(() -> ModelSpec.parse("784-0-10"))
                .isInstanceOf(InputException.class)
                .hasMessageContaining("layer size 0 must be at least 1");
        assertThatThrownBy(() -> ModelSpec.parse("784-100000-10"))
                .isInstanceOf(InputException.class)
                .hasMessageContaining("layer size 100000 is too large: at most 65536");
        assertThatThrownBy(() -> ModelSpec.parse("784-99999999999-10"))
                .isInstanceOf(InputException.class)
                .hasMessageContaining("layer size 99999999999 is too large");
        assertThatThrownBy(() -> ModelSpec.parse("784-" + String.join("-", Collections.nCopies(40, "10")) + "-10"))
                .isInstanceOf(InputException.class)
                .hasMessageContaining("42 layer sizes, too many: at most 32");
        assertThatThrownBy(() -> ModelSpec.parse("784-60000-60000-10"))
                .isInstanceOf(InputException.class)
                .hasMessageContaining("parameters, too many: at most 50000000")
                .hasMessageContaining("MiB");
    }
}
