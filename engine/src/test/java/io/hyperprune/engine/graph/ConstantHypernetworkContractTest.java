package io.hyperprune.engine.graph;

import io.hyperprune.api.Hypernetwork;
import io.hyperprune.testkit.HypernetworkContract;

/** The built-in constant hypernetwork passes the same contract as the plugins (its output broadcasts over K). */
class ConstantHypernetworkContractTest extends HypernetworkContract {
    @Override
    protected Hypernetwork hypernetwork() {
        return new ConstantHypernetwork();
    }
}
