package io.hyperprune.runtime.boundary;

import io.hyperprune.api.Component;
import io.hyperprune.api.DatasetProvider;
import io.hyperprune.api.Evidence;
import io.hyperprune.api.Hypernetwork;
import io.hyperprune.api.PruningCriterion;
import java.util.Map;

/**
 * The runtime never hands out a plugin's own instance: the loader wraps each one in its SPI's guarded
 * form, which keeps the id, description and options read at load, names the plugin in every fault and
 * checks every result against the SPI's contract.
 */
public final class Boundary {

    private Boundary() {}

    /**
     * The guarded form of a loaded component whose id, description and options were read (once) at load.
     */
    public static <T extends Component> T wrap(
            Class<T> spi, T instance, PluginRef plugin, String description, Map<String, String> options) {
        Component guarded;
        if (spi == PruningCriterion.class) {
            guarded = new GuardedCriterion((PruningCriterion) instance, plugin, description, options);
        } else if (spi == Evidence.class) {
            guarded = new GuardedEvidence((Evidence) instance, plugin, description, options);
        } else if (spi == Hypernetwork.class) {
            guarded = new GuardedHypernetwork((Hypernetwork) instance, plugin, description, options);
        } else if (spi == DatasetProvider.class) {
            guarded = new GuardedDatasetProvider((DatasetProvider) instance, plugin, description, options);
        } else {
            throw new IllegalArgumentException("not an SPI: " + spi.getName());
        }
        return spi.cast(guarded);
    }

    /**
     * The component itself if it is guarded already, else its guarded form (for components the runtime
     * creates itself, e.g. the plain models' hypernetwork of one run, and for tests).
     */
    public static <T extends Component> T guard(Class<T> spi, T component) {
        if (component instanceof GuardedComponent<?>) {
            return component;
        }
        String className = component.getClass().getName();
        PluginRef unnamed =
                new PluginRef(kind(spi), "(" + component.getClass().getSimpleName() + ")", className, "classpath");
        String id = PluginCalls.call(unnamed, "id", component::id);
        PluginRef plugin = new PluginRef(kind(spi), String.valueOf(id), className, "classpath");
        String description = PluginCalls.call(plugin, "description", component::description);
        Map<String, String> options = PluginCalls.call(plugin, "options", component::options);
        return wrap(
                spi, component, plugin, description == null ? "" : description, options == null ? Map.of() : options);
    }

    /** Which plugin a component is, for messages about results the engine checks itself. */
    public static PluginRef plugin(Class<? extends Component> spi, Component component) {
        if (component instanceof GuardedComponent<?> guarded) {
            return guarded.plugin;
        }
        return new PluginRef(
                kind(spi), String.valueOf(component.id()), component.getClass().getName(), "classpath");
    }

    /** A contract breach the engine found while building a graph, named with the plugin's jar. */
    public static PluginFault fault(io.hyperprune.engine.graph.ComponentFault fault) {
        return new PluginFault(plugin(fault.spi(), fault.component()), fault.what(), fault);
    }

    /** The name of an SPI as users see it: "evidence", "hypernetwork", "pruning criterion", "data set". */
    public static String kind(Class<?> spi) {
        return Spi.of(spi).kind();
    }
}
