package io.hyperprune.runtime.data;

import io.hyperprune.api.DataSplit;
import io.hyperprune.api.Dataset;
import io.hyperprune.api.InputException;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The validation split: samples carved from a data set's training split before training, so that
 * model selection ({@code hyperprune select}) never chooses on the test set and training never sees
 * them. The samples are drawn with a fixed seed, independent of the run's seed, so every run of an
 * experiment (all models, lambdas and restarts) holds out the same samples; both parts keep the
 * provider's order.
 *
 * @param training the data set whose training split lacks the validation samples (the test split and
 *     everything else unchanged)
 * @param validation the held-out samples; empty (size 0) when none are held out
 */
public record ValidationSplit(Dataset training, DataSplit validation) {

    /** Held out by default: a tenth of the training split, at most this many (MNIST: 5,000 of 60,000). */
    public static final int DEFAULT_MAX = 5_000;

    /** The value of {@code --validation} that asks for the default size. */
    public static final int AUTO = -1;

    private static final long SEED = 0x5EED_7A11L;

    /** The number of samples a request holds out of a training split of this size. */
    public static int size(int requested, int trainingSize) {
        if (requested == AUTO) {
            return Math.min(DEFAULT_MAX, trainingSize / 10);
        }
        if (requested < 0) {
            throw new InputException("--validation must be 0 (none), a number of samples, or omitted (default: a"
                    + " tenth of the training set, at most " + DEFAULT_MAX + "), got " + requested);
        }
        if (requested > trainingSize - 1) {
            throw new InputException("--validation " + requested + " leaves no training samples: the training split"
                    + " has " + trainingSize + "; hold out fewer, e.g. --validation " + trainingSize / 10);
        }
        return requested;
    }

    /** Holds {@code count} samples (resolved by {@link #size}) out of the training split. */
    public static ValidationSplit carve(Dataset data, int count) {
        DataSplit train = data.train();
        int n = train.size();
        if (count == 0) {
            return new ValidationSplit(data, new DataSplit(rows(train.features(), new long[0]), empty(train)));
        }
        boolean[] held = heldOut(n, count);
        long[] validationRows = new long[count];
        long[] trainingRows = new long[n - count];
        int v = 0;
        int t = 0;
        for (int i = 0; i < n; i++) {
            if (held[i]) {
                validationRows[v++] = i;
            } else {
                trainingRows[t++] = i;
            }
        }
        DataSplit training = split(train, trainingRows);
        DataSplit validation = split(train, validationRows);
        Dataset reduced = new Dataset(
                data.id(),
                training,
                data.test(),
                data.classes(),
                data.sampleShape(),
                data.checksums(),
                data.source(),
                data.trainAugmentation());
        return new ValidationSplit(reduced, validation);
    }

    /** Which of n samples are held out: the first {@code count} of a seeded shuffle. */
    static boolean[] heldOut(int n, int count) {
        int[] order = new int[n];
        Arrays.setAll(order, i -> i);
        SplittableRandom random = new SplittableRandom(SEED);
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int swap = order[i];
            order[i] = order[j];
            order[j] = swap;
        }
        boolean[] held = new boolean[n];
        for (int i = 0; i < count; i++) {
            held[order[i]] = true;
        }
        return held;
    }

    private static DataSplit split(DataSplit source, long[] rows) {
        return new DataSplit(rows(source.features(), rows), rows(source.labels(), rows));
    }

    private static INDArray rows(INDArray source, long[] rows) {
        long[] shape = source.shape().clone();
        shape[0] = rows.length;
        if (rows.length == 0) {
            return Nd4j.create(source.dataType(), shape);
        }
        // pullRows gathers into one new contiguous array, as a provider would have loaded it.
        INDArray flat = source.reshape('c', source.size(0), source.length() / source.size(0));
        INDArray gathered = Nd4j.pullRows(flat, 1, toInt(rows));
        return gathered.reshape('c', shape);
    }

    private static INDArray empty(DataSplit source) {
        return rows(source.labels(), new long[0]);
    }

    private static int[] toInt(long[] rows) {
        int[] result = new int[rows.length];
        for (int i = 0; i < rows.length; i++) {
            result[i] = (int) rows[i];
        }
        return result;
    }

    /** True when samples are held out. */
    public boolean present() {
        return validation.size() > 0;
    }
}
