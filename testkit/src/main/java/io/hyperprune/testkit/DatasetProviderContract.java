package io.hyperprune.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.hyperprune.api.DataRequest;
import io.hyperprune.api.Dataset;
import io.hyperprune.api.DatasetProvider;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * The contract every {@link DatasetProvider} passes on data it can load in a test: extend it and
 * return your provider and a request that finds (or generates) its data.
 */
public abstract class DatasetProviderContract {

    protected abstract DatasetProvider provider();

    protected abstract DataRequest request();

    @Test
    void splitsHaveTheDeclaredShapesTypesAndLabelRange() {
        Dataset data = provider().load(request());
        assertThat(data.id()).isEqualTo(provider().id());
        for (var split : new io.hyperprune.api.DataSplit[] {data.train(), data.test()}) {
            assertThat(split.size()).isPositive();
            assertThat(split.features().dataType()).isEqualTo(DataType.FLOAT);
            long[] shape = split.features().shape();
            assertThat(java.util.Arrays.copyOfRange(shape, 1, shape.length)).containsExactly(data.sampleShape());
            for (int label : split.labels().toIntVector()) {
                assertThat(label).isBetween(0, data.classes() - 1);
            }
        }
    }

    @Test
    void loadingTwiceGivesTheSameData() {
        Dataset a = provider().load(request());
        Dataset b = provider().load(request());
        assertThat(java.util.Arrays.equals(
                        a.train().labels().toIntVector(), b.train().labels().toIntVector()))
                .isTrue();
        assertThat(a.test().features().equals(b.test().features())).isTrue();
    }

    @Test
    void locateFindsWhatLoadLoads() {
        assertThat(provider().locate(request()).isFound()).isTrue();
    }
}
