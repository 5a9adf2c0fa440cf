package io.hyperprune.runtime.loading;

import io.hyperprune.api.ApiVersion;
import io.hyperprune.api.Component;
import io.hyperprune.runtime.boundary.Boundary;
import io.hyperprune.runtime.boundary.PluginCalls;
import io.hyperprune.runtime.boundary.PluginRef;
import io.hyperprune.runtime.boundary.Spi;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.MalformedURLException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Discovers components: those on the host class path (built-ins, and plugins that tests put there)
 * and those of a plugins directory, where every sub-directory (all its jars) and every loose jar is one
 * plugin with its own {@link PluginClassLoader}. Each provider is instantiated on its own, so one
 * broken provider never hides the others; every fault becomes a {@link PluginProblem} or a component
 * marked unusable, never an exception.
 */
public final class PluginLoader {

    /** The SPIs a plugin can implement. */
    public static final List<Class<? extends Component>> SPIS = Spi.types();

    static final Pattern ID = Pattern.compile("[a-z0-9]+(-[a-z0-9]+)*");
    /** Class-file major version of Java 17. */
    static final int SUPPORTED_CLASS_VERSION = 61;

    /** Everything found. */
    public record Discovery(List<LoadedComponent> components, List<PluginProblem> problems, List<PluginInfo> plugins) {}

    /** One plugin (jar or directory) and how many providers it declared. */
    public record PluginInfo(String source, int components) {}

    private PluginLoader() {}

    public static Discovery discover(ClassLoader host, Optional<Path> pluginsDirectory) {
        List<LoadedComponent> components = new ArrayList<>();
        List<PluginProblem> problems = new ArrayList<>();
        List<PluginInfo> plugins = new ArrayList<>();
        for (Class<? extends Component> spi : SPIS) {
            components.addAll(load(spi, host, "classpath", versionOf(null), null));
        }
        if (pluginsDirectory.isPresent()) {
            Path directory = pluginsDirectory.get();
            if (!Files.isDirectory(directory)) {
                problems.add(new PluginProblem(
                        directory.toString(),
                        "plugins directory does not exist; create it or fix" + " --plugins-dir / HYPERPRUNE_PLUGINS"));
            } else {
                for (Path unit : units(directory)) {
                    loadUnit(unit, host, components, problems, plugins);
                }
            }
        }
        return new Discovery(List.copyOf(components), List.copyOf(problems), List.copyOf(plugins));
    }

    private static List<Path> units(Path directory) {
        try (Stream<Path> entries = Files.list(directory)) {
            return entries.filter(p ->
                            Files.isDirectory(p) || p.getFileName().toString().endsWith(".jar"))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new IllegalStateException("cannot list plugins directory " + directory + ": " + e.getMessage(), e);
        }
    }

    private static void loadUnit(
            Path unit,
            ClassLoader host,
            List<LoadedComponent> components,
            List<PluginProblem> problems,
            List<PluginInfo> plugins) {
        List<Path> jars;
        if (Files.isDirectory(unit)) {
            try (Stream<Path> files = Files.list(unit)) {
                jars = files.filter(p -> p.getFileName().toString().endsWith(".jar"))
                        .sorted()
                        .toList();
            } catch (IOException e) {
                problems.add(new PluginProblem(unit.toString(), "cannot read plugin directory: " + e.getMessage()));
                return;
            }
            if (jars.isEmpty()) {
                problems.add(new PluginProblem(
                        unit.toString(),
                        "plugin directory holds no .jar file; put the plugin's jars in it or remove it"));
                return;
            }
        } else {
            jars = List.of(unit);
        }
        String source = unit.toString();
        Optional<String> fault = Optional.empty();
        String version = "unknown";
        for (Path jar : jars) {
            JarCheck check = check(jar);
            if (check.problem().isPresent()) {
                fault = check.problem();
                break;
            }
            if (check.version() != null) {
                version = check.version();
            }
        }
        if (fault.isPresent()) {
            problems.add(new PluginProblem(source, fault.get()));
            plugins.add(new PluginInfo(source, 0));
            return;
        }
        List<URL> urls = new ArrayList<>();
        for (Path jar : jars) {
            try {
                urls.add(jar.toUri().toURL());
            } catch (MalformedURLException e) {
                problems.add(new PluginProblem(jar.toString(), "not a valid file location: " + e.getMessage()));
                return;
            }
        }
        PluginClassLoader loader = new PluginClassLoader(unit.getFileName().toString(), urls, host);
        int count = 0;
        for (Class<? extends Component> spi : SPIS) {
            List<LoadedComponent> found = load(spi, loader, source, version, loader);
            count += found.size();
            components.addAll(found);
        }
        plugins.add(new PluginInfo(source, count));
    }

    /** A jar's problem (not a jar, newer Java, bundled shared classes, incompatible API) or its version. */
    record JarCheck(Optional<String> problem, String version) {}

    static JarCheck check(Path jar) {
        try (InputStream in = Files.newInputStream(jar)) {
            byte[] magic = in.readNBytes(4);
            if (magic.length < 4 || magic[0] != 'P' || magic[1] != 'K') {
                return new JarCheck(
                        Optional.of(jar + " is not a jar (zip) file; remove it from the plugins directory"), null);
            }
        } catch (IOException e) {
            return new JarCheck(Optional.of("cannot read " + jar + ": " + e.getMessage()), null);
        }
        try (JarFile file = new JarFile(jar.toFile())) {
            String version = null;
            if (file.getManifest() != null) {
                Attributes attributes = file.getManifest().getMainAttributes();
                version = attributes.getValue(Attributes.Name.IMPLEMENTATION_VERSION);
                String required = attributes.getValue(ApiVersion.MANIFEST_ATTRIBUTE);
                if (required != null) {
                    boolean supported;
                    try {
                        supported = ApiVersion.supports(required);
                    } catch (IllegalArgumentException e) {
                        return new JarCheck(
                                Optional.of(jar + " declares " + ApiVersion.MANIFEST_ATTRIBUTE + ": " + required
                                        + ", which is not a version <major>.<minor>; fix the plugin's manifest"),
                                null);
                    }
                    if (!supported) {
                        return new JarCheck(
                                Optional.of(jar + " requires plugin API " + required + " but this hyperprune provides "
                                        + ApiVersion.current() + "; use a plugin version built for API "
                                        + ApiVersion.current()
                                        + " or a hyperprune release with API " + required),
                                null);
                    }
                }
            }
            Enumeration<JarEntry> entries = file.entries();
            while (entries.hasMoreElements()) {
                JarEntry entry = entries.nextElement();
                String name = entry.getName();
                if (!name.endsWith(".class") || name.startsWith("META-INF/")) {
                    continue;
                }
                String className =
                        name.substring(0, name.length() - ".class".length()).replace('/', '.');
                if (className.startsWith("org.nd4j.") || className.startsWith("org.bytedeco.")) {
                    return new JarCheck(
                            Optional.of(jar + " bundles " + className + ": ND4J/JavaCPP must come from the host"
                                    + " (native libraries load once per process); build the plugin with those dependencies in"
                                    + " 'provided' scope"),
                            null);
                }
                try (DataInputStream in = new DataInputStream(file.getInputStream(entry))) {
                    if (in.readInt() != 0xCAFEBABE) {
                        return new JarCheck(
                                Optional.of(jar + ": " + name + " is not a class file; rebuild the jar"), null);
                    }
                    in.readUnsignedShort();
                    int major = in.readUnsignedShort();
                    if (major > SUPPORTED_CLASS_VERSION) {
                        return new JarCheck(
                                Optional.of(jar + ": class " + className + " is compiled for Java " + (major - 44)
                                        + ", this runtime supports Java 17: rebuild the plugin with --release 17"),
                                null);
                    }
                }
            }
            return new JarCheck(Optional.empty(), version);
        } catch (IOException e) {
            return new JarCheck(
                    Optional.of(jar + " is not a readable jar (" + e.getMessage() + "); rebuild it or remove it"
                            + " from the plugins directory"),
                    null);
        }
    }

    /** Instantiates every provider of one SPI visible through {@code loader}, each on its own. */
    private static List<LoadedComponent> load(
            Class<? extends Component> spi, ClassLoader loader, String origin, String version, PluginClassLoader own) {
        List<LoadedComponent> result = new ArrayList<>();
        ServiceLoader<? extends Component> services = ServiceLoader.load(spi, loader);
        var iterator = services.stream().iterator();
        while (true) {
            ServiceLoader.Provider<? extends Component> provider;
            try {
                if (!iterator.hasNext()) {
                    break;
                }
                provider = iterator.next();
            } catch (ServiceConfigurationError e) {
                result.add(LoadedComponent.unusable(
                        spi,
                        "unknown",
                        origin,
                        version,
                        "a provider listed in META-INF/services/" + spi.getName() + " cannot be loaded: "
                                + rootMessage(e) + "; fix the service file or the class"));
                continue;
            }
            Class<? extends Component> type = provider.type();
            if (own != null && type.getClassLoader() != own) {
                continue; // visible through the platform loader, not this plugin's
            }
            String componentVersion = own == null ? versionOf(type) : version;
            result.add(instantiate(spi, provider, origin, componentVersion));
        }
        return result;
    }

    /**
     * Creates one provider and reads its id, description and options, once: the component handed out is
     * the boundary's guarded form, which keeps these values (a plugin cannot change its id later) and
     * checks every later call. Runs tracked, so a constructor calling System.exit is named.
     */
    private static <T extends Component> LoadedComponent instantiate(
            Class<T> spi, ServiceLoader.Provider<? extends Component> provider, String origin, String version) {
        String className = provider.type().getName();
        String where = "class " + className + " in " + origin;
        return PluginCalls.tracked(
                className, origin, "being loaded (its constructor, id(), description() or options())", () -> {
                    String step = "failed to start";
                    try {
                        T component = spi.cast(provider.get());
                        step = "failed in id()";
                        String id = component.id();
                        if (id == null || !ID.matcher(id).matches()) {
                            return LoadedComponent.unusable(
                                    spi,
                                    className,
                                    origin,
                                    version,
                                    where + " has the id '" + id + "', which is not"
                                            + " kebab-case ([a-z0-9]+(-[a-z0-9]+)*); change its id()");
                        }
                        step = "failed in description()";
                        String description = component.description();
                        step = "failed in options()";
                        Map<String, String> options = component.options();
                        String wrong = description == null
                                ? "description() returned null; return one line"
                                : options == null
                                        ? "options() returned null; return Map.of() for no options"
                                        : options.entrySet().stream()
                                                        .anyMatch(o -> o.getKey() == null || o.getValue() == null)
                                                ? "options() holds null names or help texts"
                                                : null;
                        if (wrong != null) {
                            return LoadedComponent.unusable(spi, className, origin, version, where + ": " + wrong);
                        }
                        PluginRef plugin = new PluginRef(Boundary.kind(spi), id, className, origin);
                        T guarded = Boundary.wrap(spi, component, plugin, description, options);
                        return new LoadedComponent(
                                spi, className, origin, version, id, Optional.of(guarded), Optional.empty());
                    } catch (ServiceConfigurationError | RuntimeException | LinkageError | StackOverflowError e) {
                        return LoadedComponent.unusable(
                                spi,
                                className,
                                origin,
                                version,
                                where + " " + step + ": " + rootMessage(e)
                                        + (step.equals("failed to start")
                                                ? "; fix its public no-argument constructor"
                                                : "; fix the plugin"));
                    }
                });
    }

    private static String versionOf(Class<?> type) {
        Package p = type == null ? PluginLoader.class.getPackage() : type.getPackage();
        String version = p == null ? null : p.getImplementationVersion();
        return version == null ? "development" : version;
    }

    static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage());
    }
}
