package io.hyperprune.runtime.loading;

import static java.util.Objects.requireNonNull;

/**
 * A fault of one plugin jar or provider, for {@code hyperprune plugins} and for the error shown when
 * the affected component is selected.
 *
 * @param source the jar or plugin directory
 * @param message what is wrong and the fix
 */
public record PluginProblem(String source, String message) {

    public PluginProblem {
        requireNonNull(source, "source is null");
        requireNonNull(message, "message is null");
    }
}
