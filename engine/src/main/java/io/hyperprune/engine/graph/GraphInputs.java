package io.hyperprune.engine.graph;

import io.hyperprune.api.LambdaRange;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The graph's lambda inputs: each model's lambda and its normalised t, the one place lambda becomes t. */
public final class GraphInputs {

    private GraphInputs() {}

    /** Puts {@value ModelGraph#LAMBDA} [K] and {@value ModelGraph#T} [K] for K models at these lambdas. */
    public static void putLambdas(Map<String, INDArray> inputs, double[] lambdas, LambdaRange range) {
        float[] lambda = new float[lambdas.length];
        float[] t = new float[lambdas.length];
        for (int k = 0; k < lambdas.length; k++) {
            lambda[k] = (float) lambdas[k];
            t[k] = t(lambdas[k], range);
        }
        inputs.put(ModelGraph.LAMBDA, Nd4j.createFromArray(lambda));
        inputs.put(ModelGraph.T, Nd4j.createFromArray(t));
    }

    /** Writes model k's lambda and t into existing [K] arrays (a reused batch slot). */
    public static void putLambda(INDArray lambda, INDArray t, int k, double value, LambdaRange range) {
        lambda.putScalar(k, (float) value);
        t.putScalar(k, t(value, range));
    }

    private static float t(double lambda, LambdaRange range) {
        return (float) range.normalize(lambda);
    }
}
