package io.hyperprune.engine.train;

import io.hyperprune.api.DataSplit;
import io.hyperprune.api.Dataset;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import org.nd4j.linalg.factory.Nd4j;

/** A small seeded Gaussian-cluster problem for fast engine tests (the synthetic plugin is tested elsewhere). */
public final class TinyData {

    private TinyData() {}

    public static Dataset clusters(int inputs, int classes, int train, int test, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[][] centres = new float[classes][inputs];
        for (float[] centre : centres) {
            for (int i = 0; i < inputs; i++) {
                centre[i] = (float) (2 * random.nextDouble() - 1);
            }
        }
        return new Dataset(
                "tiny",
                split(centres, train, random),
                split(centres, test, random),
                classes,
                new long[] {inputs},
                Map.of(),
                "generated",
                Optional.empty());
    }

    /**
     * Like MNIST's normalised pixels: -1 except ~15 % of the inputs of each sample, drawn mostly from its
     * class's own quarter of the inputs, with values in (-1, 1].
     */
    public static Dataset sparseClusters(int inputs, int classes, int train, int test, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        return new Dataset(
                "tiny-sparse",
                sparseSplit(inputs, classes, train, random),
                sparseSplit(inputs, classes, test, random),
                classes,
                new long[] {inputs},
                Map.of(),
                "generated",
                Optional.empty());
    }

    private static DataSplit sparseSplit(int inputs, int classes, int n, SplittableRandom random) {
        float[] features = new float[n * inputs];
        int[] labels = new int[n];
        java.util.Arrays.fill(features, -1f);
        for (int s = 0; s < n; s++) {
            int label = random.nextInt(classes);
            labels[s] = label;
            for (int k = 0; k < inputs * 15 / 100; k++) {
                int input = random.nextDouble() < 0.8
                        ? (label * inputs / classes + random.nextInt(inputs / 4)) % inputs
                        : random.nextInt(inputs);
                features[s * inputs + input] = (float) (random.nextInt(255) + 1) / 127.5f - 1;
            }
        }
        return new DataSplit(Nd4j.create(features, new long[] {n, inputs}, 'c'), Nd4j.createFromArray(labels));
    }

    /** Random 3x32x32 images whose mean brightness depends on the class (the CIFAR net's input shape). */
    public static Dataset images(int train, int test, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        return new Dataset(
                "tiny-images",
                images(train, random),
                images(test, random),
                10,
                new long[] {3, 32, 32},
                Map.of(),
                "generated",
                Optional.empty());
    }

    private static DataSplit images(int n, SplittableRandom random) {
        int pixels = 3 * 32 * 32;
        float[] features = new float[n * pixels];
        int[] labels = new int[n];
        for (int s = 0; s < n; s++) {
            labels[s] = random.nextInt(10);
            for (int i = 0; i < pixels; i++) {
                features[s * pixels + i] = labels[s] / 10f + (float) (0.5 * random.nextDouble());
            }
        }
        return new DataSplit(Nd4j.create(features, new long[] {n, 3, 32, 32}, 'c'), Nd4j.createFromArray(labels));
    }

    private static DataSplit split(float[][] centres, int n, SplittableRandom random) {
        int inputs = centres[0].length;
        float[] features = new float[n * inputs];
        int[] labels = new int[n];
        for (int s = 0; s < n; s++) {
            int label = random.nextInt(centres.length);
            labels[s] = label;
            for (int i = 0; i < inputs; i++) {
                features[s * inputs + i] = centres[label][i] + (float) (0.6 * (random.nextDouble() - 0.5));
            }
        }
        return new DataSplit(Nd4j.create(features, new long[] {n, inputs}, 'c'), Nd4j.createFromArray(labels));
    }

    /** A bundled evidence (the plugins are on the test class path). */
    public static io.hyperprune.api.Evidence evidence(String id) {
        return java.util.ServiceLoader.load(io.hyperprune.api.Evidence.class).stream()
                .map(java.util.ServiceLoader.Provider::get)
                .filter(e -> e.id().equals(id))
                .findFirst()
                .orElseThrow();
    }

    /** A plain model at one lambda, ready to train. */
    public static Trainer trainer(
            io.hyperprune.engine.graph.ModelSpec model, String evidenceId, Dataset data, long seed, double lambda) {
        return Training.start(
                model,
                evidence(evidenceId),
                io.hyperprune.api.ComponentOptions.none(evidenceId),
                new io.hyperprune.engine.graph.ConstantHypernetwork(),
                io.hyperprune.api.ComponentOptions.none(io.hyperprune.engine.graph.ConstantHypernetwork.ID),
                new TrainingSettings(
                        1, 32, 5e-3, 1.0, seed, java.util.List.of(lambda), 1, io.hyperprune.api.LambdaRange.REFERENCE),
                data);
    }
}
