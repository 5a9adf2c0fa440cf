package io.hyperprune.plugins.datasets;

import io.hyperprune.api.ComponentOptions;
import io.hyperprune.api.DataRequest;
import io.hyperprune.api.DatasetProvider;
import io.hyperprune.testkit.DatasetProviderContract;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

class SyntheticContractTest extends DatasetProviderContract {
    @Override
    protected DatasetProvider provider() {
        return new SyntheticProvider();
    }

    @Override
    protected DataRequest request() {
        return new DataRequest(
                List.of(),
                Path.of("unused"),
                true,
                List.of(),
                0,
                new ComponentOptions("synthetic", Map.of("train-size", "300", "test-size", "100")));
    }
}
