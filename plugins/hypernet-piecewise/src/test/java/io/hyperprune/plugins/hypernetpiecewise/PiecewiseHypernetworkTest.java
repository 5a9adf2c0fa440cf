package io.hyperprune.plugins.hypernetpiecewise;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.hyperprune.api.ComponentOptions;
import io.hyperprune.api.Hypernetwork;
import io.hyperprune.api.InputException;
import io.hyperprune.api.ParameterInit;
import io.hyperprune.api.TensorSpec;
import io.hyperprune.plugins.hypernetlinear.LinearHypernetwork;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class PiecewiseHypernetworkTest {

    private static final TensorSpec TENSOR = new TensorSpec("w/mean", new long[] {3, 2}, ParameterInit.uniform(1), 7);

    /** A graph with placeholder t [K] and G(t); pivot tensors set to distinct random values. */
    private record Graph(SameDiff sd, SDVariable g, INDArray[] pivots) {
        INDArray at(float... t) {
            return sd.output(Map.of("t", Nd4j.createFromArray(t)), g.name()).get(g.name());
        }
    }

    /** The graph of G(t) with the learned matrix {@code variable} ([rows, 6]) set to rows of distinct random values. */
    private static Graph graph(Hypernetwork hypernetwork, Map<String, String> options, String variable, int rows) {
        SameDiff sd = SameDiff.create();
        SDVariable t = sd.placeHolder("t", DataType.FLOAT, -1);
        SDVariable g = hypernetwork
                .attach(sd, t, new ComponentOptions(hypernetwork.id(), options))
                .generate(TENSOR);
        INDArray[] values = new INDArray[rows];
        for (int i = 0; i < rows; i++) {
            values[i] = Nd4j.rand(DataType.FLOAT, 3, 2).subi(0.5).muli(4 + i);
        }
        if (rows > 0) {
            INDArray stacked = Nd4j.create(DataType.FLOAT, rows, 6);
            for (int i = 0; i < rows; i++) {
                stacked.putRow(i, values[i].reshape(6));
            }
            sd.getVariable(variable).setArray(stacked);
        }
        return new Graph(sd, g, values);
    }

    private static Graph pivots(int n) {
        return graph(
                new PiecewiseHypernetwork(),
                n == 6 ? Map.of() : Map.of("pivots", String.valueOf(n)),
                "w/mean/pivots",
                n);
    }

    @Test
    void valuesAtPivotsAreTheStoredTensorsExactly() {
        Graph graph = pivots(6);
        INDArray out = graph.at(0f, 0.2f, 0.4f, 0.6f, 0.8f, 1f);
        assertThat(out.shape()).containsExactly(6L, 3L, 2L);
        for (int i = 0; i < 6; i++) {
            assertThat(out.get(org.nd4j.linalg.indexing.NDArrayIndex.point(i))
                            .dup()
                            .data()
                            .asFloat())
                    .as("pivot %d", i)
                    .containsExactly(graph.pivots()[i].data().asFloat());
        }
    }

    @Test
    void interpolatesLinearlyAndIsContinuousAcrossPivots() {
        Graph graph = pivots(6);
        INDArray mid = graph.at(0.3f);
        INDArray expected = graph.pivots()[1].mul(0.5).add(graph.pivots()[2].mul(0.5));
        for (int i = 0; i < 6; i++) {
            assertThat(mid.getDouble(i)).isCloseTo(expected.getDouble(i), within(1e-5));
        }
        INDArray left = graph.at(0.4f - 1e-4f);
        INDArray right = graph.at(0.4f + 1e-4f);
        for (int i = 0; i < 6; i++) {
            assertThat(left.getDouble(i)).isCloseTo(right.getDouble(i), within(1e-2));
        }
    }

    @Test
    void tOutsideTheRangeIsClamped() {
        Graph graph = pivots(6);
        assertThat(graph.at(-3f).dup().data().asFloat())
                .containsExactly(graph.pivots()[0].data().asFloat());
        assertThat(graph.at(7f).dup().data().asFloat())
                .containsExactly(graph.pivots()[5].data().asFloat());
    }

    @Test
    void gradientsReachExactlyTheTwoAdjacentPivots() {
        Graph graph = pivots(6);
        SDVariable loss = graph.g()
                .mul(graph.sd().constant(Nd4j.rand(DataType.FLOAT, 1, 3, 2)))
                .sum();
        graph.sd().setLossVariables(loss);
        INDArray gradient = graph.sd()
                .calculateGradients(Map.of("t", Nd4j.createFromArray(0.5f)), "w/mean/pivots")
                .get("w/mean/pivots");
        for (int i = 0; i < 6; i++) {
            double norm = gradient.getRow(i).norm1Number().doubleValue();
            if (i == 2 || i == 3) {
                assertThat(norm).as("pivot %d", i).isGreaterThan(0);
            } else {
                assertThat(norm).as("pivot %d", i).isEqualTo(0.0);
            }
        }
    }

    @Test
    void twoPivotsEqualTheLinearHypernetwork() {
        Graph piecewise = pivots(2);
        Graph linear = graph(new LinearHypernetwork(), Map.of(), "w/mean/endpoints", 0);
        linear.sd()
                .getVariable("w/mean/endpoints")
                .setArray(piecewise.sd().getVariable("w/mean/pivots").getArr().dup());
        float[] t = {-1f, 0f, 0.13f, 0.5f, 0.99f, 1f, 2f};
        assertThat(piecewise.at(t).dup().data().asFloat())
                .containsExactly(linear.at(t).dup().data().asFloat());
    }

    @Test
    void initialValueIsTheSameAtEveryPivotSoGStartsConstant() {
        SameDiff sd = SameDiff.create();
        SDVariable t = sd.placeHolder("t", DataType.FLOAT, -1);
        SDVariable g = new PiecewiseHypernetwork()
                .attach(sd, t, ComponentOptions.none("piecewise"))
                .generate(TENSOR);
        INDArray out = sd.output(Map.of("t", Nd4j.createFromArray(0f, 0.37f, 1f)), g.name())
                .get(g.name());
        float[] first = out.get(org.nd4j.linalg.indexing.NDArrayIndex.point(0))
                .dup()
                .data()
                .asFloat();
        assertThat(first).containsExactly(TENSOR.initialValue().dup().data().asFloat());
        float[] between = out.get(org.nd4j.linalg.indexing.NDArrayIndex.point(1))
                .dup()
                .data()
                .asFloat();
        for (int i = 0; i < first.length; i++) {
            assertThat(between[i]).isCloseTo(first[i], within(1e-6f)); // c_i b + c_j b = b up to rounding
        }
    }

    @Test
    void badPivotOptionsNameTheOption() {
        assertThatThrownBy(() -> PiecewiseHypernetwork.pivots(
                        new ComponentOptions("piecewise", Map.of("positions", "0,0.5,0.4,1"))))
                .isInstanceOf(InputException.class)
                .hasMessageContaining("piecewise.positions");
        assertThatThrownBy(() -> PiecewiseHypernetwork.pivots(new ComponentOptions("piecewise", Map.of("pivots", "1"))))
                .isInstanceOf(InputException.class)
                .hasMessageContaining("piecewise.pivots");
        assertThat(PiecewiseHypernetwork.pivots(new ComponentOptions("piecewise", Map.of("positions", "0,0.2,1"))))
                .containsExactly(0, 0.2, 1);
        assertThat(Arrays.stream(PiecewiseHypernetwork.pivots(ComponentOptions.none("piecewise")))
                        .boxed()
                        .toList())
                .containsExactly(0.0, 0.2, 0.4, 0.6, 0.8, 1.0);
    }

    @Test
    void pivotCountsThatWouldBuildAHugeGraphAreRefusedUpFrontWithTheReason() {
        // 100000 pivots once hung in graph building for minutes: now refused before any graph exists.
        assertThatThrownBy(() -> new PiecewiseHypernetwork()
                        .attach(SameDiff.create(), null, new ComponentOptions("piecewise", Map.of("pivots", "100000"))))
                .isInstanceOf(InputException.class)
                .hasMessageContaining("option piecewise.pivots asks for 100000 pivots, too many: at most 64")
                .hasMessageContaining("full copy of the model's posterior tensors");
        String many = java.util.stream.IntStream.rangeClosed(0, 64)
                .mapToObj(i -> String.valueOf(i / 64.0))
                .collect(java.util.stream.Collectors.joining(","));
        assertThatThrownBy(() ->
                        PiecewiseHypernetwork.pivots(new ComponentOptions("piecewise", Map.of("positions", many))))
                .hasMessageContaining("option piecewise.positions asks for 65 pivots, too many: at most 64");
        assertThat(PiecewiseHypernetwork.pivots(new ComponentOptions("piecewise", Map.of("pivots", "64"))))
                .hasSize(64);
    }
}
