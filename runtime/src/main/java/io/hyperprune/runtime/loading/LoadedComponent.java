package io.hyperprune.runtime.loading;

import static java.util.Objects.requireNonNull;

import io.hyperprune.api.Component;
import java.util.Optional;

/**
 * One provider found by discovery: its SPI, class, origin, version, and either the instance or the
 * problem that prevents using it.
 */
public record LoadedComponent(Class<? extends Component> spi, String className, String origin, String version,
        Optional<Component> instance, Optional<String> problem) {

    public LoadedComponent {
        requireNonNull(spi, "spi is null");
        requireNonNull(className, "className is null");
        requireNonNull(origin, "origin is null");
        requireNonNull(version, "version is null");
        requireNonNull(instance, "instance is null");
        requireNonNull(problem, "problem is null");
    }

    /** The component's id, or a placeholder derived from the class name when it could not be created. */
    public String id() {
        return instance.map(Component::id).orElse("(" + className.substring(className.lastIndexOf('.') + 1) + ")");
    }
}
