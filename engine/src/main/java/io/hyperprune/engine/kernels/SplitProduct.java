package io.hyperprune.engine.kernels;

import org.nd4j.linalg.api.blas.params.MMulTranspose;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.OpContext;
import org.nd4j.linalg.api.ops.impl.reduce.Mmul;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * A large matrix product out [M, N] = op(left) x right computed as column blocks — each block one
 * single-threaded BLAS product of left and a view of right's columns into a view of out's — shared by
 * the training thread and the {@link ProductHelper}. Each output element is the same dot product over
 * the inner axis as in the whole product (BLAS may round it differently at a block's edge). Used for a
 * hypernetwork's first-layer weight gradient, x^T [784, B] x dZ [B, K * 50], which the second core
 * shortens (docs/performance.md, "Why each kernel exists"). Not thread-safe.
 */
public final class SplitProduct implements Runnable {

    /**
     * Below this many multiply-adds a product is not split (in training; see {@link ProductHelper#minMultiplyAdds}): one plain MNIST model's (784 x 256 x 50, 10 M)
     * measured slower split, a hypernetwork's 5 samples (50 M) and 6 side-by-side models (60 M) faster.
     */
    public static final long MIN_MULTIPLY_ADDS = 20_000_000L;
    /** Claimed, not assigned (see {@link ProductHelper}): more blocks than threads, so a late helper costs little. */
    private static final int BLOCKS = 4;
    /** Block widths are multiples of this many columns, so each view starts SIMD-aligned. */
    private static final int ALIGN = 8;

    private final ProductHelper helper;
    private final Runnable[] blocks;

    private SplitProduct(ProductHelper helper, Runnable[] blocks) {
        this.helper = helper;
        this.blocks = blocks;
    }

    /**
     * Whether {@code op(left) x right} is split with this helper: float matrices, right with unit column
     * stride, and large enough to gain from splitting.
     */
    public static boolean splits(INDArray left, boolean transposeLeft, INDArray right, ProductHelper helper) {
        if (helper == null
                || left.rank() != 2
                || right.rank() != 2
                || left.dataType() != DataType.FLOAT
                || right.dataType() != DataType.FLOAT
                || right.ordering() != 'c'
                || right.stride(1) != 1) {
            return false;
        }
        long rows = transposeLeft ? left.columns() : left.rows();
        long inner = transposeLeft ? left.rows() : left.columns();
        return right.rows() == inner
                && rows * inner * right.columns() >= helper.minMultiplyAdds()
                && right.columns() >= 2L * ALIGN;
    }

    /**
     * The product {@code op(left) x right} into {@code output} (a C-order float matrix of its shape) in
     * column blocks, or null if it is not {@linkplain #splits split}.
     */
    public static SplitProduct of(
            INDArray left, boolean transposeLeft, INDArray right, INDArray output, ProductHelper helper) {
        long rows = transposeLeft ? left.columns() : left.rows();
        long columns = right.columns();
        if (!splits(left, transposeLeft, right, helper)
                || output.rank() != 2
                || output.dataType() != DataType.FLOAT
                || output.ordering() != 'c'
                || output.stride(1) != 1
                || output.rows() != rows
                || output.columns() != columns) {
            return null;
        }
        long width = Math.max(ALIGN, (columns / BLOCKS + ALIGN - 1) / ALIGN * ALIGN);
        int count = (int) ((columns + width - 1) / width);
        Runnable[] blocks = new Runnable[count];
        for (int b = 0; b < count; b++) {
            long from = b * width;
            long to = Math.min(columns, from + width);
            blocks[b] = product(
                    left,
                    transposeLeft,
                    right.get(NDArrayIndex.all(), NDArrayIndex.interval(from, to)),
                    output.get(NDArrayIndex.all(), NDArrayIndex.interval(from, to)));
        }
        return new SplitProduct(helper, blocks);
    }

    /** op(left) x right into output as one BLAS product, its op context built once. */
    public static Runnable product(INDArray left, boolean transposeLeft, INDArray right, INDArray output) {
        Mmul product = new Mmul(
                left,
                right,
                output,
                1.0,
                0.0,
                MMulTranspose.builder().transposeA(transposeLeft).build());
        OpContext context = Nd4j.getExecutioner().buildContext();
        context.setArgs(
                new INDArray[] {left, right}, product.iArgs(), product.dArgs(), product.tArgs(), product.bArgs());
        context.setOutputArray(0, output);
        return () -> Nd4j.getExecutioner().exec(product, context);
    }

    @Override
    public void run() {
        helper.runAll(blocks);
    }
}
