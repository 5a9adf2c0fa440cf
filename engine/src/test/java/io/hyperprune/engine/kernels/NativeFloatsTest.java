package io.hyperprune.engine.kernels;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class NativeFloatsTest {

    @Test
    void contiguityIgnoresTheStridesOfSingletonAxesOnly() {
        INDArray matrix = Nd4j.create(DataType.FLOAT, 4, 10);
        // A [1, n] row with strides [1, 1], as some libnd4j ops return them.
        INDArray row = Nd4j.create(matrix.data(), new long[] {1, 10}, new long[] {1, 1}, 20, 'c');
        assertThat(NativeFloats.contiguous(row)).isTrue();
        assertThat(NativeFloats.readable(row)).isTrue();
        assertThat(NativeFloats.contiguous(matrix.slice(3))).isTrue();
        assertThat(NativeFloats.contiguous(matrix.transpose())).isFalse();
        assertThat(NativeFloats.contiguous(matrix.getColumn(1, true)))
                .as("a [4, 1] column")
                .isFalse();
        assertThat(NativeFloats.contiguous(Nd4j.create(DataType.FLOAT, 3, 1, 4).permute(1, 0, 2)))
                .as("[1, 3, 4]")
                .isTrue();
        assertThat(NativeFloats.readable(Nd4j.create(DataType.DOUBLE, 4))).isFalse();
    }
}
