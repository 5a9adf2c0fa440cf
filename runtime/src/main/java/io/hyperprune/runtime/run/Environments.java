package io.hyperprune.runtime.run;

import io.hyperprune.engine.kernels.NativeBuild;
import org.nd4j.linalg.factory.Nd4j;

/** Reads the facts about this process that a run's provenance records. */
public final class Environments {

    private Environments() {}

    public static RunConfig.Environment current() {
        String version = Environments.class.getPackage().getImplementationVersion();
        String threads = System.getenv("OMP_NUM_THREADS");
        return new RunConfig.Environment(
                version == null ? "development" : version,
                System.getProperty("java.version"),
                Nd4j.getBackend().getClass().getSimpleName(),
                threads == null ? "unset" : threads,
                Runtime.getRuntime().availableProcessors(),
                switches(System.getProperties(), System.getenv()),
                nativeBuild());
    }

    /** The libnd4j build that loaded (not just the one asked for), for provenance and doctor. */
    public static String nativeBuild() {
        Nd4j.getBackend(); // loads the natives
        return NativeBuild.loaded().map(NativeBuild::id).orElse("unknown");
    }

    /**
     * The execution switches set for this process: {@code -Dhyperprune.*} properties (executor, sparse,
     * split, ...) and {@code HYPERPRUNE_NATIVE_THREADS}. They change how a step runs (and with it the float
     * rounding of some sums), so a run's provenance names them.
     */
    static java.util.SortedMap<String, String> switches(
            java.util.Properties properties, java.util.Map<String, String> env) {
        java.util.SortedMap<String, String> switches = new java.util.TreeMap<>();
        for (String name : properties.stringPropertyNames()) {
            if (name.startsWith("hyperprune.") && !name.equals("hyperprune.home")) {
                switches.put("-D" + name, properties.getProperty(name));
            }
        }
        String nativeThreads = env.get("HYPERPRUNE_NATIVE_THREADS");
        if (nativeThreads != null) {
            switches.put("HYPERPRUNE_NATIVE_THREADS", nativeThreads);
        }
        return switches;
    }
}
