package io.hyperprune.runtime.experiment;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hyperprune.api.InputException;
import io.hyperprune.api.LambdaRange;
import io.hyperprune.api.PruningMasks;
import io.hyperprune.engine.graph.ConstantHypernetwork;
import io.hyperprune.engine.graph.ModelSpec;
import io.hyperprune.runtime.data.ValidationSplit;
import io.hyperprune.runtime.run.Json;
import io.hyperprune.runtime.wiring.Suggestions;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * An experiment grid, as a JSON file or a built-in preset: every evidence x hypernetwork (the nine
 * models of METHOD.md by default), plain models trained once per lambda and hypernetworks once for
 * the whole range, each {@code restarts} times; then every run is pruned at each level by each
 * criterion. Field names are the JSON keys; see the README for the format. {@code batchPlain} (default
 * true) trains a plain model's lambdas side by side in one graph and run; false: one run per lambda.
 * {@code validation}: training samples held out for model selection ({@link ValidationSplit}; -1 the
 * default size, 0 none; an experiment.json written before validation splits existed reads as 0).
 * {@code surfaceLambdas} (default {@value #SURFACE_LAMBDAS}, 0: none) log-spaced lambdas over the lambda range, plus
 * the grid's, at which every hypernetwork run is also pruned: its accuracy surface.
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
        boolean batchPlain,
        int validation,
        Integer surfaceLambdas) {

    /** Log-spaced lambdas of a hypernetwork run's accuracy surface unless the config says otherwise (absent: this). */
    public static final int SURFACE_LAMBDAS = 41;

    /** The most lambdas a surface may have: each costs an evaluation per level. */
    public static final int MAX_SURFACE_LAMBDAS = 1001;

    /** The most pruning levels a sweep may have: 0 to 100 % in steps of 0.1 %; each level costs an evaluation per lambda. */
    public static final int MAX_LEVELS = 1001;

    static final List<Double> TEN_LEVELS =
            IntStream.range(0, 10).mapToObj(i -> i * 10.0).toList();
    static final List<String> NINE_MODELS_EVIDENCES = List.of("variational", "prior-scaled", "weight-decay");
    static final List<String> NINE_MODELS_HYPERNETWORKS = List.of(ConstantHypernetwork.ID, "linear", "piecewise");
    static final List<Double> MNIST_LAMBDAS = List.of(0.001, 0.01, 0.1, 1.0, 10.0, 100.0);

    /** Built-in presets by name. */
    public static final Map<String, ExperimentConfig> PRESETS = Map.of(
            // METHOD.md's reference MNIST settings.
            "paper-mnist",
                    new ExperimentConfig(
                            "mnist",
                            Map.of(),
                            "784-50-10",
                            NINE_MODELS_EVIDENCES,
                            NINE_MODELS_HYPERNETWORKS,
                            MNIST_LAMBDAS,
                            5,
                            25,
                            50,
                            256,
                            5e-4,
                            1.0,
                            5,
                            0.001,
                            100,
                            List.of("relative-density"),
                            "layer",
                            TEN_LEVELS,
                            0,
                            Map.of(),
                            true,
                            ValidationSplit.AUTO,
                            SURFACE_LAMBDAS),
            // All nine models and six lambdas, one restart, few epochs: the README's main job (minutes on 2 cores).
            "paper-mnist-quick",
                    new ExperimentConfig(
                            "mnist",
                            Map.of(),
                            "784-50-10",
                            NINE_MODELS_EVIDENCES,
                            NINE_MODELS_HYPERNETWORKS,
                            MNIST_LAMBDAS,
                            1,
                            3,
                            6,
                            256,
                            5e-4,
                            1.0,
                            5,
                            0.001,
                            100,
                            List.of("relative-density"),
                            "layer",
                            TEN_LEVELS,
                            0,
                            Map.of(),
                            true,
                            ValidationSplit.AUTO,
                            SURFACE_LAMBDAS),
            // The CIFAR-10 study two CPU cores finish in under 45 minutes (docs/performance.md): the reference
            // net and all nine models on the first 3,840 training images (384 held out for validation) and
            // 500 test images, 2 epochs, one lambda per hypernetwork batch (the reference's 5 would make a
            // hypernetwork step five conv passes), no surface (410 conv evaluations per hypernetwork run).
            "paper-cifar-quick",
                    new ExperimentConfig(
                            "cifar10",
                            Map.of("train-size", "3840", "test-size", "500"),
                            ModelSpec.CIFAR_CONV,
                            NINE_MODELS_EVIDENCES,
                            NINE_MODELS_HYPERNETWORKS,
                            List.of(0.01, 0.1, 1.0),
                            1,
                            2,
                            2,
                            128,
                            5e-4,
                            1.0,
                            1,
                            0.01,
                            1,
                            List.of("relative-density"),
                            "layer",
                            TEN_LEVELS,
                            0,
                            Map.of(),
                            false,
                            ValidationSplit.AUTO,
                            0),
            // METHOD.md's reference CIFAR-10 settings: a GPU-scale run. One run per lambda: the conv net runs
            // its models one after another anyway.
            "paper-cifar",
                    new ExperimentConfig(
                            "cifar10",
                            Map.of(),
                            ModelSpec.CIFAR_CONV,
                            NINE_MODELS_EVIDENCES,
                            NINE_MODELS_HYPERNETWORKS,
                            List.of(0.01, 0.1, 1.0),
                            5,
                            75,
                            75,
                            128,
                            5e-4,
                            1.0,
                            5,
                            0.01,
                            1,
                            List.of("relative-density"),
                            "layer",
                            TEN_LEVELS,
                            0,
                            Map.of(),
                            false,
                            ValidationSplit.AUTO,
                            SURFACE_LAMBDAS));

    public ExperimentConfig {
        require(dataset != null, "dataset", "a data set id, e.g. \"mnist\"");
        datasetOptions = datasetOptions == null ? Map.of() : Map.copyOf(datasetOptions);
        require(model != null, "model", "a model spec, e.g. \"784-50-10\"");
        require(evidences != null && !evidences.isEmpty(), "evidences", "a non-empty list of evidence ids");
        require(
                hypernetworks != null && !hypernetworks.isEmpty(),
                "hypernetworks",
                "a non-empty list of hypernetwork ids");
        require(
                lambdas != null && !lambdas.isEmpty() && lambdas.stream().allMatch(l -> l > 0 && Double.isFinite(l)),
                "lambdas",
                "a non-empty list of positive numbers");
        require(restarts >= 1, "restarts", "an integer >= 1");
        require(epochsPlain >= 0 && epochsHypernetwork >= 0, "epochsPlain/epochsHypernetwork", "integers >= 0");
        require(batchSize >= 1, "batchSize", "an integer >= 1");
        require(learningRate > 0, "learningRate", "a positive number");
        require(clip > 0, "clip", "a positive number");
        require(lambdaSamples >= 1, "lambdaSamples", "an integer >= 1");
        require(
                validation >= ValidationSplit.AUTO,
                "validation",
                "-1 (the default size), 0 (none) or a number of samples");
        new LambdaRange(lambdaMin, lambdaMax);
        require(criteria != null && !criteria.isEmpty(), "criteria", "a non-empty list of pruning criterion ids");
        require(scope != null && (scope.equals("layer") || scope.equals("global")), "scope", "\"layer\" or \"global\"");
        require(
                levels != null && !levels.isEmpty() && levels.size() <= MAX_LEVELS && increasingPercentages(levels),
                "levels",
                "a non-empty list of at most " + MAX_LEVELS + " increasing percentages in [0, 100]");
        options = options == null ? Map.of() : Map.copyOf(options);
        // Absent in experiment.json of older versions: their experiments resume with the default surface.
        surfaceLambdas = surfaceLambdas == null ? SURFACE_LAMBDAS : surfaceLambdas;
        require(
                surfaceLambdas == 0 || (surfaceLambdas >= 2 && surfaceLambdas <= MAX_SURFACE_LAMBDAS),
                "surfaceLambdas",
                "0 (no surface) or an integer from 2 to " + MAX_SURFACE_LAMBDAS);
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
            throw new InputException(
                    "--preset '" + name + "' is not a preset" + Suggestions.didYouMean(name, PRESETS.keySet())
                            + "; presets: " + String.join(", ", new java.util.TreeSet<>(PRESETS.keySet())));
        }
        return preset;
    }

    /** The largest --config file read: a configuration is a few hundred bytes; more is a wrong file, not a config. */
    static final int MAX_FILE_BYTES = 1 << 20;

    /**
     * Reads a JSON config; keys missing from the file are taken from {@code base} (a preset). The file must
     * be one JSON object with each key once and values of the key's type exactly (see {@link Json}).
     */
    public static ExperimentConfig read(Path file, ExperimentConfig base) {
        String name = "experiment config " + file;
        ObjectNode overrides = readObject(file, name);
        ObjectNode tree = Json.MAPPER.valueToTree(base);
        List<String> known = tree.properties().stream().map(Map.Entry::getKey).toList();
        try {
            tree.setAll(overrides);
            return Json.MAPPER
                    .copy()
                    .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                    .treeToValue(tree, ExperimentConfig.class);
        } catch (UnrecognizedPropertyException e) {
            throw new InputException(name + ": unknown key '" + e.getPropertyName() + "'"
                    + Suggestions.didYouMean(e.getPropertyName(), known) + "; known keys: " + String.join(", ", known));
        } catch (com.fasterxml.jackson.databind.exc.ValueInstantiationException e) {
            Throwable cause = e.getCause() instanceof InputException ? e.getCause() : e;
            throw new InputException(name + ": " + cause.getMessage(), e);
        } catch (MismatchedInputException e) {
            String key = keyOf(e.getPath());
            JsonNode given = overrides.at(pointerOf(e.getPath()));
            throw new InputException(
                    name + ": key '" + key + "' must be " + expected(e.getTargetType())
                            + (given.isMissingNode() ? "" : ", got " + abbreviate(given.toString())),
                    e);
        } catch (JsonProcessingException e) {
            throw new InputException(name + ": " + e.getOriginalMessage(), e);
        }
    }

    /** The file's JSON object, with the file's problem named: missing, a directory, too big, unreadable, not JSON. */
    private static ObjectNode readObject(Path file, String name) {
        if (!Files.exists(file)) {
            throw new InputException(name + " does not exist"
                    + (Files.exists(file.toAbsolutePath().getParent())
                            ? ""
                            : " (nor does its directory "
                                    + file.toAbsolutePath().getParent() + ")"));
        }
        if (Files.isDirectory(file)) {
            throw new InputException(name + " is a directory; give a JSON file, e.g. {\"restarts\": 2}");
        }
        byte[] bytes;
        try {
            if (Files.isRegularFile(file) && Files.size(file) > MAX_FILE_BYTES) {
                throw tooBig(name, Files.size(file));
            }
            try (InputStream in = Files.newInputStream(file)) { // bounded: a device or pipe has no size
                bytes = in.readNBytes(MAX_FILE_BYTES + 1);
            }
        } catch (AccessDeniedException e) {
            throw new InputException(name + " is not readable (permission denied); check its permissions", e);
        } catch (IOException e) {
            throw new InputException("cannot read " + name + ": " + e.getMessage(), e);
        }
        if (bytes.length > MAX_FILE_BYTES) {
            throw tooBig(name, bytes.length);
        }
        try (JsonParser parser = Json.MAPPER.createParser(bytes)) {
            // Trailing text is checked below, to name where it starts.
            JsonNode node = Json.MAPPER
                    .reader()
                    .without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                    .readTree(parser);
            if (node == null || !node.isObject()) {
                throw new InputException(name + " must be a JSON object, e.g. {\"restarts\": 2}, got "
                        + (node == null ? "an empty file" : abbreviate(node.toString())));
            }
            var end = parser.currentTokenLocation();
            boolean trailing;
            try {
                trailing = parser.nextToken() != null;
            } catch (JsonProcessingException e) {
                trailing = true; // not even a JSON token
            }
            if (trailing) {
                throw new InputException(
                        name + ": unexpected text after the JSON object that ends at line " + end.getLineNr()
                                + ", column " + end.getColumnNr() + "; the file must hold exactly one JSON object");
            }
            return (ObjectNode) node;
        } catch (JsonProcessingException e) {
            var at = e.getLocation();
            String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
            String message = e.getOriginalMessage();
            if (message.startsWith("Duplicate field '")) {
                String key = message.substring(
                        "Duplicate field '".length(), message.indexOf('\'', "Duplicate field '".length()));
                throw new InputException(
                        name + ": key '" + key + "' appears twice" + where + "; give each key once", e);
            }
            throw new InputException(
                    name + " is not valid JSON" + where + ": "
                            + message.lines().findFirst().orElse("") + "; the format is a JSON object, see the README",
                    e);
        } catch (IOException e) {
            throw new InputException("cannot read " + name + ": " + e.getMessage(), e);
        }
    }

    private static InputException tooBig(String name, long bytes) {
        return new InputException(String.format(
                Locale.ROOT,
                "%s is %s; a configuration is a small JSON object (at most %d MiB)",
                name,
                bytes >= 1 << 20 ? String.format(Locale.ROOT, "%.0f MB", bytes / 1e6) : bytes + " bytes",
                MAX_FILE_BYTES >> 20));
    }

    /** The key a Jackson error is about as the user wrote it: {@code restarts}, {@code options.piecewise.pivots}, {@code lambdas[1]}. */
    private static String keyOf(List<JsonMappingException.Reference> path) {
        StringBuilder key = new StringBuilder();
        for (JsonMappingException.Reference reference : path) {
            if (reference.getFieldName() != null) {
                key.append(key.length() == 0 ? "" : ".").append(reference.getFieldName());
            } else if (reference.getIndex() >= 0) {
                key.append('[').append(reference.getIndex()).append(']');
            }
        }
        return key.toString();
    }

    private static JsonPointer pointerOf(List<JsonMappingException.Reference> path) {
        JsonPointer pointer = JsonPointer.empty();
        for (JsonMappingException.Reference reference : path) {
            pointer = reference.getFieldName() != null
                    ? pointer.appendProperty(reference.getFieldName())
                    : reference.getIndex() >= 0 ? pointer.appendIndex(reference.getIndex()) : pointer;
        }
        return pointer;
    }

    /** What a value of a Java type looks like in JSON, in the user's words. */
    private static String expected(Class<?> type) {
        if (type == null) {
            return "of another type";
        }
        if (type == int.class || type == Integer.class || type == long.class || type == Long.class) {
            return "an integer";
        }
        if (type == double.class || type == Double.class || type == float.class || type == Float.class) {
            return "a number";
        }
        if (type == boolean.class || type == Boolean.class) {
            return "true or false";
        }
        if (type == String.class) {
            return "a string";
        }
        if (java.util.Collection.class.isAssignableFrom(type) || type.isArray()) {
            return "a list, e.g. [1, 2]";
        }
        if (Map.class.isAssignableFrom(type) || type.isRecord()) {
            return "a JSON object";
        }
        return "of another type";
    }

    private static String abbreviate(String json) {
        return json.length() <= 60 ? json : json.substring(0, 57) + "...";
    }

    private static boolean increasingPercentages(List<Double> levels) {
        double previous = Double.NEGATIVE_INFINITY;
        for (Double level : levels) {
            if (level == null || !(level >= 0 && level <= 100 && level > previous)) {
                return false;
            }
            previous = level;
        }
        return true;
    }

    private static void require(boolean condition, String key, String expected) {
        if (!condition) {
            throw new InputException("experiment config key '" + key + "' must be " + expected);
        }
    }
}
