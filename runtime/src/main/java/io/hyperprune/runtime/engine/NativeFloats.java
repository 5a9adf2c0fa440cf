package io.hyperprune.runtime.engine;

import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.Shape;

/**
 * Direct access to the floats of ND4J arrays, for the few computations done in Java because libnd4j
 * M2.1 runs them as slow scalar loops (or, for gathering rows, through a call that let the garbage
 * collector free a temporary view's native buffer while it ran): bulk copies of chunks in and out
 * (~0.1 ns per element) around a loop the JIT vectorises. The caller must keep the arrays reachable
 * while it uses a buffer: the buffer does not keep their memory alive.
 */
public final class NativeFloats {

    private NativeFloats() {}

    /** A float array whose elements are contiguous in C order, which {@link #of} can read and write. */
    public static boolean readable(INDArray array) {
        return array.dataType() == DataType.FLOAT && array.ordering() == 'c' && Shape.hasDefaultStridesForShape(array)
                && array.data().length() <= Integer.MAX_VALUE / Float.BYTES;
    }

    /** The array's whole buffer; its elements start at index {@code array.offset()}. */
    public static FloatBuffer of(INDArray array) {
        return array.data().asNio().order(ByteOrder.nativeOrder()).asFloatBuffer();
    }
}
