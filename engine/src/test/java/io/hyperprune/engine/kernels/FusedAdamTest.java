package io.hyperprune.engine.kernels;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.TrainingConfig;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.GradientUpdater;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.learning.regularization.L2Regularization;

class FusedAdamTest {

    private static TrainingConfig config(
            Object updater, org.nd4j.linalg.learning.regularization.Regularization... regularizations) {
        return TrainingConfig.builder()
                .updater((org.nd4j.linalg.learning.config.IUpdater) updater)
                .regularization(regularizations)
                .dataSetFeatureMapping("x")
                .dataSetLabelMapping("y")
                .build();
    }

    @Test
    void equalsClippingThenSameDiffsAdamThenSubtraction() {
        Adam adam = new Adam(5e-3);
        TrainingConfig config = config(adam, new GradientClipping(0.5));
        FusedAdam fused = FusedAdam.of(config).orElseThrow();
        // Two parameters sharing one updater-state array, as SameDiff lays them out: the second one's
        // state views start at an offset, and 40 000 elements span several chunks.
        long[] sizes = {40_000, 37};
        INDArray fusedState = Nd4j.zeros(DataType.FLOAT, 1, 2 * (sizes[0] + sizes[1]));
        INDArray referenceState = fusedState.dup();
        long offset = 0;
        for (long size : sizes) {
            INDArray fusedView = fusedState
                    .get(NDArrayIndex.point(0), NDArrayIndex.interval(offset, offset + 2 * size))
                    .reshape(1, 2 * size);
            INDArray referenceView = referenceState
                    .get(NDArrayIndex.point(0), NDArrayIndex.interval(offset, offset + 2 * size))
                    .reshape(1, 2 * size);
            GradientUpdater<?> fusedUpdater = adam.instantiate(fusedView, true);
            GradientUpdater<?> referenceUpdater = adam.instantiate(referenceView, true);
            Nd4j.getRandom().setSeed(size);
            INDArray parameter = Nd4j.randn(DataType.FLOAT, size);
            INDArray reference = parameter.dup();
            for (int iteration = 0; iteration < 5; iteration++) {
                INDArray gradient = Nd4j.randn(DataType.FLOAT, size).muli(2);
                INDArray referenceGradient = gradient.dup();
                assertThat(fused.apply(parameter, gradient, fusedUpdater, iteration, 0))
                        .isTrue();
                new GradientClipping(0.5).apply(reference, referenceGradient, 5e-3, iteration, 0);
                referenceUpdater.applyUpdater(referenceGradient, iteration, 0);
                reference.subi(referenceGradient);
            }
            assertThat(maxDifference(parameter, reference)).isLessThan(1e-6);
            assertThat(maxDifference(parameter, reference.add(1e-4)))
                    .as("the comparison can fail")
                    .isGreaterThan(5e-5);
            offset += 2 * size;
        }
        assertThat(maxDifference(fusedState, referenceState))
                .as("updater state")
                .isLessThan(1e-6);
    }

    @Test
    void aNanGradientReachesTheParameterSoTheDivergenceCheckSeesIt() {
        Adam adam = new Adam(1e-3);
        FusedAdam fused = FusedAdam.of(config(adam, new GradientClipping(1.0))).orElseThrow();
        GradientUpdater<?> updater = adam.instantiate(Nd4j.zeros(DataType.FLOAT, 1, 8), true);
        INDArray parameter = Nd4j.ones(DataType.FLOAT, 4);
        fused.apply(parameter, Nd4j.createFromArray(0.1f, Float.NaN, -0.1f, 0f), updater, 0, 0);
        assertThat(parameter.getFloat(1)).isNaN();
        assertThat(parameter.getFloat(0)).isLessThan(1f);
        assertThat(parameter.getFloat(2)).isGreaterThan(1f);
        assertThat(parameter.getFloat(3)).isEqualTo(1f);
    }

    @Test
    void leavesArraysItCannotReadDirectlyToTheCaller() {
        Adam adam = new Adam(1e-3);
        FusedAdam fused = FusedAdam.of(config(adam)).orElseThrow();
        GradientUpdater<?> updater = adam.instantiate(Nd4j.zeros(DataType.FLOAT, 1, 12), true);
        INDArray transposed = Nd4j.ones(DataType.FLOAT, 2, 3).transpose();
        INDArray before = transposed.dup();
        assertThat(fused.apply(transposed, Nd4j.ones(DataType.FLOAT, 3, 2), updater, 0, 0))
                .isFalse();
        assertThat(transposed).isEqualTo(before);
        assertThat(fused.apply(Nd4j.ones(DataType.DOUBLE, 6), Nd4j.ones(DataType.DOUBLE, 6), updater, 0, 0))
                .isFalse();
    }

    @Test
    void onlyForTheConfigurationItReproduces() {
        assertThat(FusedAdam.of(config(new Sgd(0.1)))).isEmpty();
        assertThat(FusedAdam.of(config(new Adam(1e-3), new L2Regularization(1e-4))))
                .isEmpty();
        assertThat(FusedAdam.of(config(new Adam(1e-3)))).isPresent();
        TrainingConfig maximising = config(new Adam(1e-3));
        maximising.setMinimize(false);
        assertThat(FusedAdam.of(maximising)).isEqualTo(Optional.empty());
    }

    private static double maxDifference(INDArray a, INDArray b) {
        return a.castTo(DataType.DOUBLE)
                .sub(b.castTo(DataType.DOUBLE))
                .amaxNumber()
                .doubleValue();
    }
}
