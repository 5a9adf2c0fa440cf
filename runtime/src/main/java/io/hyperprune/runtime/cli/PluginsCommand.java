package io.hyperprune.runtime.cli;

import static java.util.Objects.requireNonNull;

import com.google.inject.Inject;
import io.hyperprune.api.Component;
import io.hyperprune.runtime.loading.PluginLoader;
import io.hyperprune.runtime.loading.PluginProblem;
import io.hyperprune.runtime.run.Json;
import io.hyperprune.runtime.wiring.ComponentDescriptor;
import io.hyperprune.runtime.wiring.ComponentRegistry;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code hyperprune plugins}: every component by SPI, with origin, version and problems. */
@Command(
        name = "plugins",
        mixinStandardHelpOptions = true,
        description =
                "List the components of every SPI (built-in, bundled and third-party plugins) and plugin problems.")
final class PluginsCommand implements Callable<Integer> {

    private final ComponentRegistry registry;
    private final Console console;

    @Option(names = "--json", description = "JSON on stdout.")
    boolean json;

    @Option(
            names = "--check",
            paramLabel = "<spi>:<id>",
            description =
                    "Exit 0 if the component is usable, else 2 with the reason; spi: evidence, hypernetwork, criterion, dataset.")
    String check;

    @Inject
    PluginsCommand(ComponentRegistry registry, Console console) {
        this.registry = requireNonNull(registry, "registry is null");
        this.console = requireNonNull(console, "console is null");
    }

    @Override
    public Integer call() {
        if (check != null) {
            int colon = check.indexOf(':');
            if (colon <= 0) {
                throw new io.hyperprune.api.InputException(
                        "--check '" + check + "' is not <spi>:<id>, e.g. criterion:relative-density");
            }
            Class<? extends Component> spi = spi(check.substring(0, colon));
            Component component = registry.select(spi, check.substring(colon + 1));
            console.out()
                    .println(ComponentRegistry.kind(spi) + " '" + component.id() + "' is usable: "
                            + component.description());
            return 0;
        }
        if (json) {
            Map<String, Object> document = new LinkedHashMap<>();
            List<Map<String, Object>> components = new java.util.ArrayList<>();
            for (ComponentDescriptor d : registry.describe()) {
                Map<String, Object> c = new LinkedHashMap<>();
                c.put("spi", d.spi());
                c.put("id", d.id());
                c.put("description", d.description());
                c.put("origin", d.origin());
                c.put("version", d.version());
                c.put("problem", d.problem().orElse(null));
                components.add(c);
            }
            document.put("components", components);
            document.put("plugins", registry.plugins());
            document.put("problems", registry.problems());
            document.put("duplicates", registry.duplicates());
            console.out().print(Json.write(document));
            return 0;
        }
        PrintStream out = console.out();
        for (Class<? extends Component> spi : PluginLoader.SPIS) {
            String kind = ComponentRegistry.kind(spi);
            out.println(kind + ":");
            for (ComponentDescriptor d : registry.describe()) {
                if (d.spi().equals(kind)) {
                    out.printf(
                            "  %-18s %s%n",
                            d.id(), d.problem().map(p -> "UNUSABLE: " + p).orElse(d.description()));
                    out.printf("  %-18s from %s, version %s%n", "", d.origin(), d.version());
                }
            }
        }
        out.println("plugins:");
        for (PluginLoader.PluginInfo plugin : registry.plugins()) {
            out.printf("  %s: %d components%n", plugin.source(), plugin.components());
        }
        List<PluginProblem> problems = registry.problems();
        if (!problems.isEmpty() || !registry.duplicates().isEmpty()) {
            out.println("problems:");
            problems.forEach(p -> out.println("  " + p.message()));
            registry.duplicates().forEach(d -> out.println("  " + d.replace("\n", "\n  ")));
        }
        return 0;
    }

    static Class<? extends Component> spi(String name) {
        return io.hyperprune.runtime.boundary.Spi.named(name).type();
    }
}
