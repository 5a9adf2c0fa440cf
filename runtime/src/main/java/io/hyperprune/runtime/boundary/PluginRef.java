package io.hyperprune.runtime.boundary;

import static java.util.Objects.requireNonNull;

/**
 * Which component a fault belongs to, as the user selects and finds it.
 *
 * @param kind the SPI as users name it: "evidence", "hypernetwork", "pruning criterion", "data set"
 * @param id the id read once when the component was loaded
 * @param className the implementation class
 * @param origin the plugin jar or directory, or "classpath" for built-ins and the host's class path
 */
public record PluginRef(String kind, String id, String className, String origin) {

    public PluginRef {
        requireNonNull(kind, "kind is null");
        requireNonNull(id, "id is null");
        requireNonNull(className, "className is null");
        requireNonNull(origin, "origin is null");
    }

    /** True for a component of the host's class path (built-in), not of a plugins directory. */
    public boolean builtIn() {
        return origin.equals("classpath");
    }

    /** {@code <kind> '<id>' from <jar or "built-in">}. */
    @Override
    public String toString() {
        return kind + " '" + id + "' from " + (builtIn() ? "built-in" : origin);
    }

    /** What the user can do about a fault of this component. */
    String fix() {
        return builtIn()
                ? "this is a bug of the built-in " + className + "; please report it"
                : "fix the plugin (class " + className + ") or remove " + origin + " from the plugins directory";
    }
}
