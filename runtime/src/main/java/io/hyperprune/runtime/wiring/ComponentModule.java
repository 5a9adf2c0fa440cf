package io.hyperprune.runtime.wiring;

import static java.util.Objects.requireNonNull;

import com.google.inject.AbstractModule;
import com.google.inject.multibindings.MapBinder;
import io.hyperprune.api.Component;
import io.hyperprune.runtime.boundary.Spi;

/**
 * Binds the registry and, per SPI, a {@code Map<String, SPI>} of the usable components by id, so the
 * rest of the runtime asks for components by id and never for implementation classes.
 */
public final class ComponentModule extends AbstractModule {

    private final ComponentRegistry registry;

    public ComponentModule(ComponentRegistry registry) {
        this.registry = requireNonNull(registry, "registry is null");
    }

    @Override
    protected void configure() {
        bind(ComponentRegistry.class).toInstance(registry);
        for (Spi spi : Spi.values()) {
            bindAll(spi.type());
        }
    }

    private <T extends Component> void bindAll(Class<T> spi) {
        MapBinder<String, T> binder = MapBinder.newMapBinder(binder(), String.class, spi);
        registry.components(spi)
                .forEach((id, component) -> binder.addBinding(id).toInstance(component));
    }
}
