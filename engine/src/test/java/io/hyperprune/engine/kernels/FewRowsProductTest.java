package io.hyperprune.engine.kernels;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class FewRowsProductTest {

    @Test
    void equalsBlasForTheHypernetworksShapesAndTheirWeightGradients() {
        // [K, pivots] x [pivots, size]: linear (2 pivots) and piecewise (6) for 5 samples; a bias; 2049
        // columns, so the last chunk is partial.
        Nd4j.getRandom().setSeed(11);
        for (long[] shape : new long[][] {{5, 2, 39200}, {5, 6, 39200}, {5, 2, 50}, {1, 2, 10}, {16, 16, 2049}}) {
            INDArray left = Nd4j.rand(DataType.FLOAT, shape[0], shape[1]);
            INDArray right = Nd4j.randn(DataType.FLOAT, shape[1], shape[2]);
            INDArray out = Nd4j.create(DataType.FLOAT, shape[0], shape[2]);
            FewRowsProduct.of(left, false, right, out).run();
            assertThat(out.equalsWithEps(left.mmul(right), 1e-5))
                    .as("forward %s", java.util.Arrays.toString(shape))
                    .isTrue();
            // The weight gradient: left^T [pivots, K] x gradient [K, size].
            INDArray gradient = Nd4j.randn(DataType.FLOAT, shape[0], shape[2]);
            INDArray weightGradient = Nd4j.create(DataType.FLOAT, shape[1], shape[2]);
            FewRowsProduct.of(left, true, gradient, weightGradient).run();
            assertThat(weightGradient.equalsWithEps(left.transpose().mmul(gradient), 1e-5))
                    .as("gradient %s", java.util.Arrays.toString(shape))
                    .isTrue();
        }
    }

    @Test
    void aRowOfOneAndZerosGivesTheRowOfTheRightSideBitForBit() {
        INDArray endpoints = Nd4j.randn(DataType.FLOAT, 2, 3000);
        INDArray coefficients = Nd4j.createFromArray(new float[][] {{1, 0}, {0, 1}, {0.5f, 0.5f}});
        INDArray out = Nd4j.create(DataType.FLOAT, 3, 3000);
        FewRowsProduct.of(coefficients, false, endpoints, out).run();
        assertThat(out.getRow(0)).isEqualTo(endpoints.getRow(0));
        assertThat(out.getRow(1)).isEqualTo(endpoints.getRow(1));
        // The left side is read at every run: a new value gives a new product.
        coefficients.assign(Nd4j.createFromArray(new float[][] {{0, 1}, {1, 0}, {0, 0}}));
        FewRowsProduct.of(coefficients, false, endpoints, out).run();
        assertThat(out.getRow(0)).isEqualTo(endpoints.getRow(1));
        assertThat(out.getRow(2).sumNumber().floatValue()).isZero();
    }

    @Test
    void largeLeftSidesAndOtherTypesAreLeftToBlas() {
        INDArray wide = Nd4j.rand(DataType.FLOAT, 256, 784);
        assertThat(FewRowsProduct.of(
                        wide, false, Nd4j.rand(DataType.FLOAT, 784, 50), Nd4j.create(DataType.FLOAT, 256, 50)))
                .isNull();
        assertThat(FewRowsProduct.of(
                        wide, true, Nd4j.rand(DataType.FLOAT, 256, 50), Nd4j.create(DataType.FLOAT, 784, 50)))
                .isNull();
        INDArray small = Nd4j.rand(DataType.DOUBLE, 5, 2);
        assertThat(FewRowsProduct.of(
                        small, false, Nd4j.rand(DataType.DOUBLE, 2, 10), Nd4j.create(DataType.DOUBLE, 5, 10)))
                .isNull();
        assertThat(FewRowsProduct.of(
                        Nd4j.rand(DataType.FLOAT, 5, 2),
                        false,
                        Nd4j.rand(DataType.FLOAT, 3, 10),
                        Nd4j.create(DataType.FLOAT, 5, 10)))
                .as("inner sizes differ")
                .isNull();
    }
}
