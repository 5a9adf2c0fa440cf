package io.hyperprune.plugins.variational;

import io.hyperprune.api.Evidence;
import io.hyperprune.testkit.EvidenceContract;

class VariationalContractTest extends EvidenceContract {
    @Override
    protected Evidence evidence() {
        return new VariationalEvidence();
    }
}
