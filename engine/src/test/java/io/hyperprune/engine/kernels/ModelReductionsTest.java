package io.hyperprune.engine.kernels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.reduce.floating.Norm2;
import org.nd4j.linalg.api.ops.impl.reduce.floating.SquaredNorm;
import org.nd4j.linalg.api.ops.impl.reduce.same.Sum;
import org.nd4j.linalg.factory.Nd4j;

class ModelReductionsTest {

    private static INDArray axes(long... axes) {
        return Nd4j.createFromArray(axes);
    }

    @Test
    void sumsAndSquaredNormsPerModelEqualLibnd4jsToFloatRounding() {
        Nd4j.getRandom().setSeed(7);
        for (long[] shape : new long[][] {{5, 784, 50}, {1, 784, 50}, {5, 50}, {3, 7}, {2, 4099}}) {
            INDArray x = Nd4j.randn(DataType.FLOAT, shape).muli(0.3).addi(0.05);
            long[] all = new long[shape.length - 1];
            int[] dimensions = new int[shape.length - 1];
            for (int i = 0; i < all.length; i++) {
                all[i] = i + 1;
                dimensions[i] = i + 1;
            }
            for (boolean squares : new boolean[] {true, false}) {
                INDArray expected = squares ? x.mul(x).sum(dimensions) : x.sum(dimensions);
                INDArray out = Nd4j.create(DataType.FLOAT, shape[0]);
                ModelReductions reduction =
                        ModelReductions.of(squares ? new SquaredNorm() : new Sum(), new INDArray[] {x, axes(all)}, out);
                assertThat(reduction).isNotNull();
                reduction.run();
                for (int k = 0; k < shape[0]; k++) {
                    double reference = 0;
                    for (int i = 0; i < x.length() / shape[0]; i++) {
                        double v = x.reshape(shape[0], -1).getDouble(k, i);
                        reference += squares ? v * v : v;
                    }
                    assertThat((double) out.getFloat(k))
                            .as("%s %s model %d", squares ? "sqnorm" : "sum", java.util.Arrays.toString(shape), k)
                            .isCloseTo(reference, within(1e-6 * Math.max(1, Math.abs(reference))))
                            // libnd4j accumulates 39200 floats in float: its own error reaches ~1e-5 relative
                            .isCloseTo(expected.getDouble(k), within(1e-4 * Math.max(1, Math.abs(reference))));
                }
            }
        }
    }

    @Test
    void negativeAxesAndViewsAtAnOffsetWork() {
        INDArray all = Nd4j.randn(DataType.FLOAT, 4, 6, 5);
        INDArray view = all.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(1, 3));
        INDArray out = Nd4j.create(DataType.FLOAT, 2);
        ModelReductions.of(new Sum(), new INDArray[] {view, axes(-2, -1)}, out).run();
        assertThat(out.getFloat(0))
                .isCloseTo(
                        all.get(org.nd4j.linalg.indexing.NDArrayIndex.point(1))
                                .sumNumber()
                                .floatValue(),
                        within(1e-5f));
        assertThat(out.getFloat(1))
                .isCloseTo(
                        all.get(org.nd4j.linalg.indexing.NDArrayIndex.point(2))
                                .sumNumber()
                                .floatValue(),
                        within(1e-5f));
    }

    @Test
    void theAxesMayBeTheOpsOwnDimensions() {
        INDArray x = Nd4j.randn(DataType.FLOAT, 3, 4, 5);
        INDArray out = Nd4j.create(DataType.FLOAT, 3);
        ModelReductions.of(new SquaredNorm(x, false, 1, 2), new INDArray[] {x}, out)
                .run();
        assertThat(out.equalsWithEps(x.mul(x).sum(1, 2), 1e-5)).isTrue();
        assertThat(ModelReductions.of(new Sum(x, 1), new INDArray[] {x}, out))
                .as("one axis of two")
                .isNull();
    }

    @Test
    void otherReductionsAndAxesAreLeftToLibnd4j() {
        INDArray x = Nd4j.ones(DataType.FLOAT, 3, 4, 5);
        INDArray out = Nd4j.create(DataType.FLOAT, 3);
        assertThat(ModelReductions.of(new Norm2(), new INDArray[] {x, axes(1, 2)}, out))
                .as("another reduction")
                .isNull();
        assertThat(ModelReductions.of(new Sum(), new INDArray[] {x, axes(2)}, out))
                .as("not every element axis")
                .isNull();
        assertThat(ModelReductions.of(new Sum(), new INDArray[] {x, axes(0, 1)}, Nd4j.create(DataType.FLOAT, 5)))
                .as("the model axis")
                .isNull();
        assertThat(ModelReductions.of(new Sum(), new INDArray[] {x.castTo(DataType.DOUBLE), axes(1, 2)}, out))
                .as("double")
                .isNull();
    }
}
