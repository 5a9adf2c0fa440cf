package io.hyperprune.runtime.wiring;

import static java.util.Objects.requireNonNull;

import io.hyperprune.api.Component;
import io.hyperprune.api.InputException;
import io.hyperprune.runtime.boundary.Boundary;
import io.hyperprune.runtime.loading.LoadedComponent;
import io.hyperprune.runtime.loading.PluginLoader;
import io.hyperprune.runtime.loading.PluginProblem;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The discovered components by SPI and id. Every component it hands out is the boundary's guarded form
 * made by the loader ({@link Boundary}), never a plugin's own object, so its id is the one read at load
 * and every call into it is checked; {@link #versionOf} and {@link #originOf} know these instances.
 * Selecting a broken, incompatible or duplicated component
 * fails with a message naming the jar, the class and the fix; the others stay usable.
 */
public final class ComponentRegistry {

    private final List<LoadedComponent> components;
    private final List<PluginProblem> problems;
    private final List<PluginLoader.PluginInfo> plugins;
    private final Map<Component, LoadedComponent> byInstance = new IdentityHashMap<>();

    public ComponentRegistry(PluginLoader.Discovery discovery) {
        requireNonNull(discovery, "discovery is null");
        this.components = discovery.components();
        this.problems = discovery.problems();
        this.plugins = discovery.plugins();
        for (LoadedComponent c : components) {
            c.instance().ifPresent(instance -> byInstance.put(instance, c));
        }
    }

    /** Registry over the host class path plus an optional plugins directory. */
    public static ComponentRegistry load(Optional<Path> pluginsDirectory) {
        return new ComponentRegistry(PluginLoader.discover(ComponentRegistry.class.getClassLoader(), pluginsDirectory));
    }

    /**
     * The usable component with this id.
     *
     * @throws InputException naming the SPI, the id, a "did you mean" and the known ids; or the load
     *     problem of that component; or both origins of a duplicated id
     */
    public <T extends Component> T select(Class<T> spi, String id) {
        List<LoadedComponent> matches = components.stream()
                .filter(c -> c.spi() == spi && c.id().equals(id))
                .toList();
        if (matches.size() > 1) {
            throw new InputException(duplicateMessage(spi, id, matches));
        }
        if (matches.size() == 1) {
            LoadedComponent match = matches.get(0);
            if (match.problem().isPresent()) {
                throw new InputException(kind(spi) + " '" + id + "' cannot be used: "
                        + match.problem().get());
            }
            return spi.cast(match.instance().orElseThrow());
        }
        StringBuilder message = new StringBuilder("unknown " + kind(spi) + " '" + id + "'")
                .append(Suggestions.didYouMean(id, components(spi).keySet()))
                .append("; known: ")
                .append(String.join(", ", components(spi).keySet()));
        for (LoadedComponent c : components) {
            if (c.spi() == spi && c.problem().isPresent()) {
                message.append("\n  note: a ")
                        .append(kind(spi))
                        .append(" failed to load: ")
                        .append(c.problem().get());
            }
        }
        throw new InputException(message.toString());
    }

    /** All usable components of one SPI, by id (duplicated ids excluded). */
    public <T extends Component> SortedMap<String, T> components(Class<T> spi) {
        SortedMap<String, T> result = new TreeMap<>();
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (LoadedComponent c : components) {
            if (c.spi() == spi && c.instance().isPresent()) {
                counts.merge(c.id(), 1, Integer::sum);
            }
        }
        for (LoadedComponent c : components) {
            if (c.spi() == spi && c.instance().isPresent() && counts.get(c.id()) == 1) {
                result.put(c.id(), spi.cast(c.instance().get()));
            }
        }
        return Collections.unmodifiableSortedMap(result);
    }

    /** Ids provided twice or more within one SPI, with a message naming every origin and class. */
    public List<String> duplicates() {
        Map<String, List<LoadedComponent>> byKey = new LinkedHashMap<>();
        for (LoadedComponent c : components) {
            if (c.instance().isPresent()) {
                byKey.computeIfAbsent(c.spi().getSimpleName() + ":" + c.id(), k -> new ArrayList<>())
                        .add(c);
            }
        }
        List<String> messages = new ArrayList<>();
        byKey.values().stream()
                .filter(list -> list.size() > 1)
                .forEach(list -> messages.add(
                        duplicateMessage(list.get(0).spi(), list.get(0).id(), list)));
        return messages;
    }

    /** Everything found, including broken entries and plugin faults, for {@code hyperprune plugins}. */
    public List<ComponentDescriptor> describe() {
        List<ComponentDescriptor> result = new ArrayList<>();
        for (LoadedComponent c : components) {
            result.add(new ComponentDescriptor(
                    kind(c.spi()),
                    c.id(),
                    c.instance().map(Component::description).orElse(""),
                    c.origin(),
                    c.version(),
                    c.problem()));
        }
        return result;
    }

    public List<PluginProblem> problems() {
        return problems;
    }

    public List<PluginLoader.PluginInfo> plugins() {
        return plugins;
    }

    /** The plugin version of a component this registry created. */
    public String versionOf(Component component) {
        LoadedComponent c = byInstance.get(component);
        return c == null ? "unknown" : c.version();
    }

    /** Where a component came from: "classpath" or its plugin jar/directory. */
    public String originOf(Component component) {
        LoadedComponent c = byInstance.get(component);
        return c == null ? "unknown" : c.origin();
    }

    /** The kebab-case name of an SPI as users see it: "evidence", "hypernetwork", ... */
    public static String kind(Class<?> spi) {
        return Boundary.kind(spi);
    }

    private static String duplicateMessage(Class<?> spi, String id, List<LoadedComponent> matches) {
        StringBuilder message =
                new StringBuilder(kind(spi) + " id '" + id + "' is provided " + matches.size() + " times:");
        for (LoadedComponent c : matches) {
            message.append("\n  ").append(c.className()).append(" from ").append(c.origin());
        }
        return message.append("\nremove one of these jars from the plugins directory, or rename one component's id")
                .toString();
    }
}
