package io.hyperprune.runtime.pruning;

import io.hyperprune.api.ComponentOptions;
import io.hyperprune.api.DataSplit;
import io.hyperprune.api.Evidence;
import io.hyperprune.api.ParameterSpec;
import io.hyperprune.engine.graph.StandaloneModel;
import io.hyperprune.engine.train.Trainer;
import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A trained model at one lambda as a standalone SameDiff graph (input {@link StandaloneModel#INPUT}, output
 * {@link StandaloneModel#OUTPUT}): the posterior means of every parameter, deleted weights set to zero. It
 * loads with plain ND4J; {@link #accuracy} measures the graph itself, so a figure printed with it is the file's.
 *
 * @param nonZero parameters that are not zero after masking
 */
public record PrunedModel(SameDiff graph, long nonZero) {

    /**
     * @param masks keep-masks by weight-tensor name (missing tensors are kept whole)
     */
    public static PrunedModel of(
            Trainer trainer,
            Evidence evidence,
            ComponentOptions evidenceOptions,
            double lambda,
            Map<String, INDArray> masks) {
        Map<String, Map<String, INDArray>> posterior = trainer.posterior(lambda);
        Map<String, INDArray> values = new LinkedHashMap<>();
        long nonZero = 0;
        for (ParameterSpec parameter : trainer.graph().parameters()) {
            INDArray mean = evidence.view(parameter, posterior.get(parameter.name()), evidenceOptions)
                    .mean();
            INDArray value = masks.containsKey(parameter.name()) ? mean.mul(masks.get(parameter.name())) : mean.dup();
            nonZero += value.neq(0).castTo(DataType.INT).sumNumber().longValue();
            values.put(parameter.name(), value);
        }
        return new PrunedModel(StandaloneModel.build(trainer.graph().model(), values), nonZero);
    }

    /** Accuracy of this graph on a split (in batches, so a large split does not need one huge activation). */
    public double accuracy(DataSplit split) {
        int[] labels = split.labels().toIntVector();
        long correct = 0;
        int batch = 2_000;
        for (int from = 0; from < labels.length; from += batch) {
            int to = Math.min(labels.length, from + batch);
            INDArray features = split.features().get(org.nd4j.linalg.indexing.NDArrayIndex.interval(from, to));
            INDArray probabilities =
                    graph.outputSingle(Map.of(StandaloneModel.INPUT, features), StandaloneModel.OUTPUT);
            int[] predicted = Nd4j.argMax(probabilities, 1).castTo(DataType.INT).toIntVector();
            for (int i = 0; i < predicted.length; i++) {
                if (predicted[i] == labels[from + i]) {
                    correct++;
                }
            }
        }
        return labels.length == 0 ? Double.NaN : correct / (double) labels.length;
    }
}
