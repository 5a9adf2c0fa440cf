package io.hyperprune.runtime.cli;

import static java.util.Objects.requireNonNull;

import com.google.inject.Inject;
import io.hyperprune.api.Component;
import io.hyperprune.api.DatasetProvider;
import io.hyperprune.api.Evidence;
import io.hyperprune.api.Hypernetwork;
import io.hyperprune.api.PruningCriterion;
import io.hyperprune.engine.graph.ModelSpec;
import io.hyperprune.engine.kernels.NativeBuild;
import io.hyperprune.engine.kernels.NativeThreads;
import io.hyperprune.runtime.boundary.Spi;
import io.hyperprune.runtime.run.Environments;
import io.hyperprune.runtime.wiring.ComponentRegistry;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.nd4j.linalg.factory.Nd4j;
import picocli.CommandLine.Command;

/** {@code hyperprune doctor}: the facts that explain most performance and setup problems. */
@Command(
        name = "doctor",
        mixinStandardHelpOptions = true,
        description = "Show Java, ND4J backend and native build, CPU, threads, memory, plugin and data directories.")
final class DoctorCommand implements Callable<Integer> {

    private final ComponentRegistry registry;
    private final Console console;
    /** The usable components by SPI and id, as ComponentModule binds them. */
    private final Map<String, Map<String, ? extends Component>> usable;

    @Inject
    DoctorCommand(
            ComponentRegistry registry,
            Console console,
            Map<String, Evidence> evidences,
            Map<String, Hypernetwork> hypernetworks,
            Map<String, PruningCriterion> criteria,
            Map<String, DatasetProvider> datasets) {
        this.registry = requireNonNull(registry, "registry is null");
        this.console = requireNonNull(console, "console is null");
        this.usable = Map.of(
                Spi.EVIDENCE.kind(), evidences,
                Spi.HYPERNETWORK.kind(), hypernetworks,
                Spi.PRUNING_CRITERION.kind(), criteria,
                Spi.DATA_SET.kind(), datasets);
    }

    @Override
    public Integer call() {
        PrintStream out = console.out();
        out.println("hyperprune      " + VersionProvider.version());
        out.println("java            " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor")
                + ")");
        out.println("nd4j backend    " + Nd4j.getBackend().getClass().getSimpleName());
        out.println("native build    " + nativeBuild());
        var environment = Nd4j.getEnvironment();
        out.println("cpu             " + Runtime.getRuntime().availableProcessors() + " processors; "
                + Nd4j.getExecutioner()
                        .getEnvironmentInformation()
                        .getOrDefault("cpu.features", "features not reported"));
        out.println("OMP_NUM_THREADS "
                + System.getenv()
                        .getOrDefault("OMP_NUM_THREADS", "unset (ND4J uses all cores; 1 is fastest for small nets)"));
        out.println("OMP_WAIT_POLICY "
                + System.getenv()
                        .getOrDefault("OMP_WAIT_POLICY", "unset (idle OpenMP threads spin; PASSIVE is faster here)"));
        out.println("nd4j threads    " + environment.maxMasterThreads());
        NativeThreads.Choice mlp = NativeThreads.forThisProcess(ModelSpec.Kind.MLP);
        out.println("native threads  while training: MLP " + mlp.threads() + " (" + mlp.reason() + "), conv "
                + NativeThreads.forThisProcess(ModelSpec.Kind.CONV).threads()
                + "; HYPERPRUNE_NATIVE_THREADS=N sets both");
        out.println("max heap        " + Runtime.getRuntime().maxMemory() / (1024 * 1024) + " MiB");
        out.println("jvm arguments   " + ManagementFactory.getRuntimeMXBean().getInputArguments());
        out.println("memory limit    " + cgroupLimit());
        out.println("plugins dir     "
                + Main.pluginsDirectory(new String[0]).map(Path::toString).orElse("none (use --plugins-dir)"));
        out.println("plugins         " + registry.plugins().size() + " loaded, "
                + registry.problems().size() + " problems");
        long unusable = registry.describe().stream()
                .filter(d -> d.problem().isPresent())
                .count();
        out.println("components      " + (registry.describe().size() - unusable) + " usable, " + unusable + " unusable"
                + (unusable > 0 ? " (see hyperprune plugins)" : ""));
        for (Spi spi : Spi.values()) {
            out.printf(
                    "  %-13s %s%n",
                    spi.kind(),
                    String.join(", ", new TreeSet<>(usable.get(spi.kind()).keySet())));
        }
        out.println("HYPERPRUNE_DATA " + System.getenv().getOrDefault("HYPERPRUNE_DATA", "unset"));
        return 0;
    }

    /** The build that loaded, why it was chosen, and how to choose another. */
    private static String nativeBuild() {
        String loaded = Environments.nativeBuild();
        String shipped = NativeBuild.shipped().stream().map(NativeBuild::id).collect(Collectors.joining("|"));
        String chosen = NativeBuild.chosen()
                .map(c -> c.build().id().equals(loaded)
                        ? c.reason()
                        : c.build().id() + " was chosen (" + c.reason() + ") but its natives did not load")
                .orElse("chosen by JavaCPP");
        return loaded + " (" + chosen + "); " + NativeBuild.OVERRIDE + "=" + shipped + " chooses";
    }

    private static String cgroupLimit() {
        for (Path file :
                new Path[] {Path.of("/sys/fs/cgroup/memory.max"), Path.of("/sys/fs/cgroup/memory/memory.limit_in_bytes")
                }) {
            try {
                if (Files.isReadable(file)) {
                    String value = Files.readString(file).trim();
                    return value.equals("max") ? "none" : Long.parseLong(value) / (1024 * 1024) + " MiB";
                }
            } catch (Exception e) {
                // unreadable: try the next location
            }
        }
        return "unknown";
    }
}
