package io.hyperprune.engine.kernels;

import java.nio.FloatBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A matrix product whose left side is small — at most {@value #MAX} rows and {@value #MAX} columns —
 * and whose right side is wide: out [R, N] = L [R, I] x B [I, N], in Java. Used for the weight
 * gradients of the hypernetworks' products: the K lambda samples' coefficients [K, pivots] times the
 * learned [pivots, size] matrix of a tensor has the gradient coefficients^T x dG, [pivots, K] x [K, size].
 *
 * <p>Why: with an inner dimension of K = 5, BLAS has nothing to block, and libnd4j M2.1 with the
 * transposed left side is slow for it. Here each output row is a sum of I scaled rows of B, a loop the
 * JIT vectorises, over chunks of B's columns copied in bulk, which takes these gradients markedly less
 * time. The forward products themselves stay with BLAS, which writes its five output rows directly
 * (this class was slower there). Measurements: docs/performance.md, "Why each kernel exists".
 * The sum runs over the inner index in order. Not thread-safe.
 */
public final class FewRowsProduct implements Runnable {

    static final int MAX = 16;
    private static final int CHUNK = 2048;

    private final INDArray left;
    private final boolean transposeLeft;
    private final INDArray right;
    private final INDArray output;
    private final int rows;
    private final int inner;
    private final long columns;
    private final FloatBuffer leftBuffer;
    private final FloatBuffer rightBuffer;
    private final FloatBuffer outBuffer;
    private final float[] leftValues;
    private final float[] coefficients;
    private final float[][] chunks;
    private final float[] sum;

    private FewRowsProduct(INDArray left, boolean transposeLeft, INDArray right, INDArray output) {
        this.left = left;
        this.transposeLeft = transposeLeft;
        this.right = right;
        this.output = output;
        this.rows = (int) (transposeLeft ? left.columns() : left.rows());
        this.inner = (int) (transposeLeft ? left.rows() : left.columns());
        this.columns = right.columns();
        this.leftBuffer = NativeFloats.of(left);
        this.rightBuffer = NativeFloats.of(right);
        this.outBuffer = NativeFloats.of(output);
        this.leftValues = new float[rows * inner];
        this.coefficients = new float[rows * inner];
        int chunk = (int) Math.min(CHUNK, columns);
        this.chunks = new float[inner][chunk];
        this.sum = new float[chunk];
    }

    /**
     * The product {@code op(left) x right} into {@code output}, where op transposes if asked, or null
     * if the arrays are not contiguous float matrices of the shapes this class computes.
     */
    public static FewRowsProduct of(INDArray left, boolean transposeLeft, INDArray right, INDArray output) {
        if (left.rank() != 2
                || right.rank() != 2
                || output.rank() != 2
                || left.dataType() != DataType.FLOAT
                || right.dataType() != DataType.FLOAT
                || output.dataType() != DataType.FLOAT
                || !NativeFloats.readable(left)
                || !NativeFloats.readable(right)
                || !NativeFloats.readable(output)) {
            return null;
        }
        long rows = transposeLeft ? left.columns() : left.rows();
        long inner = transposeLeft ? left.rows() : left.columns();
        if (rows > MAX
                || inner > MAX
                || right.rows() != inner
                || output.rows() != rows
                || output.columns() != right.columns()
                || right.length() > Integer.MAX_VALUE) {
            return null;
        }
        return new FewRowsProduct(left, transposeLeft, right, output);
    }

    @Override
    public void run() {
        // The left side changes every step (the coefficients come from the lambda samples).
        leftBuffer.get((int) left.offset(), leftValues, 0, leftValues.length);
        for (int r = 0; r < rows; r++) {
            for (int i = 0; i < inner; i++) {
                coefficients[r * inner + i] = transposeLeft ? leftValues[i * rows + r] : leftValues[r * inner + i];
            }
        }
        int rightOffset = (int) right.offset();
        int outOffset = (int) output.offset();
        for (long start = 0; start < columns; start += sum.length) {
            int n = (int) Math.min(sum.length, columns - start);
            for (int i = 0; i < inner; i++) {
                rightBuffer.get((int) (rightOffset + i * columns + start), chunks[i], 0, n);
            }
            for (int r = 0; r < rows; r++) {
                float c = coefficients[r * inner];
                float[] first = chunks[0];
                for (int j = 0; j < n; j++) {
                    sum[j] = c * first[j];
                }
                for (int i = 1; i < inner; i++) {
                    float ci = coefficients[r * inner + i];
                    float[] row = chunks[i];
                    for (int j = 0; j < n; j++) {
                        sum[j] += ci * row[j];
                    }
                }
                outBuffer.put((int) (outOffset + r * columns + start), sum, 0, n);
            }
        }
    }
}
