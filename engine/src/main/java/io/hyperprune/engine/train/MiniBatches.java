package io.hyperprune.engine.train;

import static java.util.Objects.requireNonNull;

import io.hyperprune.api.BatchAugmentation;
import io.hyperprune.api.DataSplit;
import io.hyperprune.engine.kernels.NativeFloats;
import java.lang.ref.Reference;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Mini-batches over a split held once in native memory: a seeded shuffle per (seed, epoch), rows
 * gathered natively per batch, the last partial batch kept, optional training-time augmentation.
 */
public final class MiniBatches {

    private final DataSplit split;
    private final int batchSize;
    private final Optional<BatchAugmentation> augmentation;
    /** One-hot labels of the whole split, built once, gathered per batch like the features. */
    private final INDArray oneHot;

    public MiniBatches(DataSplit split, int classes, int batchSize, Optional<BatchAugmentation> augmentation) {
        this.split = requireNonNull(split, "split is null");
        this.augmentation = requireNonNull(augmentation, "augmentation is null");
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
        }
        this.batchSize = batchSize;
        int n = split.size();
        float[] values = new float[n * classes];
        int[] labels = split.labels().toIntVector();
        for (int i = 0; i < n; i++) {
            values[i * classes + labels[i]] = 1f;
        }
        this.oneHot = Nd4j.create(values, new long[] {n, classes}, 'c');
    }

    /** ceil(n / batchSize): the last partial batch is kept. */
    public int batchCount() {
        return (split.size() + batchSize - 1) / batchSize;
    }

    /** One epoch in a shuffled order that depends only on (seed, epoch); augmented if configured. */
    public Iterator<Batch> epoch(long seed, int epoch) {
        SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + epoch);
        Iterator<int[]> rows = chunks(shuffled(random));
        SplittableRandom augmentRandom = random.split();
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return rows.hasNext();
            }

            @Override
            public Batch next() {
                int[] batch = rows.next();
                INDArray features = gather(split.features(), batch);
                if (augmentation.isPresent()) {
                    features = augmentation.get().apply(features, augmentRandom);
                }
                return new Batch(features, gather(oneHot, batch), batch.length);
            }
        };
    }

    /** The row indices of each mini-batch of one epoch, in the order {@link #epoch} uses. */
    public Iterator<int[]> epochRows(long seed, int epoch) {
        return chunks(shuffled(new SplittableRandom(seed * 0x9E3779B97F4A7C15L + epoch)));
    }

    private int[] shuffled(SplittableRandom random) {
        int n = split.size();
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int swap = order[i];
            order[i] = order[j];
            order[j] = swap;
        }
        return order;
    }

    private Iterator<int[]> chunks(int[] order) {
        return new Iterator<>() {
            private int position;

            @Override
            public boolean hasNext() {
                return position < order.length;
            }

            @Override
            public int[] next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                int to = Math.min(order.length, position + batchSize);
                int[] rows = Arrays.copyOfRange(order, position, to);
                position = to;
                return rows;
            }
        };
    }

    /** True if training batches are augmented (then they cannot be gathered into reused arrays). */
    public boolean augmented() {
        return augmentation.isPresent();
    }

    /**
     * Gathers these rows' features and one-hot labels into existing float arrays of [rows, ...sample]
     * and [rows, classes] (no allocation when the split is stored as float).
     */
    public void gatherInto(int[] rows, INDArray features, INDArray labels) {
        into(split.features(), rows, features);
        into(oneHot, rows, labels);
    }

    private static void into(INDArray source, int[] rows, INDArray destination) {
        long rowLength = source.length() / source.size(0);
        if (!NativeFloats.readable(source)
                || !NativeFloats.readable(destination)
                || destination.length() != rows.length * rowLength) {
            destination.assign(gather(source, rows));
            return;
        }
        // Row by row in Java, not Nd4j.pullRows: that call takes reshaped views, and the garbage collector
        // could free a view's native buffer while the native gather still read it (a worker crashed so).
        FloatBuffer from = NativeFloats.of(source);
        FloatBuffer to = NativeFloats.of(destination);
        int length = (int) rowLength;
        float[] row = new float[length];
        for (int i = 0; i < rows.length; i++) {
            from.get((int) (source.offset() + (long) rows[i] * length), row);
            to.put((int) (destination.offset() + (long) i * length), row);
        }
        Reference.reachabilityFence(source);
        Reference.reachabilityFence(destination);
    }

    /** The split in its stored order, without augmentation (evaluation). */
    public Iterator<Batch> inOrder() {
        int n = split.size();
        return new Iterator<>() {
            private int position;

            @Override
            public boolean hasNext() {
                return position < n;
            }

            @Override
            public Batch next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                int to = Math.min(n, position + batchSize);
                Batch batch = new Batch(
                        split.features()
                                .get(NDArrayIndex.interval(position, to))
                                .dup(),
                        oneHot.get(NDArrayIndex.interval(position, to)).dup(),
                        to - position);
                position = to;
                return batch;
            }
        };
    }

    /** Rows of a [n, ...] array, gathered natively into a new c-order array. */
    static INDArray gather(INDArray source, int[] rows) {
        long[] shape = source.shape();
        long rowLength = source.length() / shape[0];
        INDArray flat = source.reshape(shape[0], rowLength);
        INDArray picked = Nd4j.pullRows(flat, 1, rows);
        // The view must outlive the native call: its buffer is freed once the view is collected.
        Reference.reachabilityFence(flat);
        long[] batchShape = shape.clone();
        batchShape[0] = rows.length;
        return picked.reshape(batchShape).castTo(DataType.FLOAT);
    }
}
