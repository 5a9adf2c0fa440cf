package io.hyperprune.runtime.data;

import static java.util.Objects.requireNonNull;

import io.hyperprune.api.BatchAugmentation;
import io.hyperprune.api.DataSplit;
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
        int n = split.size();
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + epoch);
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int swap = order[i];
            order[i] = order[j];
            order[j] = swap;
        }
        SplittableRandom augmentRandom = random.split();
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
                int[] rows = Arrays.copyOfRange(order, position, to);
                position = to;
                INDArray features = gather(split.features(), rows);
                if (augmentation.isPresent()) {
                    features = augmentation.get().apply(features, augmentRandom);
                }
                return new Batch(features, gather(oneHot, rows), rows.length);
            }
        };
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
                Batch batch = new Batch(split.features().get(NDArrayIndex.interval(position, to)).dup(),
                        oneHot.get(NDArrayIndex.interval(position, to)).dup(), to - position);
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
        long[] batchShape = shape.clone();
        batchShape[0] = rows.length;
        return picked.reshape(batchShape).castTo(DataType.FLOAT);
    }
}
