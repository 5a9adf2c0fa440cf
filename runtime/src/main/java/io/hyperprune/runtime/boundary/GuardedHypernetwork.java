package io.hyperprune.runtime.boundary;

import io.hyperprune.api.ComponentOptions;
import io.hyperprune.api.Hypernetwork;
import io.hyperprune.api.TensorSpec;
import java.util.Map;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;

/**
 * A hypernetwork whose generator is guarded too. The generated shapes are only known once the graph
 * runs: the engine checks them when it builds the graph.
 */
final class GuardedHypernetwork extends GuardedComponent<Hypernetwork> implements Hypernetwork {

    GuardedHypernetwork(Hypernetwork delegate, PluginRef plugin, String description, Map<String, String> options) {
        super(delegate, plugin, description, options);
    }

    @Override
    public Generator attach(SameDiff sd, SDVariable t, ComponentOptions options) {
        GraphChanges before = GraphChanges.of(sd);
        Generator generator = call("attach", () -> delegate.attach(sd, t, options));
        if (generator == null) {
            throw fault("attach returned null; return a Generator");
        }
        String problem = GraphChanges.of(sd).forbiddenSince(before, true);
        if (problem != null) {
            throw fault("attach " + problem);
        }
        return tensor -> generate(sd, generator, tensor);
    }

    private SDVariable generate(SameDiff sd, Generator generator, TensorSpec tensor) {
        GraphChanges before = GraphChanges.of(sd);
        SDVariable generated = call("generate", () -> generator.generate(tensor));
        String problem = GraphChanges.misplaced(generated, sd);
        if (problem == null) {
            problem = GraphChanges.of(sd).forbiddenSince(before, true);
        }
        if (problem != null) {
            throw fault("generate of tensor " + tensor.name() + " " + problem);
        }
        return generated;
    }
}
