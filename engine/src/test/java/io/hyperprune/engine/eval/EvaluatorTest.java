package io.hyperprune.engine.eval;

import static org.assertj.core.api.Assertions.assertThat;

import io.hyperprune.api.ComponentOptions;
import io.hyperprune.api.Dataset;
import io.hyperprune.api.LambdaRange;
import io.hyperprune.api.ParameterSpec;
import io.hyperprune.engine.graph.ConstantHypernetwork;
import io.hyperprune.engine.graph.GraphInputs;
import io.hyperprune.engine.graph.ModelGraph;
import io.hyperprune.engine.graph.ModelSpec;
import io.hyperprune.engine.train.TinyData;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class EvaluatorTest {

    @Test
    void theConvNetIsEvaluatedInBoundedPassesWithTheResultsOfOnePass() {
        // 8 models: a conv evaluation pass holds 512 / 8 = 64 images, so 150 images take three passes
        // (64, 64, 22), which must add up to what one pass over all 150 gives.
        List<Double> lambdas = List.of(0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0);
        Dataset data = TinyData.images(150, 150, 3);
        ModelGraph graph = ModelGraph.build(
                ModelSpec.parse(ModelSpec.CIFAR_CONV),
                TinyData.evidence("weight-decay"),
                ComponentOptions.none("weight-decay"),
                ConstantHypernetwork.independent(lambdas, LambdaRange.REFERENCE),
                ComponentOptions.none(ConstantHypernetwork.ID),
                lambdas.size(),
                true,
                data.train().size(),
                5);
        Evaluator evaluator = new Evaluator(graph, data, LambdaRange.REFERENCE, false, true);

        Map<String, INDArray> inputs = new HashMap<>();
        GraphInputs.putLambdas(
                inputs, lambdas.stream().mapToDouble(Double::doubleValue).toArray(), LambdaRange.REFERENCE);
        inputs.put(ModelGraph.X, data.train().features());
        INDArray labels = Nd4j.zeros(DataType.FLOAT, 150, data.classes());
        int[] classes = data.train().labels().toIntVector();
        for (int i = 0; i < classes.length; i++) {
            labels.putScalar(i, classes[i], 1f);
        }
        inputs.put(ModelGraph.Y, labels);
        for (ParameterSpec parameter : graph.parameters()) {
            if (parameter.kind() == ParameterSpec.Kind.WEIGHT) {
                inputs.put(
                        ModelGraph.MASK_PREFIX + parameter.name(),
                        Nd4j.ones(DataType.FLOAT, ModelGraph.withModelAxis(lambdas.size(), parameter.shape())));
            }
        }
        Map<String, INDArray> onePass =
                graph.sameDiff().output(inputs, ModelGraph.CE, ModelGraph.PENALTY, ModelGraph.LOGITS_EVAL);

        double[] loss = evaluator.trainingLoss(lambdas, List::of);
        assertThat(loss[0])
                .as("mean cross-entropy per model")
                .isCloseTo(onePass.get(ModelGraph.CE).getDouble(0) / lambdas.size(), Offset.offset(1e-4));
        // The penalty does not depend on the batch. SameDiff's session sums 9.1M squares in float (libnd4j),
        // the compiled evaluation in double (ModelReductions): they differ by ~0.5 %.
        double penalty = onePass.get(ModelGraph.PENALTY).getDouble(0) / lambdas.size();
        assertThat(loss[1]).isCloseTo(penalty, Offset.offset(penalty * 0.01));

        int[] predicted = Nd4j.argMax(onePass.get(ModelGraph.LOGITS_EVAL), 2)
                .castTo(DataType.INT)
                .dup('c')
                .data()
                .asInt();
        List<Double> accuracy = evaluator.trainingAccuracy(lambdas);
        for (int k = 0; k < lambdas.size(); k++) {
            int correct = 0;
            for (int i = 0; i < classes.length; i++) {
                correct += predicted[k * classes.length + i] == classes[i] ? 1 : 0;
            }
            assertThat(accuracy.get(k)).as("model %d", k).isEqualTo(correct / 150.0);
        }
    }
}
