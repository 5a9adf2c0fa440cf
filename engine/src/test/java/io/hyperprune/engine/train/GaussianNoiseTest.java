package io.hyperprune.engine.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

class GaussianNoiseTest {

    @Test
    void drawsStandardNormalNoiseOverSeveralChunks() {
        INDArray eps = Nd4j.create(DataType.FLOAT, 5, 784, 50);
        new GaussianNoise(11).fill(eps, 1);
        double n = eps.length();
        double mean = eps.sumNumber().doubleValue() / n;
        double variance = eps.castTo(DataType.DOUBLE)
                                .mul(eps.castTo(DataType.DOUBLE))
                                .sumNumber()
                                .doubleValue()
                        / n
                - mean * mean;
        // 196 000 draws: the standard error of the mean is 0.0023, of the variance 0.0032.
        assertThat(mean).isBetween(-0.012, 0.012);
        assertThat(variance).isBetween(0.985, 1.015);
        double tail = eps.dup().amax(0, 1, 2).getDouble(0);
        assertThat(tail).as("the largest |eps| of 196 000 normal draws").isBetween(3.5, 6.5);
        int beyondTwo = 0;
        for (float v : eps.dup().reshape(-1).toFloatVector()) {
            beyondTwo += Math.abs(v) > 2 ? 1 : 0;
        }
        assertThat(beyondTwo / n).as("P(|eps| > 2) = 0.0455").isBetween(0.043, 0.048);
    }

    @Test
    void theDrawsFollowTheNormalDistributionFunctionAndAreUncorrelated() {
        INDArray eps = Nd4j.create(DataType.FLOAT, 400_000);
        new GaussianNoise(17).fill(eps, 1);
        float[] z = eps.toFloatVector();
        // Phi at -3 .. 3 in steps of 0.5; with 400 000 draws the empirical CDF's standard error is <= 0.0008.
        double[] phi = {
            0.0013499, 0.0062097, 0.0227501, 0.0668072, 0.1586553, 0.3085375, 0.5, 0.6914625, 0.8413447, 0.9331928,
            0.9772499, 0.9937903, 0.9986501
        };
        for (int j = 0; j < phi.length; j++) {
            double at = -3 + 0.5 * j;
            long below = 0;
            for (float v : z) {
                below += v <= at ? 1 : 0;
            }
            assertThat((double) below / z.length).as("P(eps <= %s)", at).isCloseTo(phi[j], within(0.003));
        }
        // Neighbours, and the two draws of one Box-Muller pair (half a chunk apart).
        for (int lag : new int[] {1, GaussianNoise.CHUNK / 2}) {
            double products = 0;
            for (int i = 0; i + lag < z.length; i++) {
                products += (double) z[i] * z[i + lag];
            }
            assertThat(products / (z.length - lag))
                    .as("correlation at lag %d", lag)
                    .isBetween(-0.01, 0.01);
        }
    }

    @Test
    void cosineAndSineOfTheAngleAreWithinAMillionthOverMinusPiToPi() {
        for (int i = -10_000; i <= 10_000; i++) {
            float x = (float) (Math.PI * i / 10_000);
            assertThat((double) GaussianNoise.cos(x * x)).as("cos %s", x).isCloseTo(Math.cos(x), within(1e-6));
            assertThat((double) (x * GaussianNoise.sinOverX(x * x)))
                    .as("sin %s", x)
                    .isCloseTo(Math.sin(x), within(1e-6));
        }
    }

    @Test
    void theSameSeedDrawsTheSameNoiseAndAnotherSeedOther() {
        INDArray a = Nd4j.create(DataType.FLOAT, 3, 40_000);
        INDArray b = Nd4j.create(DataType.FLOAT, 3, 40_000);
        INDArray c = Nd4j.create(DataType.FLOAT, 3, 40_000);
        new GaussianNoise(5).fill(a, 1);
        new GaussianNoise(5).fill(b, 1);
        new GaussianNoise(6).fill(c, 1);
        assertThat(a).isEqualTo(b);
        assertThat(a.eq(c).castTo(DataType.FLOAT).sumNumber().doubleValue()).isLessThan(10);
    }

    @Test
    void copiesShareOneDrawOfABlocksSizeAsOneModelAloneWouldDraw() {
        INDArray three = Nd4j.create(DataType.FLOAT, 3, 784, 50);
        new GaussianNoise(9).fill(three, 3);
        INDArray alone = Nd4j.create(DataType.FLOAT, 1, 784, 50);
        new GaussianNoise(9).fill(alone, 1);
        for (int k = 0; k < 3; k++) {
            assertThat(three.get(NDArrayIndex.interval(k, k + 1))).isEqualTo(alone);
        }
        assertThat(alone.stdNumber().doubleValue()).isBetween(0.95, 1.05);
    }

    @Test
    void aViewWithAnOffsetIsFilledInPlaceAndTheRestIsLeft() {
        INDArray whole = Nd4j.zeros(DataType.FLOAT, 4, 10, 100);
        INDArray third = whole.slice(2);
        assertThat(third.offset()).isEqualTo(2000);
        new GaussianNoise(3).fill(third, 1);
        assertThat(whole.slice(2).stdNumber().doubleValue()).isBetween(0.9, 1.1);
        assertThat(whole.slice(1).amaxNumber().doubleValue()).isZero();
        assertThat(whole.slice(3).amaxNumber().doubleValue()).isZero();
    }

    @Test
    void refusesArraysItCannotFillInOrder() {
        INDArray transposed = Nd4j.create(DataType.FLOAT, 3, 4).transpose();
        assertThatThrownBy(() -> new GaussianNoise(1).fill(transposed, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("contiguous float");
        assertThatThrownBy(() -> new GaussianNoise(1).fill(Nd4j.create(DataType.FLOAT, 5), 2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("2 equal blocks");
        assertThatThrownBy(() -> new GaussianNoise(1).fill(Nd4j.create(DataType.DOUBLE, 4), 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("DOUBLE");
    }
}
