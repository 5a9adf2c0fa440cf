package io.hyperprune.runtime.pruning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.hyperprune.api.PruningMasks;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class ScoreAgreementTest {

    @Test
    void ranksAreOneBasedAndTiesShareTheirAverageRank() {
        assertThat(ScoreAgreement.ranks(new double[] {3.0, 1.0, 2.0, 1.0, 5.0, 3.0, 3.0}))
                .containsExactly(5.0, 1.5, 3.0, 1.5, 7.0, 5.0, 5.0);
        assertThat(ScoreAgreement.ranks(new double[] {0.0, -0.0, Double.POSITIVE_INFINITY, -1.0}))
                .as("-0.0 ties with 0.0, as == says")
                .containsExactly(2.5, 2.5, 4.0, 1.0);
        assertThat(ScoreAgreement.ranks(new double[] {0.1, -0.0, 0.1 + 1e-12, 0.0}))
                .as("beyond float precision")
                .containsExactly(3.0, 1.5, 4.0, 1.5);
    }

    @Test
    void ranksEqualTheirDefinitionOnManyTiesForFloatAndDoubleScores() {
        SplittableRandom random = new SplittableRandom(4);
        double[] floats = new double[3000];
        double[] doubles = new double[3000];
        for (int i = 0; i < floats.length; i++) {
            floats[i] = Math.round(random.nextGaussian() * 20) / 4.0; // ~200 distinct values
            doubles[i] = floats[i] + (i % 3 == 0 ? 1e-12 : 0); // not floats: the other path
        }
        assertRanksAsDefined(floats);
        assertRanksAsDefined(doubles);
    }

    private static void assertRanksAsDefined(double[] values) {
        double[] ranks = ScoreAgreement.ranks(values);
        for (int i = 0; i < values.length; i++) {
            int below = 0;
            int equal = 0;
            for (double v : values) {
                below += v < values[i] ? 1 : 0;
                equal += v == values[i] ? 1 : 0;
            }
            assertThat(ranks[i]).isEqualTo(below + (equal + 1) / 2.0);
        }
    }

    @Test
    void identicalScoresAgreeFullyAndReversedOnesNotAtAll() {
        INDArray weights = Nd4j.linspace(DataType.FLOAT, 1, 200, 1).reshape(10, 20);
        INDArray bias = Nd4j.linspace(DataType.FLOAT, 1, 10, 1);
        List<Double> levels = List.of(0.0, 0.5, 0.9);

        ScoreAgreement.Result same = ScoreAgreement.compare(
                List.of(weights, bias), List.of(weights.dup(), bias.dup()), PruningMasks.Scope.LAYER, levels);
        assertThat(same.spearman()).isCloseTo(1.0, within(1e-12));
        assertThat(same.iou()).containsExactly(1.0, 1.0, 1.0);

        ScoreAgreement.Result reversed = ScoreAgreement.compare(
                List.of(weights, bias), List.of(weights.neg(), bias.neg()), PruningMasks.Scope.LAYER, levels);
        assertThat(reversed.spearman()).isCloseTo(-1.0, within(1e-12));
        assertThat(reversed.iou().get(0)).as("nothing deleted").isEqualTo(1.0);
        assertThat(reversed.iou().get(1)).as("the two halves are disjoint").isZero();
        // 90 %: each deletes all but the other's 10 % per tensor; overlap 80 of 100 in either, per tensor.
        assertThat(reversed.iou().get(2)).isCloseTo((160.0 + 8) / (200 + 10), within(1e-12));
    }
}
