package io.hyperprune.engine.kernels;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class SparseInputTest {

    private static INDArray random(long seed, long rows, long columns) {
        Nd4j.getRandom().setSeed(seed);
        return Nd4j.rand(DataType.FLOAT, rows, columns).subi(0.5);
    }

    /** MNIST-like: -1 except a share of entries in (-1, 1]; some rows entirely background. */
    private static float[] batch(long seed, int rows, int columns, double share) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] values = new float[rows * columns];
        for (int r = 0; r < rows; r++) {
            boolean empty = r % 7 == 3;
            for (int c = 0; c < columns; c++) {
                values[r * columns + c] =
                        !empty && random.nextDouble() < share ? (float) (random.nextInt(255) + 1) / 127.5f - 1 : -1f;
            }
        }
        return values;
    }

    private static double largestRelativeError(INDArray actual, INDArray expected) {
        return actual.sub(expected).amaxNumber().doubleValue()
                / expected.amaxNumber().doubleValue();
    }

    @Test
    void bothProductsOfAMostlyBackgroundBatchEqualBlas() {
        INDArray x = Nd4j.create(batch(1, 256, 300, 0.2), new long[] {256, 300}, 'c');
        INDArray w = random(2, 300, 140);
        INDArray d = random(3, 256, 140);
        INDArray out = Nd4j.createUninitialized(DataType.FLOAT, 256, 140);
        INDArray gradient = Nd4j.createUninitialized(DataType.FLOAT, 300, 140);
        SparseInput sparse = SparseInput.of(x);
        Runnable product = sparse.product(
                w,
                out,
                () -> {
                    throw new AssertionError("dense");
                },
                null);
        Runnable transposed = sparse.transposedProduct(
                d,
                gradient,
                () -> {
                    throw new AssertionError("dense");
                },
                null);
        for (int step = 0; step < 3; step++) {
            x.assign(Nd4j.create(batch(10 + step, 256, 300, 0.2), new long[] {256, 300}, 'c'));
            out.assign(Float.NaN);
            gradient.assign(Float.NaN);
            product.run();
            transposed.run();
            assertThat(sparse.sparse()).isTrue();
            assertThat(largestRelativeError(out, x.mmul(w))).as("step %d", step).isLessThan(1e-5);
            assertThat(largestRelativeError(gradient, x.transpose().mmul(d)))
                    .as("step %d", step)
                    .isLessThan(1e-5);
        }
    }

    @Test
    void aDenseBatchUsesTheDenseProducts() {
        INDArray x = random(4, 64, 200);
        INDArray w = random(5, 200, 130);
        INDArray d = random(6, 64, 130);
        INDArray out = Nd4j.createUninitialized(DataType.FLOAT, 64, 130);
        INDArray gradient = Nd4j.createUninitialized(DataType.FLOAT, 200, 130);
        SparseInput sparse = SparseInput.of(x);
        int[] dense = new int[2];
        sparse.product(w, out, () -> dense[0]++, null).run();
        sparse.transposedProduct(d, gradient, () -> dense[1]++, null).run();
        assertThat(sparse.sparse()).isFalse();
        assertThat(dense).containsExactly(1, 1);
    }

    @Test
    void theBackgroundNeedNotBeTheSmallestValueOfLaterRows() {
        // Later rows go below the first rows' smallest value: those entries are non-zeros like any other.
        float[] values = batch(7, 100, 150, 0.1);
        for (int i = 60 * 150; i < 100 * 150; i += 11) {
            values[i] = -3.5f;
        }
        INDArray x = Nd4j.create(values, new long[] {100, 150}, 'c');
        INDArray w = random(8, 150, 128);
        INDArray out = Nd4j.createUninitialized(DataType.FLOAT, 100, 128);
        SparseInput sparse = SparseInput.of(x);
        sparse.product(
                        w,
                        out,
                        () -> {
                            throw new AssertionError("dense");
                        },
                        null)
                .run();
        assertThat(largestRelativeError(out, x.mmul(w))).isLessThan(1e-5);
    }

    @Test
    void aNaNInTheInputReachesTheOutputRowItIsIn() {
        float[] values = batch(9, 32, 140, 0.1);
        values[5 * 140 + 17] = Float.NaN;
        INDArray x = Nd4j.create(values, new long[] {32, 140}, 'c');
        INDArray out = Nd4j.createUninitialized(DataType.FLOAT, 32, 128);
        SparseInput.of(x)
                .product(
                        random(10, 140, 128),
                        out,
                        () -> {
                            throw new AssertionError("dense");
                        },
                        null)
                .run();
        assertThat(Float.isNaN(out.getFloat(5, 0))).isTrue();
        assertThat(Float.isNaN(out.getFloat(4, 0))).isFalse();
    }

    @Test
    void bothProductsSharedWithTheHelperEqualTheOnesOnOneThreadBitForBit() {
        INDArray x = Nd4j.create(batch(11, 256, 784, 0.19), new long[] {256, 784}, 'c');
        INDArray w = random(12, 784, 250);
        INDArray d = random(13, 256, 250);
        INDArray outAlone = Nd4j.createUninitialized(DataType.FLOAT, 256, 250);
        INDArray outShared = Nd4j.createUninitialized(DataType.FLOAT, 256, 250);
        INDArray alone = Nd4j.createUninitialized(DataType.FLOAT, 784, 250);
        INDArray shared = Nd4j.createUninitialized(DataType.FLOAT, 784, 250);
        SparseInput sparse = SparseInput.of(x);
        ProductHelper helper = new ProductHelper(1);
        sparse.product(
                        w,
                        outAlone,
                        () -> {
                            throw new AssertionError("dense");
                        },
                        null)
                .run();
        sparse.transposedProduct(
                        d,
                        alone,
                        () -> {
                            throw new AssertionError("dense");
                        },
                        null)
                .run();
        sparse.product(
                        w,
                        outShared,
                        () -> {
                            throw new AssertionError("dense");
                        },
                        helper)
                .run();
        sparse.transposedProduct(
                        d,
                        shared,
                        () -> {
                            throw new AssertionError("dense");
                        },
                        helper)
                .run();
        assertThat(outShared).isEqualTo(outAlone);
        assertThat(shared).isEqualTo(alone);
        assertThat(largestRelativeError(outAlone, x.mmul(w))).isLessThan(1e-5);
        assertThat(largestRelativeError(alone, x.transpose().mmul(d))).isLessThan(1e-5);
    }

    @Test
    void onlyContiguousFloatMatricesHaveASparseForm() {
        assertThat(SparseInput.of(Nd4j.zeros(DataType.DOUBLE, 4, 4))).isNull();
        assertThat(SparseInput.of(Nd4j.zeros(DataType.FLOAT, 4, 4, 4))).isNull();
        assertThat(SparseInput.of(Nd4j.zeros(DataType.FLOAT, 8, 4).transpose())).isNull();
    }
}
