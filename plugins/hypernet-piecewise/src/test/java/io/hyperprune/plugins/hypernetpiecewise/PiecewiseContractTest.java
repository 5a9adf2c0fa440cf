package io.hyperprune.plugins.hypernetpiecewise;

import io.hyperprune.api.Hypernetwork;
import io.hyperprune.testkit.HypernetworkContract;

class PiecewiseContractTest extends HypernetworkContract {
    @Override
    protected Hypernetwork hypernetwork() {
        return new PiecewiseHypernetwork();
    }
}
