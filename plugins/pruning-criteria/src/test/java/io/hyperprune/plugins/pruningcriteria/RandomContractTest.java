package io.hyperprune.plugins.pruningcriteria;

import io.hyperprune.api.PruningCriterion;
import io.hyperprune.testkit.PruningCriterionContract;

class RandomContractTest extends PruningCriterionContract {
    @Override
    protected PruningCriterion criterion() {
        return new RandomCriterion();
    }
}
