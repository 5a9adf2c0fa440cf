package io.hyperprune.runtime.experiment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hyperprune.api.LambdaRange;
import java.util.List;
import org.junit.jupiter.api.Test;

class SurfaceLambdasTest {

    @Test
    void fortyOneLambdasOverFiveDecadesHoldTheGridsSixExactly() {
        List<Double> grid = List.of(0.001, 0.01, 0.1, 1.0, 10.0, 100.0);
        List<Double> lambdas = SurfaceLambdas.of(LambdaRange.REFERENCE, 41, grid);
        // Eight steps per decade: the grid's lambdas are on the log grid, so none is added twice.
        assertThat(lambdas).hasSize(41).containsAll(grid).isSorted();
        assertThat(lambdas.get(0)).isEqualTo(0.001);
        assertThat(lambdas.get(40)).isEqualTo(100.0);
        assertThat(lambdas.get(1)).isEqualTo(0.00133352); // 10^-3 * 10^(1/8), 6 significant digits
        for (int i = 1; i < lambdas.size(); i++) {
            assertThat(Math.log10(lambdas.get(i) / lambdas.get(i - 1)))
                    .isCloseTo(0.125, org.assertj.core.api.Assertions.within(1e-5));
        }
    }

    @Test
    void gridLambdasOffTheLogGridAreAdded() {
        List<Double> lambdas = SurfaceLambdas.of(new LambdaRange(0.1, 10), 3, List.of(0.5, 1.0, 20.0));
        assertThat(lambdas).containsExactly(0.1, 0.5, 1.0, 10.0, 20.0);
    }

    @Test
    void aSurfaceNeedsTwoEnds() {
        assertThatThrownBy(() -> SurfaceLambdas.of(LambdaRange.REFERENCE, 1, List.of()))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
