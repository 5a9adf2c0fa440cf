package io.hyperprune.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.hyperprune.api.ComponentOptions;
import io.hyperprune.api.Hypernetwork;
import io.hyperprune.api.ParameterInit;
import io.hyperprune.api.TensorSpec;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The contract every {@link Hypernetwork} passes: extend it and return yours from {@link #hypernetwork()}. */
public abstract class HypernetworkContract {

    private static final TensorSpec WEIGHT =
            new TensorSpec("dense0/W/mean", new long[] {4, 3}, ParameterInit.uniform(0.5), 11);
    private static final TensorSpec BIAS =
            new TensorSpec("dense0/b/mean", new long[] {3}, ParameterInit.constant(-3), 12);

    protected abstract Hypernetwork hypernetwork();

    protected ComponentOptions options() {
        return ComponentOptions.none(hypernetwork().id());
    }

    private record Graph(SameDiff sd, SDVariable weight, SDVariable bias) {
        INDArray weightAt(float... t) {
            return sd.output(Map.of("t", Nd4j.createFromArray(t)), weight.name())
                    .get(weight.name());
        }
    }

    private Graph graph() {
        SameDiff sd = SameDiff.create();
        SDVariable t = sd.placeHolder("t", DataType.FLOAT, -1);
        Hypernetwork.Generator generator = hypernetwork().attach(sd, t, options());
        return new Graph(sd, generator.generate(WEIGHT), generator.generate(BIAS));
    }

    /** Gives every learned tensor distinct values, so the outputs depend on t. */
    private static void randomise(SameDiff sd) {
        long seed = 1;
        for (SDVariable v : sd.variables()) {
            if (v.getVariableType() == VariableType.VARIABLE) {
                Nd4j.getRandom().setSeed(seed++);
                v.setArray(Nd4j.randn(v.dataType(), v.getArr().shape()));
            }
        }
    }

    @Test
    void outputsHaveTheModelAxisInFront() {
        Graph graph = graph();
        randomise(graph.sd());
        assertThat(graph.weightAt(0.5f).shape()).containsExactly(1L, 4L, 3L);
        INDArray three = graph.weightAt(0f, 0.3f, 1f);
        if (three.size(0) == 1) {
            // allowed only for a G that does not depend on t: it broadcasts over the model axis
            assertThat(graph.weightAt(0f).equals(graph.weightAt(1f)))
                    .as("a [1, ...] output must not depend on t")
                    .isTrue();
        } else {
            assertThat(three.shape()).containsExactly(3L, 4L, 3L);
        }
        INDArray bias = graph.sd()
                .output(
                        Map.of("t", Nd4j.createFromArray(0.1f, 0.9f)),
                        graph.bias().name())
                .get(graph.bias().name());
        assertThat(bias.shape()[1]).isEqualTo(3L);
    }

    @Test
    void atInitialisationTheOutputIsTheTensorsInitialValueForEveryT() {
        Graph graph = graph();
        INDArray out = graph.weightAt(0f, 0.5f, 1f);
        INDArray initial = WEIGHT.initialValue();
        for (int k = 0; k < out.size(0); k++) {
            for (int i = 0; i < 12; i++) {
                assertThat(out.getDouble(k, i / 3, i % 3))
                        .isCloseTo(initial.getDouble(i / 3, i % 3), org.assertj.core.api.Assertions.within(1e-5));
            }
        }
    }

    @Test
    void outputIsContinuousInT() {
        Graph graph = graph();
        randomise(graph.sd());
        for (float t = 0.05f; t < 1f; t += 0.1f) {
            INDArray a = graph.weightAt(t);
            INDArray b = graph.weightAt(t + 1e-4f);
            assertThat(a.sub(b).amaxNumber().doubleValue())
                    .as("jump at t = %s", t)
                    .isLessThan(1e-2);
        }
    }

    @Test
    void gradientsReachTheHypernetworksParameters() {
        Graph graph = graph();
        randomise(graph.sd());
        SDVariable loss = graph.weight()
                .mul(graph.sd().constant(Nd4j.rand(DataType.FLOAT, 1, 4, 3)))
                .sum()
                .add(graph.bias().sum());
        graph.sd().setLossVariables(loss);
        String[] variables = graph.sd().variables().stream()
                .filter(v -> v.getVariableType() == VariableType.VARIABLE)
                .map(SDVariable::name)
                .toArray(String[]::new);
        assertThat(variables).as("the hypernetwork creates trainable variables").isNotEmpty();
        Map<String, INDArray> gradients =
                graph.sd().calculateGradients(Map.of("t", Nd4j.createFromArray(0.37f)), variables);
        double total = 0;
        for (String name : variables) {
            INDArray g = gradients.get(name);
            assertThat(g).as("gradient of %s", name).isNotNull();
            for (float v : g.castTo(DataType.FLOAT).dup().data().asFloat()) {
                assertThat(Float.isFinite(v)).isTrue();
            }
            total += g.norm1Number().doubleValue();
        }
        assertThat(total).isGreaterThan(0);
    }
}
