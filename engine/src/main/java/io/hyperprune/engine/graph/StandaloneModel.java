package io.hyperprune.engine.graph;

import io.hyperprune.api.ParameterSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A plain SameDiff model f(x, w) with concrete weights (one lambda, possibly pruned): input placeholder
 * {@value #INPUT} {@code [batch, ...sample]}, output {@value #OUTPUT} (softmax class probabilities).
 * It uses only standard ND4J ops, so it loads and predicts without hyperprune on the class path:
 * {@code SameDiff.load(file, false).outputSingle(Map.of("input", x), "probabilities")}.
 */
public final class StandaloneModel {

    public static final String INPUT = "input";
    public static final String OUTPUT = "probabilities";

    private StandaloneModel() {}

    /** @param weights evaluation weight of every parameter by name, of the parameter's shape */
    public static SameDiff build(ModelSpec model, Map<String, INDArray> weights) {
        SameDiff sd = SameDiff.create();
        long[] inputShape =
                model.kind() == ModelSpec.Kind.CONV ? new long[] {-1, 3, 32, 32} : new long[] {-1, model.inputSize()};
        SDVariable input = sd.placeHolder(INPUT, DataType.FLOAT, inputShape);
        List<SDVariable> parameters = new ArrayList<>();
        for (ParameterSpec parameter : model.parameters()) {
            INDArray value = weights.get(parameter.name());
            if (value == null) {
                throw new IllegalArgumentException("no weights for " + parameter.name());
            }
            // A size-1 model axis, as the training graph's forward pass expects.
            parameters.add(sd.constant(
                    parameter.name(),
                    value.castTo(DataType.FLOAT).reshape(ModelGraph.withModelAxis(1, parameter.shape()))));
        }
        SDVariable logits = Forward.logits(sd, model, input, parameters, 1);
        long classes = model.outputSize();
        sd.nn().softmax(OUTPUT, logits.reshape(-1, classes), 1);
        return sd;
    }
}
