package io.hyperprune.plugins.datasets;

import io.hyperprune.api.ComponentOptions;
import io.hyperprune.api.DataRequest;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Benchmark (not a test): median wall time of loading MNIST (read, validate, normalise, SHA-256 of the
 * four files) after warm-up. Run: {@code java -cp <test class path> io.hyperprune.plugins.datasets.LoadBenchmark <data dir>}.
 */
public final class LoadBenchmark {

    private LoadBenchmark() {}

    public static void main(String[] args) {
        DataRequest request = new DataRequest(
                List.of(Path.of(args[0])),
                Path.of(args[0], "cache"),
                true,
                List.of(),
                0,
                ComponentOptions.none("mnist"));
        MnistProvider mnist = new MnistProvider();
        double[] seconds = new double[7];
        for (int i = 0; i < seconds.length; i++) {
            long start = System.nanoTime();
            mnist.load(request);
            seconds[i] = (System.nanoTime() - start) / 1e9;
        }
        double[] steady = Arrays.copyOfRange(seconds, 2, seconds.length);
        Arrays.sort(steady);
        System.out.printf(
                "MNIST load (60k+10k, with checksums): first %.3f s, median after warm-up %.3f s, all %s%n",
                seconds[0], steady[steady.length / 2], Arrays.toString(seconds));
    }
}
