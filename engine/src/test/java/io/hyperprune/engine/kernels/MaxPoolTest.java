package io.hyperprune.engine.kernels;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;

class MaxPoolTest {

    /** kH, kW, sH, sW, pH, pW, dH, dW, same mode, extra, NHWC: the conv net's pooling. */
    private static final int[] TWO_BY_TWO = {2, 2, 2, 2, 0, 0, 1, 1, 0, 0, 0};

    private static DynamicCustomOp op(String name, int[] iArgs, INDArray output, INDArray... inputs) {
        return DynamicCustomOp.builder(name)
                .addInputs(inputs)
                .addOutputs(output)
                .addIntegerArguments(iArgs)
                .build();
    }

    @Test
    void forwardAndGradientEqualLibnd4jsOverSeveralChunks() {
        Nd4j.getRandom().setSeed(11);
        // 2 x 70 planes of 32 x 32: more planes than one chunk holds; then a small odd-sized case.
        for (long[] shape : new long[][] {{2, 70, 32, 32}, {3, 5, 8, 6}}) {
            INDArray x = Nd4j.randn(DataType.FLOAT, shape);
            long[] pooledShape = MaxPool.pooledShape(x);
            INDArray expected = Nd4j.create(DataType.FLOAT, pooledShape);
            Nd4j.exec(op("maxpool2d", TWO_BY_TWO, expected, x));
            INDArray actual = Nd4j.create(DataType.FLOAT, pooledShape);
            DynamicCustomOp forward = op("maxpool2d", TWO_BY_TWO, actual, x);
            assertThat(MaxPool.applies(forward, new INDArray[] {x}, false)).isTrue();
            MaxPool.forward(x, actual).run();
            assertThat(actual).isEqualTo(expected);

            INDArray g = Nd4j.randn(DataType.FLOAT, pooledShape);
            INDArray expectedGradient = Nd4j.create(DataType.FLOAT, shape);
            Nd4j.exec(op("maxpool2d_bp", TWO_BY_TWO, expectedGradient, x, g));
            INDArray actualGradient = Nd4j.valueArrayOf(shape, 7f, DataType.FLOAT); // stale values get overwritten
            DynamicCustomOp backward = op("maxpool2d_bp", TWO_BY_TWO, actualGradient, x, g);
            assertThat(MaxPool.applies(backward, new INDArray[] {x, g}, true)).isTrue();
            MaxPool.gradient(x, g, actualGradient).run();
            assertThat(actualGradient).isEqualTo(expectedGradient);
            assertThat(actualGradient.neq(0).castTo(DataType.FLOAT).meanNumber().doubleValue())
                    .as("one element in four gets its window's gradient")
                    .isEqualTo(0.25);
        }
    }

    @Test
    void aTiedWindowGivesItsGradientToItsFirstMaximum() {
        INDArray x = Nd4j.createFromArray(new float[] {0, 3, 3, 3, 0, 0, 0, 0}).reshape(1, 1, 2, 4);
        // window 1: 0 3 / 0 0 -> second; window 2: 3 3 / 0 0 -> first of the tie
        INDArray g = Nd4j.createFromArray(new float[] {5, 9}).reshape(1, 1, 1, 2);
        INDArray actual = Nd4j.create(DataType.FLOAT, 1, 1, 2, 4);
        MaxPool.gradient(x, g, actual).run();
        assertThat(actual.reshape(8).toFloatVector()).containsExactly(0, 5, 9, 0, 0, 0, 0, 0);
        INDArray pooled = Nd4j.create(DataType.FLOAT, 1, 1, 1, 2);
        MaxPool.forward(x, pooled).run();
        assertThat(pooled.reshape(2).toFloatVector()).containsExactly(3, 3);
    }

    @Test
    void leavesOtherPoolingsToLibnd4j() {
        INDArray x = Nd4j.ones(DataType.FLOAT, 1, 2, 4, 4);
        INDArray out = Nd4j.create(DataType.FLOAT, 1, 2, 2, 2);
        int[] threeByThree = TWO_BY_TWO.clone();
        threeByThree[0] = 3;
        int[] nhwc = TWO_BY_TWO.clone();
        nhwc[10] = 1;
        int[] same = TWO_BY_TWO.clone();
        same[8] = 1;
        for (int[] args : new int[][] {threeByThree, nhwc, same}) {
            assertThat(MaxPool.applies(op("maxpool2d", args, out, x), new INDArray[] {x}, false))
                    .isFalse();
        }
        INDArray odd = Nd4j.ones(DataType.FLOAT, 1, 2, 5, 4);
        assertThat(MaxPool.applies(op("maxpool2d", TWO_BY_TWO, out, odd), new INDArray[] {odd}, false))
                .isFalse();
        assertThat(MaxPool.applies(op("avgpool2d", TWO_BY_TWO, out, x), new INDArray[] {x}, false))
                .isFalse();
    }
}
