package io.hyperprune.plugins.datasets;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Fashion-MNIST (Zalando): MNIST's format with 10 clothing classes; Debian ships it as dataset-fashion-mnist. */
public final class FashionMnistProvider extends IdxDatasetProvider {

    @Override
    public String id() {
        return "fashion-mnist";
    }

    @Override
    public String description() {
        return "Fashion-MNIST clothing images, 60k/10k 28x28 grey images, 10 classes (IDX files, raw or gzip)";
    }

    @Override
    Map<String, String> checksums() {
        return Map.of(
                "train-images-idx3-ubyte", "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888",
                "train-labels-idx1-ubyte", "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9",
                "t10k-images-idx3-ubyte", "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b",
                "t10k-labels-idx1-ubyte", "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34");
    }

    @Override
    List<URI> defaultMirrors() {
        return List.of(URI.create("http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"));
    }

    @Override
    List<Path> systemDirectories() {
        // Debian's dataset-fashion-mnist package.
        return List.of(Path.of("/usr/share/datasets/fashion-mnist"));
    }
}
