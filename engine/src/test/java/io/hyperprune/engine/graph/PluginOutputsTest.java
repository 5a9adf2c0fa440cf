package io.hyperprune.engine.graph;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hyperprune.api.ComponentOptions;
import io.hyperprune.api.Evidence;
import io.hyperprune.api.Hypernetwork;
import io.hyperprune.api.ParameterSpec;
import io.hyperprune.engine.train.TinyData;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The graph pieces plugins build are checked when the graph is built, naming the plugin: a transposed
 * tensor with the right element count would otherwise be reshaped silently into scrambled weights.
 */
class PluginOutputsTest {

    private static final ModelSpec MODEL = ModelSpec.parse("20-16-4");

    /** Generates every tensor transposed: [1, 16, 20] for a [20, 16] weight. */
    static final class Transposing implements Hypernetwork {
        @Override
        public String id() {
            return "transposing";
        }

        @Override
        public String description() {
            return "test";
        }

        @Override
        public Generator attach(SameDiff sd, SDVariable t, ComponentOptions options) {
            return tensor -> {
                long[] shape = tensor.shape();
                long[] reversed = new long[shape.length + 1];
                reversed[0] = 1;
                for (int i = 0; i < shape.length; i++) {
                    reversed[i + 1] = shape[shape.length - 1 - i];
                }
                return sd.var(tensor.name() + "/b", Nd4j.zeros(org.nd4j.linalg.api.buffer.DataType.FLOAT, reversed));
            };
        }
    }

    /** The variational evidence with one piece changed. */
    static class Changed extends ChangedEvidence {}

    private static void build(Evidence evidence, Hypernetwork hypernetwork, int models) {
        ModelGraph.build(
                MODEL,
                evidence,
                ComponentOptions.none(evidence.id()),
                hypernetwork,
                ComponentOptions.none(hypernetwork.id()),
                models,
                100,
                1);
    }

    @Test
    void aTransposedGeneratedTensorNamesTheHypernetwork() {
        assertThatThrownBy(() -> build(TinyData.evidence("variational"), new Transposing(), 1))
                .isInstanceOf(ComponentFault.class)
                .hasMessageStartingWith("hypernetwork 'transposing': generate's tensor dense0/W/mean has shape"
                        + " [1, 16, 20], but its SPI promises [1, 20, 16]");
    }

    @Test
    void aPenaltyOfTheWrongShapeNamesTheEvidence() {
        Evidence columns = new Changed() {
            @Override
            public SDVariable penalty(
                    SameDiff sd,
                    ParameterSpec parameter,
                    Map<String, SDVariable> posterior,
                    SDVariable lambda,
                    ComponentOptions options) {
                return real.penalty(sd, parameter, posterior, lambda, options).reshape(-1, 1);
            }
        };
        assertThatThrownBy(() -> build(columns, new ConstantHypernetwork(), 2))
                .isInstanceOf(ComponentFault.class)
                .hasMessageStartingWith(
                        "evidence 'changed': penalty of parameter dense0/W has shape [2, 1], but its SPI"
                                + " promises [2]");
    }

    @Test
    void aWeightWithoutTheModelAxisOrNotFiniteNamesTheEvidence() {
        Evidence flat = new Changed() {
            @Override
            public SDVariable evaluationWeight(
                    SameDiff sd, ParameterSpec parameter, Map<String, SDVariable> posterior, ComponentOptions options) {
                return real.evaluationWeight(sd, parameter, posterior, options).reshape(-1);
            }
        };
        assertThatThrownBy(() -> build(flat, new ConstantHypernetwork(), 1))
                .isInstanceOf(ComponentFault.class)
                .hasMessageContaining("evaluationWeight of parameter dense0/W has shape [320]");
        Evidence logOfNegative = new Changed() {
            @Override
            public SDVariable trainingWeight(
                    SameDiff sd,
                    ParameterSpec parameter,
                    Map<String, SDVariable> posterior,
                    SDVariable noise,
                    ComponentOptions options) {
                return sd.math()
                        .log(real.trainingWeight(sd, parameter, posterior, noise, options)
                                .sub(10.0));
            }
        };
        assertThatThrownBy(() -> build(logOfNegative, new ConstantHypernetwork(), 1))
                .isInstanceOf(ComponentFault.class)
                .hasMessageContaining(
                        "trainingWeight of parameter dense0/W is not finite at the initial values: NaN at [0, 0, 0]");
    }
}
