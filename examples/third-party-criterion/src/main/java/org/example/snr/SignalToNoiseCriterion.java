package org.example.snr;

import io.hyperprune.api.ComponentOptions;
import io.hyperprune.api.PosteriorView;
import io.hyperprune.api.PruningCriterion;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Signal-to-noise ratio |mu| / sigma (Graves 2011): delete the weights whose posterior mean is
 * smallest relative to its uncertainty; for a deterministic weight it is |w|. Unlike relative density
 * it grows linearly, so a few very certain weights do not dominate a global ranking.
 */
public final class SignalToNoiseCriterion implements PruningCriterion {

    @Override
    public String id() {
        return "signal-to-noise";
    }

    @Override
    public String description() {
        return "signal-to-noise |mu|/sigma (|w| for deterministic weights)";
    }

    @Override
    public INDArray scores(PosteriorView parameter, long seed, ComponentOptions options) {
        INDArray magnitude = Transforms.abs(parameter.mean().castTo(DataType.DOUBLE), true);
        INDArray score = parameter.sigma().map(sigma -> magnitude.div(sigma.castTo(DataType.DOUBLE))).orElse(magnitude);
        return Transforms.min(score, 1e30, false).castTo(DataType.FLOAT);
    }
}
