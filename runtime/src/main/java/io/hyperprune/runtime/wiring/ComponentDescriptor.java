package io.hyperprune.runtime.wiring;

import java.util.Optional;

/** One entry of {@code hyperprune plugins}: a component, or a plugin fault. */
public record ComponentDescriptor(
        String spi, String id, String description, String origin, String version, Optional<String> problem) {}
