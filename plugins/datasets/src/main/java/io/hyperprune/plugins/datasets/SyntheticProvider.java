package io.hyperprune.plugins.datasets;

import io.hyperprune.api.ComponentOptions;
import io.hyperprune.api.DataLocation;
import io.hyperprune.api.DataRequest;
import io.hyperprune.api.DataSplit;
import io.hyperprune.api.Dataset;
import io.hyperprune.api.DatasetProvider;
import io.hyperprune.api.InputException;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A seeded classification problem for tests and smoke runs: Gaussian clusters in 784 dimensions
 * (MNIST's input size). Each class has a centre whose every coordinate is N(0, separation^2); a sample
 * is its centre plus N(0, 1) noise per coordinate. One pixel alone barely separates the classes
 * (separation 0.15 of the noise), all 784 together separate them well, so a 784-50-10 MLP learns it
 * to high accuracy within an epoch or two.
 */
public final class SyntheticProvider implements DatasetProvider {

    @Override
    public String id() {
        return "synthetic";
    }

    @Override
    public String description() {
        return "seeded Gaussian clusters in 784 dimensions, 10 classes (for tests and smoke runs; no files)";
    }

    @Override
    public Map<String, String> options() {
        return Map.of(
                "train-size",
                "training samples (default 6000)",
                "test-size",
                "test samples (default 1000)",
                "classes",
                "number of classes (default 10)",
                "features",
                "input size (default 784)",
                "separation",
                "std of the class centres relative to the noise (default 0.15)",
                "seed",
                "generator seed (default 0)");
    }

    @Override
    public DataLocation locate(DataRequest request) {
        return DataLocation.found(request.cacheDirectory(), "generated in memory, nothing to find");
    }

    @Override
    public Dataset load(DataRequest request) {
        ComponentOptions options = request.options();
        int train = bounded(options, "train-size", 6000, MAX_SAMPLES, "the samples are generated in memory");
        int test = bounded(options, "test-size", 1000, MAX_SAMPLES, "the samples are generated in memory");
        int classes = bounded(
                options, "classes", 10, MAX_CLASSES, "each class is a centre of 'features' floats and a model output");
        int features = bounded(
                options,
                "features",
                784,
                MAX_FEATURES,
                "the model's first layer has one row of weights per feature; CIFAR-10's 3x32x32 images are 3072");
        for (String split : java.util.List.of("train-size", "test-size")) {
            long floats = (long) (split.equals("train-size") ? train : test) * features;
            if (floats > MAX_FLOATS) {
                throw new InputException("option synthetic." + split + "=" + (split.equals("train-size") ? train : test)
                        + " with synthetic.features="
                        + features + " is too large: " + floats + " generated values, at most " + MAX_FLOATS + " ("
                        + MAX_FLOATS * 4 / (1 << 20)
                        + " MiB of floats, MNIST's training set is 47M values); generate fewer samples or features");
            }
        }
        double separation = options.getDouble("separation", 0.15);
        long seed = options.getLong("seed", 0);
        if (classes < 2) {
            throw new InputException("option synthetic.classes must be at least 2, got " + classes);
        }
        SplittableRandom random = new SplittableRandom(seed);
        float[][] centres = new float[classes][features];
        for (float[] centre : centres) {
            for (int i = 0; i < features; i++) {
                centre[i] = (float) (separation * gaussian(random));
            }
        }
        String source = "generated: " + train + "/" + test + " samples, " + classes + " classes, " + features
                + " features, separation " + separation + ", seed " + seed;
        return new Dataset(
                id(),
                split(centres, train, random.split()),
                split(centres, test, random.split()),
                classes,
                new long[] {features},
                Map.of(),
                source,
                Optional.empty());
    }

    private static DataSplit split(float[][] centres, int n, SplittableRandom random) {
        int features = centres[0].length;
        float[] x = new float[n * features];
        int[] labels = new int[n];
        for (int s = 0; s < n; s++) {
            int label = random.nextInt(centres.length);
            labels[s] = label;
            for (int i = 0; i < features; i++) {
                x[s * features + i] = centres[label][i] + (float) gaussian(random);
            }
        }
        return new DataSplit(Nd4j.create(x, new long[] {n, features}, 'c'), Nd4j.createFromArray(labels));
    }

    /** Bounds: the data are generated on the heap, and features and classes set the model's layer sizes. */
    static final int MAX_SAMPLES = 1_000_000;

    static final int MAX_CLASSES = 1000;
    static final int MAX_FEATURES = 65_536;
    static final long MAX_FLOATS = 64L << 20;

    private static int bounded(ComponentOptions options, String name, int defaultValue, int max, String why) {
        int value = options.getInt(name, defaultValue);
        if (value < 1) {
            throw new InputException("option synthetic." + name + " must be positive, got " + value);
        }
        if (value > max) {
            throw new InputException(
                    "option synthetic." + name + "=" + value + " is too large: at most " + max + " (" + why + ")");
        }
        return value;
    }

    static double gaussian(SplittableRandom random) {
        double u1 = 1.0 - random.nextDouble();
        double u2 = random.nextDouble();
        return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }
}
