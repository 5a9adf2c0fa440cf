package io.hyperprune.runtime.run;

import io.hyperprune.api.Component;
import io.hyperprune.api.ComponentOptions;
import io.hyperprune.api.InputException;
import io.hyperprune.runtime.wiring.Suggestions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Splits {@code --option <component>.<name>=<value>} flags by component and validates each name
 * against the options the component declares, with a "did you mean" on a typo.
 */
public final class ComponentOptionsParser {

    private final Map<String, Map<String, String>> byComponent = new HashMap<>();

    public ComponentOptionsParser(Map<String, Map<String, String>> options) {
        options.forEach((component, values) -> byComponent.put(component, new TreeMap<>(values)));
    }

    /** The options given for this component, checked against {@link Component#options()}. */
    public ComponentOptions optionsFor(Component component) {
        Map<String, String> values = byComponent.getOrDefault(component.id(), Map.of());
        for (String name : values.keySet()) {
            if (!component.options().containsKey(name)) {
                String known = component.options().isEmpty()
                        ? "it has no options"
                        : "its options are " + String.join(", ", new TreeMap<>(component.options()).keySet());
                throw new InputException("--option " + component.id() + "." + name + ": component '" + component.id()
                        + "' has no option '" + name + "'"
                        + Suggestions.didYouMean(name, component.options().keySet())
                        + "; " + known);
            }
        }
        return new ComponentOptions(component.id(), values);
    }

    /** Components that were given options but are not among {@code used}: a misspelt component id. */
    public void checkAllUsed(List<? extends Component> used) {
        for (String id : byComponent.keySet()) {
            if (used.stream().noneMatch(c -> c.id().equals(id))) {
                throw new InputException("--option " + id + ".…: no selected component has the id '" + id
                        + "'; selected: "
                        + String.join(", ", used.stream().map(Component::id).toList()));
            }
        }
    }
}
