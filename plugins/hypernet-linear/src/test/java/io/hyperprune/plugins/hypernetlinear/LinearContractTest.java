package io.hyperprune.plugins.hypernetlinear;

import io.hyperprune.api.Hypernetwork;
import io.hyperprune.testkit.HypernetworkContract;

class LinearContractTest extends HypernetworkContract {
    @Override
    protected Hypernetwork hypernetwork() {
        return new LinearHypernetwork();
    }
}
