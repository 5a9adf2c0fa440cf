package io.hyperprune.plugins.pruningcriteria;

import static org.assertj.core.api.Assertions.assertThat;

import io.hyperprune.api.ComponentOptions;
import io.hyperprune.api.ParameterSpec;
import io.hyperprune.api.PosteriorView;
import io.hyperprune.api.PruningMasks;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class CriteriaTest {

    private static final ParameterSpec W = new ParameterSpec("w", new long[] {2, 3}, ParameterSpec.Kind.WEIGHT, 2, 3);

    private static PosteriorView gaussian(float[][] mu, float[][] sigma) {
        return PosteriorView.gaussian(W, Nd4j.createFromArray(mu), Nd4j.createFromArray(sigma));
    }

    @Test
    void relativeDensityDeletesLowSignalToNoiseFirstNotSmallMeans() {
        // mu = 0.1 with sigma 0.001 is far from zero in posterior terms; mu = 1 with sigma 10 is not.
        PosteriorView view = gaussian(
                new float[][] {{0.1f, 1f, -2f}, {0.5f, -0.05f, 3f}}, new float[][] {{0.001f, 10f, 1f}, {1f, 1f, 0.5f}});
        INDArray scores = new RelativeDensityCriterion().scores(view, 0, ComponentOptions.none("relative-density"));
        assertThat(scores.getDouble(0, 0)).isCloseTo(10000.0, org.assertj.core.api.Assertions.within(1.0));
        List<INDArray> keep = PruningMasks.keepMasks(List.of(scores), 0.5, PruningMasks.Scope.LAYER);
        // deleted: mu/sigma = 0.1 (1,10), 0.5 (0.5,1), -0.05 (-0.05,1) -> smallest three
        assertThat(keep.get(0).data().asFloat()).containsExactly(1f, 0f, 1f, 0f, 0f, 1f);
        INDArray magnitude = new MagnitudeCriterion().scores(view, 0, ComponentOptions.none("magnitude"));
        assertThat(PruningMasks.keepMasks(List.of(magnitude), 0.5, PruningMasks.Scope.LAYER)
                        .get(0)
                        .data()
                        .asFloat())
                .containsExactly(0f, 1f, 1f, 0f, 0f, 1f);
    }

    @Test
    void deterministicWeightsUseTheSquaredValue() {
        INDArray w = Nd4j.createFromArray(new float[][] {{0.3f, -2f, 0.1f}, {1f, -0.2f, 0f}});
        INDArray scores =
                new RelativeDensityCriterion().scores(PosteriorView.deterministic(W, w), 0, ComponentOptions.none("x"));
        float[] expected = {0.09f, 4f, 0.01f, 1f, 0.04f, 0f};
        float[] actual = scores.data().asFloat();
        for (int i = 0; i < expected.length; i++) {
            assertThat(actual[i]).isCloseTo(expected[i], org.assertj.core.api.Assertions.within(1e-6f));
        }
    }

    @Test
    void scoresStayFiniteForTinySigmaAndAllZeroTensors() {
        PosteriorView view = gaussian(
                new float[][] {{1e30f, 0f, 0f}, {0f, 0f, 0f}}, new float[][] {{1e-30f, 1e-5f, 1f}, {1f, 1f, 1f}});
        INDArray scores = new RelativeDensityCriterion().scores(view, 0, ComponentOptions.none("relative-density"));
        for (float s : scores.data().asFloat()) {
            assertThat(Float.isFinite(s)).isTrue();
        }
        // all-zero scores: ties broken by position, exact count
        assertThat(PruningMasks.keepMasks(List.of(Nd4j.zeros(2, 3)), 0.5, PruningMasks.Scope.LAYER)
                        .get(0)
                        .data()
                        .asFloat())
                .containsExactly(0f, 0f, 0f, 1f, 1f, 1f);
    }

    @Test
    void randomScoresDependOnlyOnTheSeed() {
        PosteriorView a = gaussian(new float[][] {{1, 2, 3}, {4, 5, 6}}, new float[][] {{1, 1, 1}, {1, 1, 1}});
        PosteriorView b = gaussian(new float[][] {{9, 9, 9}, {9, 9, 9}}, new float[][] {{2, 2, 2}, {2, 2, 2}});
        RandomCriterion random = new RandomCriterion();
        ComponentOptions none = ComponentOptions.none("random");
        assertThat(random.scores(a, 5, none).data().asFloat())
                .containsExactly(random.scores(b, 5, none).data().asFloat());
        assertThat(random.scores(a, 5, none).equals(random.scores(a, 6, none))).isFalse();
    }

    @Test
    void deletionCountsAreExactPerLayerAndGlobally() {
        INDArray s1 = Nd4j.rand(7, 13);
        INDArray s2 = Nd4j.rand(3, 5);
        PruningMasks.Ranking layer = PruningMasks.rank(List.of(s1, s2), PruningMasks.Scope.LAYER);
        PruningMasks.Ranking global = PruningMasks.rank(List.of(s1, s2), PruningMasks.Scope.GLOBAL);
        for (int level = 0; level <= 10; level++) {
            double f = level / 10.0;
            List<INDArray> perLayer = layer.keepMasks(f);
            assertThat(91 - perLayer.get(0).sumNumber().longValue()).isEqualTo(Math.round(f * 91));
            assertThat(15 - perLayer.get(1).sumNumber().longValue()).isEqualTo(Math.round(f * 15));
            List<INDArray> all = global.keepMasks(f);
            assertThat(106
                            - all.get(0).sumNumber().longValue()
                            - all.get(1).sumNumber().longValue())
                    .isEqualTo(Math.round(f * 106));
        }
        // Larger fractions delete a superset of smaller ones.
        INDArray at30 = layer.keepMasks(0.3).get(0);
        INDArray at60 = layer.keepMasks(0.6).get(0);
        assertThat(at60.mul(at30.rsub(1)).sumNumber().doubleValue()).isZero();
    }
}
