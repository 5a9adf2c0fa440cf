package io.hyperprune.engine.kernels;

import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Direct access to the floats of ND4J arrays, for the few computations done in Java because libnd4j
 * M2.1 runs them as slow scalar loops (or, for gathering rows, through a call that let the garbage
 * collector free a temporary view's native buffer while it ran): cheap bulk copies of chunks in and
 * out around a loop the JIT vectorises. The caller must keep the arrays reachable
 * while it uses a buffer: the buffer does not keep their memory alive.
 */
public final class NativeFloats {

    private NativeFloats() {}

    /** A float array whose elements are contiguous in C order, which {@link #of} can read and write. */
    public static boolean readable(INDArray array) {
        return array.dataType() == DataType.FLOAT
                && contiguous(array)
                && array.data().length() <= Integer.MAX_VALUE / Float.BYTES;
    }

    /**
     * Whether the array's elements lie one after another in C order from its offset. The strides of
     * axes of size 1 do not matter (ND4J gives a [1, n] view strides [1, 1], which its own
     * default-strides check rejects).
     */
    public static boolean contiguous(INDArray array) {
        if (array.isEmpty()) {
            return false;
        }
        long[] shape = array.shape();
        long[] stride = array.stride();
        long expected = 1;
        for (int axis = shape.length - 1; axis >= 0; axis--) {
            if (shape[axis] != 1 && stride[axis] != expected) {
                return false;
            }
            expected *= shape[axis];
        }
        return true;
    }

    /** The array's whole buffer; its elements start at index {@code array.offset()}. */
    public static FloatBuffer of(INDArray array) {
        return array.data().asNio().order(ByteOrder.nativeOrder()).asFloatBuffer();
    }
}
