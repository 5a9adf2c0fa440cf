package io.hyperprune.runtime.boundary;

import static java.util.Objects.requireNonNull;

import io.hyperprune.api.Component;
import io.hyperprune.api.InputException;

/**
 * A plugin broke its SPI contract: it threw, or returned something its SPI's javadoc rules out (a
 * wrong shape, a non-finite score, null). The message is {@code <kind> '<id>' from <jar>: <what>; <fix>};
 * as an {@link InputException} the CLI prints it and exits with status 2 (the user can fix it by
 * fixing or removing the plugin). A caller that can carry on without this one component (e.g. an
 * experiment running several criteria) catches this type and asks {@link #plugin()} which one failed.
 */
public class PluginFault extends InputException {

    private static final long serialVersionUID = 1L;

    private final transient PluginRef plugin;

    /**
     * @param plugin the faulty component
     * @param what what it did wrong, e.g. "scores failed: IllegalStateException: no message"
     * @param cause the plugin's exception, if any
     */
    public PluginFault(PluginRef plugin, String what, Throwable cause) {
        super(
                requireNonNull(plugin, "plugin is null") + ": " + requireNonNull(what, "what is null") + "; "
                        + plugin.fix(),
                cause);
        this.plugin = plugin;
    }

    public PluginFault(PluginRef plugin, String what) {
        this(plugin, what, null);
    }

    /** The component at fault. */
    public PluginRef plugin() {
        return plugin;
    }

    /**
     * Whether this is a fault of {@code component} (e.g. of the criterion a sweep was given, rather than
     * of the evidence whose view it scores).
     */
    public boolean isFaultOf(Class<? extends Component> spi, Component component) {
        return plugin.equals(Boundary.plugin(spi, component));
    }
}
