package ${package};

import io.hyperprune.api.PruningCriterion;
import io.hyperprune.testkit.PruningCriterionContract;

/** The test kit's contract: finite deterministic scores, exact deletion fractions, ties, zeros. */
class ConfidentMagnitudeCriterionTest extends PruningCriterionContract {

    @Override
    protected PruningCriterion criterion() {
        return new ConfidentMagnitudeCriterion();
    }
}
