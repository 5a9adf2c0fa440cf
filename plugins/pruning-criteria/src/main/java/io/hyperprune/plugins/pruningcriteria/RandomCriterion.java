package io.hyperprune.plugins.pruningcriteria;

import io.hyperprune.api.ComponentOptions;
import io.hyperprune.api.PosteriorView;
import io.hyperprune.api.PruningCriterion;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** A control: uniform random scores from the given seed, independent of the parameter's values. */
public final class RandomCriterion implements PruningCriterion {

    @Override
    public String id() {
        return "random";
    }

    @Override
    public String description() {
        return "control: delete weights in a seeded random order";
    }

    @Override
    public INDArray scores(PosteriorView parameter, long seed, ComponentOptions options) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] values = new float[(int) parameter.parameter().size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) random.nextDouble();
        }
        return Nd4j.create(values, parameter.parameter().shape(), 'c');
    }
}
