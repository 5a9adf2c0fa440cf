package io.hyperprune.engine.train;

import io.hyperprune.api.ComponentOptions;
import io.hyperprune.api.Dataset;
import io.hyperprune.api.Evidence;
import io.hyperprune.api.Hypernetwork;
import io.hyperprune.engine.graph.ConstantHypernetwork;
import io.hyperprune.engine.graph.ModelGraph;
import io.hyperprune.engine.graph.ModelSpec;
import org.nd4j.autodiff.samediff.SameDiff;

/**
 * The one way to a trainable model: the graph a run's settings describe (or a saved one) and its
 * trainer. A plain run trains one independent model per lambda side by side, K = its lambdas; a
 * hypernetwork run K = its lambda samples.
 */
public final class Training {

    private Training() {}

    /** Models in one graph pass. */
    public static int modelsPerPass(boolean plain, TrainingSettings settings) {
        return plain ? settings.lambdas().size() : settings.lambdaSamples();
    }

    /**
     * A new model, its weights initialised from the settings' seed; a plain hypernetwork ({@link
     * ConstantHypernetwork#isPlain}) trains one model per lambda of the settings.
     */
    public static Trainer start(
            ModelSpec model,
            Evidence evidence,
            ComponentOptions evidenceOptions,
            Hypernetwork hypernetwork,
            ComponentOptions hypernetworkOptions,
            TrainingSettings settings,
            Dataset data) {
        return start(
                model,
                evidence,
                evidenceOptions,
                hypernetwork,
                hypernetworkOptions,
                settings,
                data,
                Trainer.Executor.fromSystemProperty());
    }

    /** As above, with the step executor chosen explicitly. */
    public static Trainer start(
            ModelSpec model,
            Evidence evidence,
            ComponentOptions evidenceOptions,
            Hypernetwork hypernetwork,
            ComponentOptions hypernetworkOptions,
            TrainingSettings settings,
            Dataset data,
            Trainer.Executor executor) {
        boolean plain = ConstantHypernetwork.isPlain(hypernetwork);
        int models = modelsPerPass(plain, settings);
        // Several plain models (one per lambda) train side by side, each with its own tensors.
        Hypernetwork generator = plain && models > 1
                ? ConstantHypernetwork.independent(settings.lambdas(), settings.range())
                : hypernetwork;
        ModelGraph graph = ModelGraph.build(
                model,
                evidence,
                evidenceOptions,
                generator,
                hypernetworkOptions,
                models,
                plain,
                data.train().size(),
                settings.seed());
        return new Trainer(graph, data, settings, !plain, executor);
    }

    /** A model saved by a run (with its Adam state), to continue training or to evaluate. */
    public static Trainer restore(
            SameDiff saved,
            ModelSpec model,
            Evidence evidence,
            ComponentOptions evidenceOptions,
            boolean plain,
            TrainingSettings settings,
            Dataset data) {
        ModelGraph graph = ModelGraph.restore(saved, model, evidence, evidenceOptions, modelsPerPass(plain, settings));
        return new Trainer(graph, data, settings, !plain);
    }
}
