package io.hyperprune.runtime.run;

import static java.util.Objects.requireNonNull;

import io.hyperprune.api.LambdaRange;
import io.hyperprune.engine.graph.ConstantHypernetwork;
import io.hyperprune.engine.train.TrainingSettings;
import java.util.List;
import java.util.Map;

/**
 * The fully resolved configuration of one training run, stored as {@code config.json} in the run
 * directory (its provenance: components with their versions, data identity, seed, threads, backend).
 * Everything needed to rebuild the run's graph and continue or evaluate it comes from here.
 *
 * @param validation the training samples held out for model selection (0: none, as in files written
 *     before validation splits existed, which read as 0)
 */
public record RunConfig(
        String dataset,
        Map<String, String> datasetOptions,
        Map<String, String> dataChecksums,
        int validation,
        String model,
        Component evidence,
        Component hypernetwork,
        List<Double> lambdas,
        int lambdaSamples,
        double lambdaMin,
        double lambdaMax,
        int epochs,
        int batchSize,
        double learningRate,
        double clip,
        long seed,
        Environment environment) {

    /** A selected component: id, plugin version and origin, options. */
    public record Component(String id, String version, String origin, Map<String, String> options) {
        public Component {
            requireNonNull(id, "id is null");
            options = Map.copyOf(options);
        }
    }

    /**
     * Where it ran: versions, backend, native build and threads (bit-identical results need the same build
     * and thread count).
     *
     * @param switches execution switches set for the process ({@code -Dhyperprune.*}, {@code HYPERPRUNE_NATIVE_THREADS});
     *     absent in files of older versions
     * @param nativeBuild the libnd4j build that ran (generic, onednn-avx2, ...; see NativeBuild), "unknown" if it
     *     could not be told; null in files of older versions
     */
    public record Environment(
            String hyperprune,
            String java,
            String backend,
            String ompNumThreads,
            int processors,
            java.util.SortedMap<String, String> switches,
            String nativeBuild) {}

    public RunConfig {
        requireNonNull(dataset, "dataset is null");
        datasetOptions = Map.copyOf(datasetOptions);
        dataChecksums = Map.copyOf(dataChecksums);
        requireNonNull(model, "model is null");
        requireNonNull(evidence, "evidence is null");
        requireNonNull(hypernetwork, "hypernetwork is null");
        lambdas = List.copyOf(lambdas);
    }

    /** True for the plain models (a)-(c): the constant hypernetwork, one independent model per lambda. */
    public boolean plain() {
        return ConstantHypernetwork.isPlain(hypernetwork.id());
    }

    /** K, the models per graph pass: one per lambda for plain runs, S lambda samples for hypernetworks. */
    public int modelsPerPass() {
        return plain() ? lambdas.size() : lambdaSamples;
    }

    public LambdaRange range() {
        return new LambdaRange(lambdaMin, lambdaMax);
    }

    public TrainingSettings settings() {
        return new TrainingSettings(epochs, batchSize, learningRate, clip, seed, lambdas, lambdaSamples, range());
    }

    /** "variational" for a plain run, "variational+piecewise" for a hypernetwork run. */
    public String modelName() {
        return plain() ? evidence.id() : evidence.id() + "+" + hypernetwork.id();
    }
}
