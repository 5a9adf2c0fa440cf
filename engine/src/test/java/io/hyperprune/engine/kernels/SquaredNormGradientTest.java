package io.hyperprune.engine.kernels;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.reduce.bp.SquaredNormBp;
import org.nd4j.linalg.factory.Nd4j;

class SquaredNormGradientTest {

    @Test
    void equalsLibnd4jsGradientBitForBitOverSeveralChunks() {
        Nd4j.getRandom().setSeed(3);
        INDArray input = Nd4j.randn(DataType.FLOAT, 3, 784, 50);
        INDArray gradient = Nd4j.randn(DataType.FLOAT, 3);
        INDArray expected = Nd4j.create(DataType.FLOAT, 3, 784, 50);
        Nd4j.exec(new SquaredNormBp(input, gradient, expected, false, 1, 2));
        SquaredNormBp op = new SquaredNormBp(input, gradient, null, false, 1, 2);
        INDArray[] args = {input, gradient};
        assertThat(SquaredNormGradient.applies(op, args)).isTrue();
        INDArray actual = Nd4j.create(DataType.FLOAT, 3, 784, 50);
        SquaredNormGradient.of(args, actual).run();
        assertThat(actual.sub(expected).amaxNumber().doubleValue()).isZero();
        assertThat(actual.getFloat(2, 783, 49)).isEqualTo(2 * input.getFloat(2, 783, 49) * gradient.getFloat(2));
    }

    @Test
    void leavesOtherReductionsToLibnd4j() {
        INDArray input = Nd4j.ones(DataType.FLOAT, 4, 4);
        INDArray perColumn = Nd4j.ones(DataType.FLOAT, 4);
        assertThat(SquaredNormGradient.applies(
                        new SquaredNormBp(input, perColumn, null, false, 0), new INDArray[] {input, perColumn}))
                .as("over the model axis")
                .isFalse();
        INDArray scalar = Nd4j.scalar(1f);
        assertThat(SquaredNormGradient.applies(
                        new SquaredNormBp(input, scalar, null, false), new INDArray[] {input, scalar}))
                .as("over everything")
                .isFalse();
    }
}
