package io.hyperprune.engine.kernels;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Exp;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Log;
import org.nd4j.linalg.factory.Nd4j;

class ExpLogTest {

    /** Distance in units in the last place; 0 for equal values (and for two NaNs). */
    private static int ulps(float a, float b) {
        if (Float.isNaN(a) || Float.isNaN(b)) {
            return Float.isNaN(a) && Float.isNaN(b) ? 0 : Integer.MAX_VALUE;
        }
        if (a == b) {
            return 0;
        }
        if (Math.signum(a) != Math.signum(b)) {
            return Integer.MAX_VALUE;
        }
        return Math.abs(Float.floatToRawIntBits(a) - Float.floatToRawIntBits(b));
    }

    @Test
    void expAndLogAreWithinOneUlpOfTheCorrectlyRoundedValueOverTheFloatRange() {
        SplittableRandom random = new SplittableRandom(3);
        int n = 1 << 20;
        float[] x = new float[n];
        float[] y = new float[n];
        float[] scratch1 = new float[n];
        float[] scratch2 = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (random.nextDouble(-104, 90));
        }
        ExpLog.exp(x, y, scratch1, n);
        for (int i = 0; i < n; i++) {
            assertThat(ulps(y[i], (float) Math.exp(x[i]))).as("exp(%s)", x[i]).isLessThanOrEqualTo(1);
        }
        for (int i = 0; i < n; i++) {
            // Every positive finite float, subnormals included, by its bits.
            x[i] = Float.intBitsToFloat(random.nextInt(1, 0x7F800000));
        }
        ExpLog.log(x, y, scratch1, scratch2, n);
        for (int i = 0; i < n; i++) {
            assertThat(ulps(y[i], (float) Math.log(x[i]))).as("log(%s)", x[i]).isLessThanOrEqualTo(1);
        }
    }

    @Test
    void specialValuesComeOutAsLibnd4jsEvenAmongOrdinaryOnes() {
        float[] special = {
            0f,
            -0f,
            -1f,
            Float.NaN,
            Float.POSITIVE_INFINITY,
            Float.NEGATIVE_INFINITY,
            Float.MIN_VALUE,
            Float.MIN_NORMAL,
            Float.MAX_VALUE,
            88.5f,
            -87.5f,
            100f,
            -100f,
            1f,
            0.5f,
            2f,
            -3f
        };
        // Surrounded by ordinary values: a chunk's special elements must not spoil the others.
        INDArray input = Nd4j.createFromArray(special)
                .reshape(1, special.length)
                .repeat(0, 3)
                .reshape(-1);
        for (boolean exp : new boolean[] {true, false}) {
            INDArray expected =
                    exp ? Nd4j.exec(new Exp(input, input.ulike())) : Nd4j.exec(new Log(input, input.ulike()));
            INDArray actual = input.ulike();
            ExpLog.of(exp ? new Exp() : new Log(), input, actual).run();
            for (int i = 0; i < input.length(); i++) {
                assertThat(ulps(actual.getFloat(i), expected.getFloat(i)))
                        .as(
                                "%s(%s): %s vs libnd4j %s",
                                exp ? "exp" : "log", input.getFloat(i), actual.getFloat(i), expected.getFloat(i))
                        .isLessThanOrEqualTo(1);
            }
        }
    }

    @Test
    void aTensorOfManyChunksEqualsLibnd4jsWithinOneUlpAtEveryElement() {
        // [5, 784, 50], a hypernetwork's first-layer log-sigma: 48 chunks, the last one partial.
        INDArray logSigma = Nd4j.randn(DataType.FLOAT, 5, 784, 50).muli(2).subi(3);
        INDArray sigma = logSigma.ulike();
        ExpLog.of(new Exp(), logSigma, sigma).run();
        INDArray expected = Nd4j.exec(new Exp(logSigma, logSigma.ulike()));
        INDArray logged = sigma.ulike();
        ExpLog.of(new Log(), sigma, logged).run();
        INDArray expectedLog = Nd4j.exec(new Log(sigma, sigma.ulike()));
        for (int i = 0; i < sigma.length(); i++) {
            assertThat(ulps(sigma.getFloat(i), expected.getFloat(i))).isLessThanOrEqualTo(1);
            assertThat(ulps(logged.getFloat(i), expectedLog.getFloat(i))).isLessThanOrEqualTo(1);
        }
        // A view at an offset reads and writes its own elements only.
        INDArray row = logSigma.get(org.nd4j.linalg.indexing.NDArrayIndex.point(3));
        INDArray rowOut = Nd4j.zeros(DataType.FLOAT, 784, 50);
        ExpLog.of(new Exp(), row, rowOut).run();
        assertThat(rowOut.equalsWithEps(expected.get(org.nd4j.linalg.indexing.NDArrayIndex.point(3)), 1e-6 * 1000))
                .isTrue();
    }
}
