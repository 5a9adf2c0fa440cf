package io.hyperprune.engine.kernels;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class SplitProductTest {

    private static final ProductHelper HELPER = new ProductHelper(SplitProduct.MIN_MULTIPLY_ADDS);

    private static INDArray random(long seed, long rows, long columns) {
        Nd4j.getRandom().setSeed(seed);
        return Nd4j.rand(DataType.FLOAT, rows, columns).subi(0.5);
    }

    @Test
    void aWeightGradientInColumnBlocksEqualsTheWholeProduct() {
        INDArray x = random(1, 256, 784);
        INDArray dz = random(2, 256, 250);
        INDArray out = Nd4j.createUninitialized(DataType.FLOAT, 784, 250);
        SplitProduct split = SplitProduct.of(x, true, dz, out, HELPER);
        assertThat(split).isNotNull();
        INDArray expected = x.transpose().mmul(dz);
        for (int step = 0; step < 3; step++) {
            out.assign(Float.NaN);
            split.run();
            assertThat(out.sub(expected).amaxNumber().doubleValue()).isLessThan(1e-4);
        }
    }

    @Test
    void aPlainProductWithAnUnevenLastBlockEqualsTheWholeProduct() {
        INDArray x = random(3, 300, 700);
        INDArray w = random(4, 700, 211);
        INDArray out = Nd4j.createUninitialized(DataType.FLOAT, 300, 211);
        SplitProduct split = SplitProduct.of(x, false, w, out, HELPER);
        assertThat(split).isNotNull();
        split.run();
        assertThat(out.sub(x.mmul(w)).amaxNumber().doubleValue()).isLessThan(1e-4);
    }

    @Test
    void smallProductsMismatchedShapesAndNoHelperAreNotSplit() {
        INDArray x = random(5, 256, 784);
        assertThat(SplitProduct.of(x, true, random(6, 256, 50), Nd4j.create(DataType.FLOAT, 784, 50), HELPER))
                .as("one plain MNIST model's weight gradient: 10 M multiply-adds")
                .isNull();
        assertThat(SplitProduct.of(x, true, random(7, 256, 250), Nd4j.create(DataType.FLOAT, 784, 250), null))
                .isNull();
        assertThat(SplitProduct.of(x, false, random(8, 256, 250), Nd4j.create(DataType.FLOAT, 256, 250), HELPER))
                .as("inner dimensions differ")
                .isNull();
        assertThat(SplitProduct.of(x, true, random(9, 256, 250), Nd4j.create(DataType.FLOAT, 250, 784), HELPER))
                .as("wrong output shape")
                .isNull();
        assertThat(SplitProduct.of(
                        x.castTo(DataType.DOUBLE),
                        true,
                        random(10, 256, 250),
                        Nd4j.create(DataType.FLOAT, 784, 250),
                        HELPER))
                .isNull();
    }
}
