package io.hyperprune.engine.graph;

import io.hyperprune.api.Component;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The shapes the SPIs promise for the graph pieces plugins build (generated tensors, weights,
 * penalties), checked when the graph is built. SameDiff knows no shapes before it runs, so the pieces
 * are evaluated once, at the initial values, in stages (the hypernetwork's first, then the evidence's),
 * and a wrong shape, a non-finite value or a failing op is reported naming the plugin that built it,
 * instead of an ND4J error deep inside the first training step.
 */
final class PluginOutputs {

    /** One piece: who built it, what it is, and its promised shape. */
    private record Expected(Plugin plugin, String what, String variable, long[] shape, boolean modelAxis) {}

    /** A component and its SPI. */
    record Plugin(Class<? extends Component> spi, Component component) {}

    private final int models;
    private final List<Expected> expected = new ArrayList<>();

    PluginOutputs(int models) {
        this.models = models;
    }

    /** A piece of shape [K or 1, ...shape]. */
    void expectModelAxis(Plugin plugin, String what, SDVariable variable, long[] shape) {
        expected.add(new Expected(plugin, what, variable.name(), shape, true));
    }

    /** A piece of exactly this shape. */
    void expectShape(Plugin plugin, String what, SDVariable variable, long[] shape) {
        expected.add(new Expected(plugin, what, variable.name(), shape, false));
    }

    /** Evaluates every piece, one plugin after the other, and checks it. */
    void verify(SameDiff sd, Map<String, INDArray> inputs) {
        Map<Plugin, List<Expected>> byPlugin = new LinkedHashMap<>();
        expected.forEach(e ->
                byPlugin.computeIfAbsent(e.plugin(), p -> new ArrayList<>()).add(e));
        for (Map.Entry<Plugin, List<Expected>> stage : byPlugin.entrySet()) {
            Plugin plugin = stage.getKey();
            String[] names =
                    stage.getValue().stream().map(Expected::variable).distinct().toArray(String[]::new);
            Map<String, INDArray> values;
            try {
                values = sd.output(inputs, names);
            } catch (RuntimeException e) {
                throw new ComponentFault(
                        plugin.spi(),
                        plugin.component(),
                        "the graph it built cannot be computed: " + e.getClass().getSimpleName() + ": "
                                + e.getMessage(),
                        e);
            }
            for (Expected piece : stage.getValue()) {
                check(piece, values.get(piece.variable()));
            }
        }
    }

    private void check(Expected piece, INDArray value) {
        long[] actual = value == null ? null : value.shape();
        boolean fits = actual != null
                && (piece.modelAxis()
                        ? TensorChecks.hasModelAxis(actual, models, piece.shape())
                        : Arrays.equals(actual, piece.shape()));
        if (!fits) {
            long[] withK = ModelGraph.withModelAxis(models, piece.shape());
            String promised = piece.modelAxis() && models == 1
                    ? Arrays.toString(withK)
                    : piece.modelAxis()
                            ? Arrays.toString(withK) + " (K = " + models + " models per pass) or "
                                    + Arrays.toString(ModelGraph.withModelAxis(1, piece.shape()))
                            : Arrays.toString(piece.shape());
            throw new ComponentFault(
                    piece.plugin().spi(),
                    piece.plugin().component(),
                    piece.what() + " has shape " + (actual == null ? "none" : Arrays.toString(actual))
                            + ", but its SPI promises " + promised);
        }
        Optional<String> bad = TensorChecks.firstNonFinite(value);
        if (bad.isPresent()) {
            throw new ComponentFault(
                    piece.plugin().spi(),
                    piece.plugin().component(),
                    piece.what() + " is not finite at the initial values: " + bad.get());
        }
    }
}
