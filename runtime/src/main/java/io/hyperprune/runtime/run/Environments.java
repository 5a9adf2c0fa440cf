package io.hyperprune.runtime.run;

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
                Runtime.getRuntime().availableProcessors());
    }
}
