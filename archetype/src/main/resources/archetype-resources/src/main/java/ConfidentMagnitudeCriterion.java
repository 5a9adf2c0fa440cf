package ${package};

import io.hyperprune.api.ComponentOptions;
import io.hyperprune.api.PosteriorView;
import io.hyperprune.api.PruningCriterion;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Keeps the weights whose magnitude is confidently non-zero: score = max(|mu| - z * sigma, 0), the
 * lower end of a z-sigma interval of |w| (|w| for a deterministic weight). Lowest scores are deleted
 * first. Replace the body of {@link #scores} with your own criterion.
 */
public final class ConfidentMagnitudeCriterion implements PruningCriterion {

    static final String Z = "z";

    @Override
    public String id() {
        return "${criterionId}";
    }

    @Override
    public String description() {
        return "max(|mu| - z*sigma, 0): magnitude at the lower end of its z-sigma interval (option z, default 1)";
    }

    @Override
    public Map<String, String> options() {
        return Map.of(Z, "width of the interval in posterior standard deviations (default 1)");
    }

    @Override
    public INDArray scores(PosteriorView parameter, long seed, ComponentOptions options) {
        double z = options.getDouble(Z, 1.0);
        INDArray magnitude = Transforms.abs(parameter.mean().castTo(DataType.FLOAT), true);
        INDArray lower = parameter.sigma().map(sigma -> magnitude.sub(sigma.castTo(DataType.FLOAT).mul(z))).orElse(magnitude);
        return Transforms.max(lower, 0.0, false);
    }
}
