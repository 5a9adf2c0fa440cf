package io.hyperprune.plugins.datasets;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** MNIST (LeCun et al.), the paper's data set: 60,000 training and 10,000 test digits of 28x28. */
public final class MnistProvider extends IdxDatasetProvider {

    @Override
    public String id() {
        return "mnist";
    }

    @Override
    public String description() {
        return "MNIST handwritten digits, 60k/10k 28x28 grey images, 10 classes (IDX files, raw or gzip)";
    }

    @Override
    Map<String, String> checksums() {
        return Map.of(
                "train-images-idx3-ubyte", "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
                "train-labels-idx1-ubyte", "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
                "t10k-images-idx3-ubyte", "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
                "t10k-labels-idx1-ubyte", "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2");
    }

    @Override
    List<URI> defaultMirrors() {
        return List.of(
                URI.create("https://ossci-datasets.s3.amazonaws.com/mnist/"),
                URI.create("https://storage.googleapis.com/cvdf-datasets/mnist/"));
    }

    @Override
    List<Path> systemDirectories() {
        return List.of(Path.of("/usr/share/datasets/mnist"));
    }
}
