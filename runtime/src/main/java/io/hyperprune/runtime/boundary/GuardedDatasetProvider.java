package io.hyperprune.runtime.boundary;

import io.hyperprune.api.BatchAugmentation;
import io.hyperprune.api.DataLocation;
import io.hyperprune.api.DataRequest;
import io.hyperprune.api.DataSplit;
import io.hyperprune.api.Dataset;
import io.hyperprune.api.DatasetProvider;
import io.hyperprune.engine.graph.TensorChecks;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A data set provider whose data is checked once per load against {@link Dataset}'s contract: non-empty
 * splits of {@code [n, ...sampleShape]} finite features, labels in [0, classes), and a training
 * augmentation that keeps the batch's shape.
 */
final class GuardedDatasetProvider extends GuardedComponent<DatasetProvider> implements DatasetProvider {

    GuardedDatasetProvider(
            DatasetProvider delegate, PluginRef plugin, String description, Map<String, String> options) {
        super(delegate, plugin, description, options);
    }

    @Override
    public DataLocation locate(DataRequest request) {
        DataLocation location = call("locate", () -> delegate.locate(request));
        if (location == null) {
            throw fault("locate returned null; return where the files are or why they were not found");
        }
        return location;
    }

    @Override
    public Dataset load(DataRequest request) {
        Dataset data = call("load", () -> delegate.load(request));
        if (data == null) {
            throw fault("load returned null; return the data set or throw an InputException saying what is wrong");
        }
        long[] sampleShape = data.sampleShape();
        if (sampleShape.length == 0 || Arrays.stream(sampleShape).anyMatch(d -> d <= 0)) {
            throw fault("load returned the sample shape " + Arrays.toString(sampleShape)
                    + "; every dimension must be positive");
        }
        check("training", data.train(), data.classes());
        check("test", data.test(), data.classes());
        return new Dataset(
                data.id(),
                data.train(),
                data.test(),
                data.classes(),
                sampleShape,
                data.checksums(),
                data.source(),
                data.trainAugmentation().map(this::guard));
    }

    private void check(String name, DataSplit split, int classes) {
        if (split.size() == 0) {
            throw fault("load returned an empty " + name + " split; a split needs at least one sample");
        }
        INDArray labels = split.labels();
        long min = labels.minNumber().longValue();
        long max = labels.maxNumber().longValue();
        if (min < 0 || max >= classes) {
            throw fault("load returned " + name + " labels from " + min + " to " + max + ", outside [0, " + classes
                    + ") for its " + classes + " classes");
        }
        Optional<String> bad = TensorChecks.firstNonFinite(split.features());
        if (bad.isPresent()) {
            throw fault("load returned " + name + " features that are not finite: " + bad.get());
        }
    }

    private BatchAugmentation guard(BatchAugmentation augmentation) {
        return (batch, random) -> {
            long[] shape = batch.shape();
            INDArray result = call("its training augmentation", () -> augmentation.apply(batch, random));
            if (result == null || !Arrays.equals(result.shape(), shape) || result.dataType() != DataType.FLOAT) {
                throw fault("its training augmentation returned "
                        + (result == null ? "null" : result.dataType() + " " + Arrays.toString(result.shape()))
                        + " for a FLOAT batch of shape "
                        + Arrays.toString(shape) + "; return the augmented batch with the same shape and type");
            }
            return result;
        };
    }
}
