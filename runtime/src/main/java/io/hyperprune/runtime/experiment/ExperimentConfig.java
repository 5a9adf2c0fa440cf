package io.hyperprune.runtime.experiment;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.hyperprune.api.InputException;
import io.hyperprune.api.LambdaRange;
import io.hyperprune.api.PruningMasks;
import io.hyperprune.runtime.engine.ModelSpec;
import io.hyperprune.runtime.run.Json;
import io.hyperprune.runtime.run.Suggestions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * An experiment grid, as a JSON file or a built-in preset: every evidence x hypernetwork (the nine
 * models of METHOD.md by default), plain models trained once per lambda and hypernetworks once for
 * the whole range, each {@code restarts} times; then every run is pruned at each level by each
 * criterion. Field names are the JSON keys; see the README for the format. {@code batchPlain} (default
 * true) trains a plain model's lambdas side by side in one graph and run; false: one run per lambda.
 */
public record ExperimentConfig(
        String dataset,
        Map<String, String> datasetOptions,
        String model,
        List<String> evidences,
        List<String> hypernetworks,
        List<Double> lambdas,
        int restarts,
        int epochsPlain,
        int epochsHypernetwork,
        int batchSize,
        double learningRate,
        double clip,
        int lambdaSamples,
        double lambdaMin,
        double lambdaMax,
        List<String> criteria,
        String scope,
        List<Double> levels,
        long seed,
        Map<String, Map<String, String>> options,
        boolean batchPlain) {

    static final List<Double> TEN_LEVELS = IntStream.range(0, 10).mapToObj(i -> i * 10.0).toList();
    static final List<String> NINE_MODELS_EVIDENCES = List.of("variational", "prior-scaled", "weight-decay");
    static final List<String> NINE_MODELS_HYPERNETWORKS = List.of("constant", "linear", "piecewise");
    static final List<Double> MNIST_LAMBDAS = List.of(0.001, 0.01, 0.1, 1.0, 10.0, 100.0);

    /** Built-in presets by name. */
    public static final Map<String, ExperimentConfig> PRESETS = Map.of(
            // METHOD.md's reference MNIST settings.
            "paper-mnist", new ExperimentConfig("mnist", Map.of(), "784-50-10", NINE_MODELS_EVIDENCES,
                    NINE_MODELS_HYPERNETWORKS, MNIST_LAMBDAS, 5, 25, 50, 256, 5e-4, 1.0, 5, 0.001, 100,
                    List.of("relative-density"), "layer", TEN_LEVELS, 0, Map.of(), true),
            // All nine models and six lambdas, one restart, few epochs: the README's main job (minutes on 2 cores).
            "paper-mnist-quick", new ExperimentConfig("mnist", Map.of(), "784-50-10", NINE_MODELS_EVIDENCES,
                    NINE_MODELS_HYPERNETWORKS, MNIST_LAMBDAS, 1, 3, 6, 256, 5e-4, 1.0, 5, 0.001, 100,
                    List.of("relative-density"), "layer", TEN_LEVELS, 0, Map.of(), true),
            // METHOD.md's reference CIFAR-10 settings: a GPU-scale run. One run per lambda: the conv net runs
            // its models one after another anyway, and a 3-model run's saved state (~650 MB) outgrows the heap.
            "paper-cifar", new ExperimentConfig("cifar10", Map.of(), ModelSpec.CIFAR_CONV, NINE_MODELS_EVIDENCES,
                    NINE_MODELS_HYPERNETWORKS, List.of(0.01, 0.1, 1.0), 5, 75, 75, 128, 5e-4, 1.0, 5, 0.01, 1,
                    List.of("relative-density"), "layer", TEN_LEVELS, 0, Map.of(), false));

    public ExperimentConfig {
        require(dataset != null, "dataset", "a data set id, e.g. \"mnist\"");
        datasetOptions = datasetOptions == null ? Map.of() : Map.copyOf(datasetOptions);
        require(model != null, "model", "a model spec, e.g. \"784-50-10\"");
        require(evidences != null && !evidences.isEmpty(), "evidences", "a non-empty list of evidence ids");
        require(hypernetworks != null && !hypernetworks.isEmpty(), "hypernetworks", "a non-empty list of hypernetwork ids");
        require(lambdas != null && !lambdas.isEmpty() && lambdas.stream().allMatch(l -> l > 0 && Double.isFinite(l)),
                "lambdas", "a non-empty list of positive numbers");
        require(restarts >= 1, "restarts", "an integer >= 1");
        require(epochsPlain >= 0 && epochsHypernetwork >= 0, "epochsPlain/epochsHypernetwork", "integers >= 0");
        require(batchSize >= 1, "batchSize", "an integer >= 1");
        require(learningRate > 0, "learningRate", "a positive number");
        require(clip > 0, "clip", "a positive number");
        require(lambdaSamples >= 1, "lambdaSamples", "an integer >= 1");
        new LambdaRange(lambdaMin, lambdaMax);
        require(criteria != null && !criteria.isEmpty(), "criteria", "a non-empty list of pruning criterion ids");
        require(scope != null && (scope.equals("layer") || scope.equals("global")), "scope", "\"layer\" or \"global\"");
        require(levels != null && !levels.isEmpty() && levels.stream().allMatch(l -> l >= 0 && l <= 100), "levels",
                "a non-empty list of percentages in [0, 100]");
        options = options == null ? Map.of() : Map.copyOf(options);
        ModelSpec.parse(model);
        evidences = List.copyOf(evidences);
        hypernetworks = List.copyOf(hypernetworks);
        lambdas = List.copyOf(lambdas);
        criteria = List.copyOf(criteria);
        levels = List.copyOf(levels);
    }

    public PruningMasks.Scope pruningScope() {
        return scope.equals("global") ? PruningMasks.Scope.GLOBAL : PruningMasks.Scope.LAYER;
    }

    public static ExperimentConfig preset(String name) {
        ExperimentConfig preset = PRESETS.get(name);
        if (preset == null) {
            throw new InputException("--preset '" + name + "' is not a preset" + Suggestions.didYouMean(name, PRESETS.keySet())
                    + "; presets: " + String.join(", ", new java.util.TreeSet<>(PRESETS.keySet())));
        }
        return preset;
    }

    /** Reads a JSON config; keys missing from the file are taken from {@code base} (a preset). */
    public static ExperimentConfig read(Path file, ExperimentConfig base) {
        try {
            var tree = Json.MAPPER.valueToTree(base);
            var overrides = Json.MAPPER.readTree(Files.readString(file));
            if (overrides == null || !overrides.isObject()) {
                throw new InputException("experiment config " + file + " must be a JSON object, e.g. {\"restarts\": 2}");
            }
            ((com.fasterxml.jackson.databind.node.ObjectNode) tree).setAll((com.fasterxml.jackson.databind.node.ObjectNode) overrides);
            return Json.MAPPER.copy().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                    .treeToValue(tree, ExperimentConfig.class);
        } catch (UnrecognizedPropertyException e) {
            String known = String.join(", ", Json.MAPPER.valueToTree(base).properties().stream().map(Map.Entry::getKey).toList());
            throw new InputException("experiment config " + file + ": unknown key '" + e.getPropertyName() + "'"
                    + Suggestions.didYouMean(e.getPropertyName(), Json.MAPPER.valueToTree(base).properties().stream()
                            .map(Map.Entry::getKey).toList())
                    + "; known keys: " + known);
        } catch (com.fasterxml.jackson.databind.exc.ValueInstantiationException e) {
            Throwable cause = e.getCause() instanceof InputException ? e.getCause() : e;
            throw new InputException("experiment config " + file + ": " + cause.getMessage(), e);
        } catch (IOException e) {
            throw new InputException("cannot read experiment config " + file + ": " + e.getMessage().lines().findFirst().orElse("")
                    + "; the format is JSON, see the README", e);
        }
    }

    private static void require(boolean condition, String key, String expected) {
        if (!condition) {
            throw new InputException("experiment config key '" + key + "' must be " + expected);
        }
    }
}
