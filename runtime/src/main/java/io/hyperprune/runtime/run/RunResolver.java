package io.hyperprune.runtime.run;

import static java.util.Objects.requireNonNull;

import io.hyperprune.api.Component;
import io.hyperprune.api.ComponentOptions;
import io.hyperprune.api.DataRequest;
import io.hyperprune.api.DataSplit;
import io.hyperprune.api.Dataset;
import io.hyperprune.api.DatasetProvider;
import io.hyperprune.api.Evidence;
import io.hyperprune.api.Hypernetwork;
import io.hyperprune.engine.graph.ModelSpec;
import io.hyperprune.runtime.data.ValidationSplit;
import io.hyperprune.runtime.wiring.ComponentRegistry;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Turns {@link RunSpec}s into runnable configurations: selects the components by id (with "did you
 * mean"), validates their options, loads each data set once and records provenance.
 */
public final class RunResolver {

    private final ComponentRegistry registry;
    private final Function<ComponentOptions, DataRequest> dataRequests;
    private final Map<String, Dataset> loaded = new HashMap<>();
    private final Map<String, ValidationSplit> carved = new HashMap<>();

    /** @param dataRequests where and how to load a data set, given the provider's options */
    public RunResolver(ComponentRegistry registry, Function<ComponentOptions, DataRequest> dataRequests) {
        this.registry = requireNonNull(registry, "registry is null");
        this.dataRequests = requireNonNull(dataRequests, "dataRequests is null");
    }

    /** A resolved run: its configuration and the components and data it runs with. */
    /**
     * A resolved run: its configuration and the components and data it runs with.
     *
     * @param data the data set without the validation samples: what training sees
     * @param validation the held-out samples (empty when the run holds none out)
     */
    public record Resolved(
            RunConfig config, Evidence evidence, Hypernetwork hypernetwork, Dataset data, DataSplit validation) {}

    public Resolved resolve(RunSpec spec) {
        return resolve(spec, List.of());
    }

    /**
     * Resolves a spec; options addressed to a component id that is neither selected here nor in
     * {@code others} (e.g. the pruning criteria of an experiment) are rejected as a misspelt id.
     */
    public Resolved resolve(RunSpec spec, List<? extends Component> others) {
        ModelSpec.parse(spec.model());
        Evidence evidence = registry.select(Evidence.class, spec.evidence());
        Hypernetwork hypernetwork = registry.select(Hypernetwork.class, spec.hypernetwork());
        DatasetProvider provider = registry.select(DatasetProvider.class, spec.dataset());
        ComponentOptionsParser parser = new ComponentOptionsParser(spec.options());
        List<Component> selected = new java.util.ArrayList<>(List.of(evidence, hypernetwork, provider));
        selected.addAll(others);
        parser.checkAllUsed(selected);
        ComponentOptions evidenceOptions = parser.optionsFor(evidence);
        ComponentOptions hypernetworkOptions = parser.optionsFor(hypernetwork);
        ComponentOptions dataOptionsOfProvider = parser.optionsFor(provider);
        String dataKey = spec.dataset() + dataOptionsOfProvider.values();
        Dataset full = loaded.computeIfAbsent(dataKey, key -> provider.load(dataRequests.apply(dataOptionsOfProvider)));
        ModelSpec.parse(spec.model()).checkCompatible(full.sampleShape(), full.classes(), full.id());
        int validation = ValidationSplit.size(spec.validation(), full.train().size());
        ValidationSplit split =
                carved.computeIfAbsent(dataKey + "/" + validation, key -> ValidationSplit.carve(full, validation));
        RunConfig config = new RunConfig(
                spec.dataset(),
                dataOptionsOfProvider.values(),
                full.checksums(),
                validation,
                spec.model(),
                component(evidence, evidenceOptions),
                component(hypernetwork, hypernetworkOptions),
                spec.lambdas(),
                spec.lambdaSamples(),
                spec.lambdaMin(),
                spec.lambdaMax(),
                spec.epochs(),
                spec.batchSize(),
                spec.learningRate(),
                spec.clip(),
                spec.seed(),
                Environments.current());
        return new Resolved(config, evidence, hypernetwork, split.training(), split.validation());
    }

    /** A finished (or checkpointed) run directory with its stored configuration, components and data. */
    public Resolved load(java.nio.file.Path runDirectory) {
        RunConfig stored = TrainingRun.readConfig(runDirectory);
        Map<String, Map<String, String>> options = new HashMap<>();
        options.put(stored.evidence().id(), stored.evidence().options());
        options.put(stored.hypernetwork().id(), stored.hypernetwork().options());
        options.put(stored.dataset(), stored.datasetOptions());
        RunSpec spec = new RunSpec(
                stored.dataset(),
                stored.model(),
                stored.evidence().id(),
                stored.hypernetwork().id(),
                stored.lambdas(),
                stored.lambdaSamples(),
                stored.lambdaMin(),
                stored.lambdaMax(),
                stored.epochs(),
                stored.batchSize(),
                stored.learningRate(),
                stored.clip(),
                stored.seed(),
                stored.validation(),
                options);
        Resolved current = resolve(spec);
        return new Resolved(stored, current.evidence(), current.hypernetwork(), current.data(), current.validation());
    }

    private RunConfig.Component component(Component component, ComponentOptions options) {
        return new RunConfig.Component(
                component.id(), registry.versionOf(component), registry.originOf(component), options.values());
    }
}
