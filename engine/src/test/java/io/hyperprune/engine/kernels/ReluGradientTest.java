package io.hyperprune.engine.kernels;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.gradient.ThresholdReluBp;
import org.nd4j.linalg.factory.Nd4j;

class ReluGradientTest {

    @Test
    void equalsLibnd4jsReluGradientOverSeveralChunks() {
        for (double cutoff : new double[] {0.0, 0.3}) {
            Nd4j.getRandom().setSeed(7);
            INDArray input = Nd4j.randn(DataType.FLOAT, 5, 256, 50);
            input.putScalar(0, cutoff); // the float nearest the cutoff
            input.putScalar(1, Math.nextDown((float) cutoff));
            INDArray gradient = Nd4j.randn(DataType.FLOAT, 5, 256, 50);
            INDArray expected = Nd4j.create(DataType.FLOAT, 5, 256, 50);
            Nd4j.exec(new ThresholdReluBp(input, gradient, expected, cutoff));
            INDArray actual = Nd4j.create(DataType.FLOAT, 5, 256, 50);
            ThresholdReluBp op = new ThresholdReluBp(input, gradient, actual, cutoff);
            INDArray[] args = {input, gradient};
            assertThat(ReluGradient.applies(op, args)).isTrue();
            ReluGradient.of(op, args, actual).run();
            assertThat(actual).isEqualTo(expected);
            assertThat(actual.getFloat(1)).isZero();
            assertThat(actual.eq(0).castTo(DataType.FLOAT).meanNumber().doubleValue())
                    .as("some units pass, some do not")
                    .isBetween(0.3, 0.9);
        }
    }

    @Test
    void leavesOtherArraysToLibnd4j() {
        INDArray doubles = Nd4j.ones(DataType.DOUBLE, 4);
        assertThat(ReluGradient.applies(
                        new ThresholdReluBp(doubles, doubles, null, 0), new INDArray[] {doubles, doubles}))
                .isFalse();
        INDArray transposed = Nd4j.ones(DataType.FLOAT, 2, 3).transpose();
        INDArray plain = Nd4j.ones(DataType.FLOAT, 3, 2);
        assertThat(ReluGradient.applies(
                        new ThresholdReluBp(transposed, plain, null, 0), new INDArray[] {transposed, plain}))
                .isFalse();
    }
}
