package io.hyperprune.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.hyperprune.api.ComponentOptions;
import io.hyperprune.api.ParameterSpec;
import io.hyperprune.api.PosteriorView;
import io.hyperprune.api.PruningCriterion;
import io.hyperprune.api.PruningMasks;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The contract every {@link PruningCriterion} passes: extend this class in your plugin's tests and
 * return your criterion from {@link #criterion()}.
 */
public abstract class PruningCriterionContract {

    private static final ParameterSpec LAYER_1 =
            new ParameterSpec("dense0/W", new long[] {13, 7}, ParameterSpec.Kind.WEIGHT, 13, 7);
    private static final ParameterSpec LAYER_2 =
            new ParameterSpec("dense1/W", new long[] {7, 3}, ParameterSpec.Kind.WEIGHT, 7, 3);

    protected abstract PruningCriterion criterion();

    protected ComponentOptions options() {
        return ComponentOptions.none(criterion().id());
    }

    private static PosteriorView gaussian(ParameterSpec spec, long seed) {
        Nd4j.getRandom().setSeed(seed);
        INDArray mean = Nd4j.randn(DataType.FLOAT, spec.shape());
        INDArray sigma = Nd4j.rand(DataType.FLOAT, spec.shape()).addi(0.01);
        return PosteriorView.gaussian(spec, mean, sigma);
    }

    @Test
    void scoresAreFiniteOfTheParameterShapeAndDeterministic() {
        for (PosteriorView view :
                List.of(gaussian(LAYER_1, 1), PosteriorView.deterministic(LAYER_2, Nd4j.randn(DataType.FLOAT, 7, 3)))) {
            INDArray first = criterion().scores(view, 42, options());
            INDArray again = criterion().scores(view, 42, options());
            assertThat(first.shape()).containsExactly(view.parameter().shape());
            for (float s : first.castTo(DataType.FLOAT).dup().data().asFloat()) {
                assertThat(Float.isFinite(s)).as("score is finite").isTrue();
            }
            assertThat(first.castTo(DataType.FLOAT).dup().data().asFloat())
                    .containsExactly(again.castTo(DataType.FLOAT).dup().data().asFloat());
        }
    }

    @Test
    void inputsAreNotModified() {
        PosteriorView view = gaussian(LAYER_1, 2);
        INDArray mean = view.mean().dup();
        INDArray sigma = view.sigma().orElseThrow().dup();
        criterion().scores(view, 1, options());
        assertThat(view.mean().equals(mean)).isTrue();
        assertThat(view.sigma().orElseThrow().equals(sigma)).isTrue();
    }

    @Test
    void deletionFractionsAreExactPerLayerAndGlobally() {
        List<INDArray> scores = List.of(
                criterion().scores(gaussian(LAYER_1, 3), 1, options()),
                criterion().scores(gaussian(LAYER_2, 4), 2, options()));
        for (int level = 0; level <= 10; level++) {
            double fraction = level / 10.0;
            List<INDArray> perLayer = PruningMasks.keepMasks(scores, fraction, PruningMasks.Scope.LAYER);
            assertThat(91 - perLayer.get(0).sumNumber().longValue()).isEqualTo(Math.round(fraction * 91));
            assertThat(21 - perLayer.get(1).sumNumber().longValue()).isEqualTo(Math.round(fraction * 21));
            List<INDArray> global = PruningMasks.keepMasks(scores, fraction, PruningMasks.Scope.GLOBAL);
            assertThat(112
                            - global.get(0).sumNumber().longValue()
                            - global.get(1).sumNumber().longValue())
                    .isEqualTo(Math.round(fraction * 112));
        }
    }

    @Test
    void tiesAndAllZeroTensorsGiveFiniteScoresAndExactMasks() {
        PosteriorView zeros =
                PosteriorView.gaussian(LAYER_2, Nd4j.zeros(DataType.FLOAT, 7, 3), Nd4j.ones(DataType.FLOAT, 7, 3));
        INDArray scores = criterion().scores(zeros, 3, options());
        for (float s : scores.castTo(DataType.FLOAT).dup().data().asFloat()) {
            assertThat(Float.isFinite(s)).isTrue();
        }
        List<INDArray> masks = PruningMasks.keepMasks(List.of(scores), 0.5, PruningMasks.Scope.LAYER);
        assertThat(21 - masks.get(0).sumNumber().longValue()).isEqualTo(Math.round(0.5 * 21));
        PosteriorView deterministicZeros = PosteriorView.deterministic(LAYER_2, Nd4j.zeros(DataType.FLOAT, 7, 3));
        for (float s : criterion()
                .scores(deterministicZeros, 3, options())
                .castTo(DataType.FLOAT)
                .dup()
                .data()
                .asFloat()) {
            assertThat(Float.isFinite(s)).isTrue();
        }
    }
}
