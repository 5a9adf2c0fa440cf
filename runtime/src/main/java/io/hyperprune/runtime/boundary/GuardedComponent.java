package io.hyperprune.runtime.boundary;

import io.hyperprune.api.Component;
import java.util.Map;

/**
 * What every boundary wrapper shares: the plugin's id, description and options, read once when it was
 * loaded (a plugin can never change them later), and its identity for fault messages.
 */
abstract class GuardedComponent<T extends Component> implements Component {

    final T delegate;
    final PluginRef plugin;
    private final String description;
    private final Map<String, String> options;

    GuardedComponent(T delegate, PluginRef plugin, String description, Map<String, String> options) {
        this.delegate = delegate;
        this.plugin = plugin;
        this.description = description;
        this.options = Map.copyOf(options);
    }

    @Override
    public final String id() {
        return plugin.id();
    }

    @Override
    public final String description() {
        return description;
    }

    @Override
    public final Map<String, String> options() {
        return options;
    }

    PluginFault fault(String what) {
        return new PluginFault(plugin, what);
    }

    <R> R call(String method, java.util.function.Supplier<R> body) {
        return PluginCalls.call(plugin, method, body);
    }

    @Override
    public String toString() {
        return plugin.toString();
    }
}
