package io.hyperprune.runtime.run;

import static java.util.Objects.requireNonNull;

import io.hyperprune.api.InputException;
import io.hyperprune.api.LambdaRange;
import io.hyperprune.engine.graph.ConstantHypernetwork;
import io.hyperprune.engine.train.TrainingSettings;
import io.hyperprune.runtime.data.ValidationSplit;
import java.util.List;
import java.util.Map;

/**
 * What the user asks for in one run, by component id (before components are resolved): the input of
 * {@code hyperprune train} and one cell of an experiment grid.
 *
 * @param lambdas a plain run's lambdas (one independent model each), or a hypernetwork run's evaluation lambdas
 * @param validation training samples to hold out for model selection: {@link ValidationSplit#AUTO} for the
 *     default size, 0 for none
 * @param options component options by component id, then option name
 */
public record RunSpec(
        String dataset,
        String model,
        String evidence,
        String hypernetwork,
        List<Double> lambdas,
        int lambdaSamples,
        double lambdaMin,
        double lambdaMax,
        int epochs,
        int batchSize,
        double learningRate,
        double clip,
        long seed,
        int validation,
        Map<String, Map<String, String>> options) {

    public RunSpec {
        requireNonNull(dataset, "dataset is null");
        requireNonNull(model, "model is null");
        requireNonNull(evidence, "evidence is null");
        requireNonNull(hypernetwork, "hypernetwork is null");
        lambdas = List.copyOf(lambdas);
        options = Map.copyOf(options);
        if (ConstantHypernetwork.isPlain(hypernetwork) && new java.util.HashSet<>(lambdas).size() != lambdas.size()) {
            throw new InputException(
                    "plain models (--hypernetwork constant) train one model per --lambda; the lambdas must be"
                            + " distinct, got " + lambdas);
        }
        // Validates the numbers with the same messages as the trainer.
        new TrainingSettings(
                epochs,
                batchSize,
                learningRate,
                clip,
                seed,
                lambdas,
                lambdaSamples,
                new LambdaRange(lambdaMin, lambdaMax));
    }

    public boolean plain() {
        return ConstantHypernetwork.isPlain(hypernetwork);
    }

    public Map<String, String> optionsOf(String component) {
        return options.getOrDefault(component, Map.of());
    }
}
