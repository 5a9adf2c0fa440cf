package io.hyperprune.api;

import java.util.Map;

/**
 * What every pluggable component has in common: a stable id the user selects it by, a one-line
 * description, and the options it understands.
 *
 * <p>Components are discovered with {@link java.util.ServiceLoader}: an implementation needs a public
 * no-argument constructor and a line in {@code META-INF/services/<SPI interface name>}. One instance
 * serves every run of the process, so implementations must be stateless (or immutable) and
 * thread-safe; everything a call needs comes in through its arguments.
 */
public interface Component {

    /** Stable kebab-case id ({@code [a-z0-9]+(-[a-z0-9]+)*}), unique within its SPI. */
    String id();

    /** One line, no trailing period needed; shown by {@code hyperprune plugins}. */
    String description();

    /**
     * Options this component reads from {@link ComponentOptions}, as name to one-line help. The runtime
     * rejects any other option given for this component, with a "did you mean" suggestion.
     */
    default Map<String, String> options() {
        return Map.of();
    }
}
