package org.example.snr;

import io.hyperprune.api.PruningCriterion;
import io.hyperprune.testkit.PruningCriterionContract;

class SignalToNoiseContractTest extends PruningCriterionContract {
    @Override
    protected PruningCriterion criterion() {
        return new SignalToNoiseCriterion();
    }
}
