package io.hyperprune.runtime.loading;

import static java.util.Objects.requireNonNull;

import io.hyperprune.api.Component;
import java.util.Optional;

/**
 * One provider found by discovery: its SPI, class, origin, version, the id it had when loaded, and
 * either its instance (the boundary's guarded form, never the plugin's own object) or the problem that
 * prevents using it.
 *
 * @param id the id read once at load (a plugin cannot change it later), or a placeholder derived from
 *     the class name when it could not be created
 */
public record LoadedComponent(
        Class<? extends Component> spi,
        String className,
        String origin,
        String version,
        String id,
        Optional<Component> instance,
        Optional<String> problem) {

    public LoadedComponent {
        requireNonNull(spi, "spi is null");
        requireNonNull(className, "className is null");
        requireNonNull(origin, "origin is null");
        requireNonNull(version, "version is null");
        requireNonNull(id, "id is null");
        requireNonNull(instance, "instance is null");
        requireNonNull(problem, "problem is null");
    }

    /** A provider that cannot be used, shown under a placeholder id derived from its class name. */
    static LoadedComponent unusable(
            Class<? extends Component> spi, String className, String origin, String version, String problem) {
        return new LoadedComponent(
                spi, className, origin, version, placeholder(className), Optional.empty(), Optional.of(problem));
    }

    static String placeholder(String className) {
        return "(" + className.substring(className.lastIndexOf('.') + 1) + ")";
    }
}
