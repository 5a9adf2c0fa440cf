package io.hyperprune.engine.graph;

import static java.util.Objects.requireNonNull;

import io.hyperprune.api.Component;
import io.hyperprune.api.InputException;

/**
 * A component broke its SPI's contract while a graph was built (a piece of the wrong shape, not finite,
 * or not computable). The engine knows the component, not where it came from: the runtime, which loaded
 * it, names its plugin jar when it reports the fault.
 */
public final class ComponentFault extends InputException {

    private static final long serialVersionUID = 1L;

    private final transient Class<? extends Component> spi;
    private final transient Component component;
    private final String what;

    public ComponentFault(Class<? extends Component> spi, Component component, String what, Throwable cause) {
        super(
                spi.getSimpleName().replaceAll("(?<=[a-z])(?=[A-Z])", " ").toLowerCase(java.util.Locale.ROOT) + " '"
                        + component.id() + "': " + what,
                cause);
        this.spi = requireNonNull(spi, "spi is null");
        this.component = requireNonNull(component, "component is null");
        this.what = requireNonNull(what, "what is null");
    }

    public ComponentFault(Class<? extends Component> spi, Component component, String what) {
        this(spi, component, what, null);
    }

    public Class<? extends Component> spi() {
        return spi;
    }

    public Component component() {
        return component;
    }

    /** What is wrong, without the component's name. */
    public String what() {
        return what;
    }
}
