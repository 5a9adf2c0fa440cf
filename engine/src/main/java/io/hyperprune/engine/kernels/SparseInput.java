package io.hyperprune.engine.kernels;

import java.nio.FloatBuffer;
import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The first layer's two matrix products for an input batch x [rows, columns] whose entries are mostly
 * one value: x = c + x', with c a background value (the smallest entry of the first rows read) and x'
 * sparse. Then x W = x' W + c 1 colsum(W) and x^T D = x'^T D + c 1 colsum(D)^T, and the products run
 * over the non-zeros of x' only, in Java loops the JIT vectorises: each non-zero adds a scaled row of
 * W (forward) or D (weight gradient), four non-zeros per pass over the output row.
 *
 * <p>Why: MNIST's normalised pixels are -1 (background) for ~81 % of the entries, so ~19 % of the
 * dense products' multiply-adds matter, and both products beat libnd4j's BLAS on MNIST batches, the
 * scan of x included (docs/performance.md, "Why each kernel exists"). Batches denser than
 * {@link #MAX_DENSITY} (e.g. most Fashion-MNIST batches are ~50 % non-zero) use the dense product given.
 * Results equal the dense product's up to float rounding (different summation order). Not thread-safe,
 * except that a product's row blocks may run on two threads.
 */
public final class SparseInput {

    /** Above this share of entries other than the background, the dense product is faster (measured ~0.35-0.4). */
    static final double MAX_DENSITY = 0.3;
    /**
     * Products with fewer output columns stay dense: over a row of 50 (one plain MNIST model) the JIT's
     * vector loop barely starts, and the sparse forward measured slower than BLAS.
     */
    public static final int MIN_WIDTH = 128;
    /** Rows of x copied into the heap per bulk read while scanning. */
    private static final int SCAN_ROWS = 32;
    /** Row blocks of either product's output, claimed by the training thread and the product helper. */
    private static final int BLOCKS = 4;

    private final INDArray x;
    private final FloatBuffer xBuffer;
    private final int rows;
    private final int columns;
    private final float[] scanned;
    /** Refreshes so far; the column-major copy of the non-zeros is rebuilt once per refresh, when needed. */
    private int batch;

    private boolean sparse;
    private float background;
    /** x' row by row: row r's non-zeros are entries rowStart[r] .. rowStart[r + 1] - 1. */
    private final int[] rowStart;

    private int[] columnOf = new int[0];
    private float[] rowValue = new float[0];
    /** The same non-zeros column by column (for x^T D), built for batch {@link #byColumnBatch}. */
    private final int[] columnStart;

    private final int[] columnFill;
    private int[] rowOf = new int[0];
    private float[] columnValue = new float[0];
    private int byColumnBatch = -1;

    private SparseInput(INDArray x) {
        this.x = x;
        this.xBuffer = NativeFloats.of(x);
        this.rows = (int) x.rows();
        this.columns = (int) x.columns();
        this.scanned = new float[Math.min(rows, SCAN_ROWS) * columns];
        this.rowStart = new int[rows + 1];
        this.columnStart = new int[columns + 1];
        this.columnFill = new int[columns];
    }

    /** The sparse view of an input placeholder's array, or null if it is not a contiguous float matrix. */
    public static SparseInput of(INDArray x) {
        if (x.rank() != 2 || !NativeFloats.readable(x) || x.length() > Integer.MAX_VALUE / 2) {
            return null;
        }
        return new SparseInput(x);
    }

    /**
     * Reads x's current values (a new batch): true if at most {@link #MAX_DENSITY} of them differ from
     * the background, so the products below use the sparse form until the next refresh.
     */
    public boolean refresh() {
        batch++;
        long limit = (long) (MAX_DENSITY * rows * columns);
        int offset = (int) x.offset();
        int count = 0;
        for (int from = 0; from < rows; from += SCAN_ROWS) {
            int n = Math.min(SCAN_ROWS, rows - from) * columns;
            xBuffer.get(offset + from * columns, scanned, 0, n);
            if (from == 0) {
                float smallest = Float.POSITIVE_INFINITY;
                for (int i = 0; i < n; i++) {
                    if (scanned[i] < smallest) { // a NaN is not: it stays a non-zero below
                        smallest = scanned[i];
                    }
                }
                background = smallest;
            }
            for (int r = 0, i = 0; i < n; r++) {
                rowStart[from + r] = count;
                if (count + columns > columnOf.length) {
                    grow(Math.max(2 * columnOf.length, count + columns));
                }
                for (int c = 0; c < columns; c++, i++) {
                    float value = scanned[i] - background;
                    if (value != 0) { // also a NaN: it must reach the products
                        columnOf[count] = c;
                        rowValue[count] = value;
                        count++;
                    }
                }
                if (count > limit) {
                    sparse = false;
                    return false;
                }
            }
        }
        rowStart[rows] = count;
        sparse = true;
        return true;
    }

    private void grow(int capacity) {
        columnOf = Arrays.copyOf(columnOf, capacity);
        rowValue = Arrays.copyOf(rowValue, capacity);
    }

    /** Whether the last refresh found the batch sparse. */
    boolean sparse() {
        return sparse;
    }

    /**
     * out [rows, N] = x right, right [columns, N]: sparse after a successful refresh (which this runs
     * first), else {@code dense}. With a helper, the output's rows are computed in blocks shared with it.
     */
    public Runnable product(INDArray right, INDArray out, Runnable dense, ProductHelper helper) {
        int width = (int) right.columns();
        FloatBuffer rightBuffer = NativeFloats.of(right);
        FloatBuffer outBuffer = NativeFloats.of(out);
        float[][] rightRows = new float[columns][width];
        float[] columnSums = new float[width];
        Runnable[] blocks = blocks(rows, helper, (from, to) -> {
            float[] sum = new float[width];
            // The non-zero arrays are read when the block runs: a refresh may have grown them.
            return () -> outputRows(
                    from, to, sum, columnSums, rightRows, columnOf, rowValue, rowStart, outBuffer, (int) out.offset());
        });
        return () -> {
            if (!refresh()) {
                dense.run();
                return;
            }
            readRows(rightBuffer, (int) right.offset(), rightRows, columnSums);
            run(blocks, helper);
        };
    }

    /**
     * Output rows [from, to): row i is background * sums + the sum over entries p in [start[i], start[i + 1])
     * of value[p] * rows[index[p]], written to {@code out} from {@code outOffset} (row-major, sum.length wide).
     */
    private void outputRows(
            int from,
            int to,
            float[] sum,
            float[] sums,
            float[][] rows,
            int[] index,
            float[] value,
            int[] start,
            FloatBuffer out,
            int outOffset) {
        int width = sum.length;
        for (int i = from; i < to; i++) {
            for (int j = 0; j < width; j++) {
                sum[j] = background * sums[j];
            }
            addScaledRows(sum, rows, index, value, start[i], start[i + 1]);
            out.put(outOffset + i * width, sum, 0, width);
        }
    }

    /** A block of output rows [from, to), with scratch of its own (blocks may run on two threads). */
    private interface RowBlock {
        Runnable rows(int from, int to);
    }

    /** One block of all {@code count} output rows, or {@link #BLOCKS} shared with a helper. */
    private static Runnable[] blocks(int count, ProductHelper helper, RowBlock block) {
        int blockCount = helper == null ? 1 : BLOCKS;
        Runnable[] blocks = new Runnable[blockCount];
        for (int b = 0; b < blockCount; b++) {
            blocks[b] = block.rows((int) ((long) count * b / blockCount), (int) ((long) count * (b + 1) / blockCount));
        }
        return blocks;
    }

    private static void run(Runnable[] blocks, ProductHelper helper) {
        if (helper == null) {
            blocks[0].run();
        } else {
            helper.runAll(blocks);
        }
    }

    /**
     * out [columns, N] = x^T right, right [rows, N], from the non-zeros of the last refresh (the forward
     * product's, earlier in the same step); {@code dense} when that found the batch dense. With a
     * helper, the output's rows are computed in blocks shared with it.
     */
    public Runnable transposedProduct(INDArray right, INDArray out, Runnable dense, ProductHelper helper) {
        int width = (int) right.columns();
        FloatBuffer rightBuffer = NativeFloats.of(right);
        FloatBuffer outBuffer = NativeFloats.of(out);
        float[][] rightRows = new float[rows][width];
        float[] rowSums = new float[width];
        Runnable[] blocks = blocks(columns, helper, (from, to) -> {
            float[] sum = new float[width];
            return () -> outputRows(
                    from, to, sum, rowSums, rightRows, rowOf, columnValue, columnStart, outBuffer, (int) out.offset());
        });
        return () -> {
            if (!sparse) {
                dense.run();
                return;
            }
            readRows(rightBuffer, (int) right.offset(), rightRows, rowSums);
            byColumns();
            run(blocks, helper);
        };
    }

    /** Copies a C-order matrix from {@code offset} into {@code rows} (one array per row) and sums its rows into {@code sums}. */
    private static void readRows(FloatBuffer buffer, int offset, float[][] rows, float[] sums) {
        int width = sums.length;
        Arrays.fill(sums, 0);
        for (int r = 0; r < rows.length; r++) {
            float[] row = rows[r];
            buffer.get(offset + r * width, row, 0, width);
            for (int j = 0; j < width; j++) {
                sums[j] += row[j];
            }
        }
    }

    /** The non-zeros of this batch column by column (a counting sort of the row-major ones). */
    private void byColumns() {
        if (byColumnBatch == batch) {
            return;
        }
        int count = rowStart[rows];
        if (rowOf.length < count) {
            rowOf = new int[columnOf.length];
            columnValue = new float[columnOf.length];
        }
        Arrays.fill(columnStart, 0);
        for (int p = 0; p < count; p++) {
            columnStart[columnOf[p] + 1]++;
        }
        for (int c = 0; c < columns; c++) {
            columnStart[c + 1] += columnStart[c];
        }
        System.arraycopy(columnStart, 0, columnFill, 0, columns);
        for (int r = 0; r < rows; r++) {
            for (int p = rowStart[r]; p < rowStart[r + 1]; p++) {
                int q = columnFill[columnOf[p]]++;
                rowOf[q] = r;
                columnValue[q] = rowValue[p];
            }
        }
        byColumnBatch = batch;
    }

    /**
     * sum += the sum over entries p in [from, to) of value[p] * rows[index[p]], four entries per pass
     * (each pass loads and stores {@code sum} once; the loops use one index for every array, which the
     * JIT needs to vectorise them).
     */
    private static void addScaledRows(float[] sum, float[][] rows, int[] index, float[] value, int from, int to) {
        int n = sum.length;
        int p = from;
        for (; p + 3 < to; p += 4) {
            float v0 = value[p];
            float v1 = value[p + 1];
            float v2 = value[p + 2];
            float v3 = value[p + 3];
            float[] r0 = rows[index[p]];
            float[] r1 = rows[index[p + 1]];
            float[] r2 = rows[index[p + 2]];
            float[] r3 = rows[index[p + 3]];
            for (int j = 0; j < n; j++) {
                sum[j] += v0 * r0[j] + v1 * r1[j] + v2 * r2[j] + v3 * r3[j];
            }
        }
        for (; p < to; p++) {
            float v = value[p];
            float[] r = rows[index[p]];
            for (int j = 0; j < n; j++) {
                sum[j] += v * r[j];
            }
        }
    }
}
