package io.hyperprune.runtime.cli;

import io.hyperprune.api.InputException;
import io.hyperprune.api.LambdaRange;
import io.hyperprune.engine.graph.ConstantHypernetwork;
import io.hyperprune.engine.train.TrainingSettings;
import io.hyperprune.runtime.data.ValidationSplit;
import io.hyperprune.runtime.run.RunSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import picocli.CommandLine.Option;

/** The options of one training run, shared by {@code train} (defaults: METHOD.md's MNIST reference). */
final class RunOptions {

    @Option(
            names = "--dataset",
            defaultValue = "mnist",
            description = "Data set id (default: ${DEFAULT-VALUE}); see 'hyperprune plugins'.")
    String dataset;

    @Option(
            names = "--model",
            defaultValue = "784-50-10",
            description = "Architecture: MLP layer sizes joined by '-', or cifar-conv (default: ${DEFAULT-VALUE}).")
    String model;

    @Option(
            names = "--evidence",
            defaultValue = "variational",
            description =
                    "Evidence function id: variational (L1), prior-scaled (L2), weight-decay (L3) (default: ${DEFAULT-VALUE}).")
    String evidence;

    @Option(
            names = "--hypernetwork",
            defaultValue = ConstantHypernetwork.ID,
            description = "Hypernetwork id: constant (plain model), linear, piecewise (default: ${DEFAULT-VALUE}).")
    String hypernetwork;

    @Option(
            names = "--lambda",
            split = ",",
            description =
                    "Plain model: the lambda to train at (default 1); several lambdas train one independent plain model per lambda side by side in one graph. Hypernetwork: the lambdas evaluated each epoch"
                            + " (default 0.001,0.01,0.1,1,10,100).")
    List<Double> lambdas = new ArrayList<>();

    @Option(
            names = "--lambda-range",
            defaultValue = "0.001:100",
            description = "Lambda range of a hypernetwork, min:max (default: ${DEFAULT-VALUE}).")
    String lambdaRange;

    @Option(
            names = "--lambda-samples",
            defaultValue = "5",
            description = "Lambdas drawn per mini-batch by a hypernetwork (default: ${DEFAULT-VALUE}).")
    int lambdaSamples;

    @Option(names = "--epochs", defaultValue = "25", description = "Epochs (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--batch-size", defaultValue = "256", description = "Mini-batch size (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(
            names = "--learning-rate",
            defaultValue = "5e-4",
            description = "Adam learning rate (default: ${DEFAULT-VALUE}).")
    double learningRate;

    @Option(
            names = "--clip",
            defaultValue = "1.0",
            description = "Gradient clipping by value (default: ${DEFAULT-VALUE}).")
    double clip;

    @Option(
            names = "--seed",
            defaultValue = "0",
            description = "Seed of initialisation, shuffling, lambda samples and noise (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(
            names = "--validation",
            paramLabel = "N",
            description = "Training samples held out for 'hyperprune select'; training never sees them (0: none;"
                    + " default: a tenth of the training set, at most 5000).")
    Integer validation;

    @Option(
            names = {"-O", "--option"},
            description = "Component option <component>.<name>=<value>, e.g. piecewise.pivots=6 (repeatable).")
    List<String> options = new ArrayList<>();

    RunSpec spec() {
        LambdaRange range = parseRange(lambdaRange);
        boolean plain = ConstantHypernetwork.isPlain(hypernetwork);
        List<Double> chosen = !lambdas.isEmpty() ? lambdas : plain ? List.of(1.0) : TrainingSettings.REFERENCE_LAMBDAS;
        return new RunSpec(
                dataset,
                model,
                evidence,
                hypernetwork,
                chosen,
                lambdaSamples,
                range.min(),
                range.max(),
                epochs,
                batchSize,
                learningRate,
                clip,
                seed,
                validation == null ? ValidationSplit.AUTO : validation,
                groupOptions(options));
    }

    static LambdaRange parseRange(String text) {
        String[] parts = text.split(":");
        try {
            if (parts.length == 2) {
                return new LambdaRange(Double.parseDouble(parts[0]), Double.parseDouble(parts[1]));
            }
        } catch (NumberFormatException e) {
            // fall through to the message below
        }
        throw new InputException("--lambda-range '" + text + "' is not of the form <min>:<max>, e.g. 0.001:100");
    }

    /** {@code component.name=value} flags grouped by component (validated against components later). */
    static Map<String, Map<String, String>> groupOptions(List<String> flags) {
        Map<String, Map<String, String>> result = new TreeMap<>();
        for (String flag : flags) {
            int dot = flag.indexOf('.');
            int equals = flag.indexOf('=');
            if (dot <= 0 || equals < dot + 2) {
                throw new InputException("--option '" + flag + "' is not of the form <component>.<name>=<value>,"
                        + " e.g. --option piecewise.pivots=6");
            }
            result.computeIfAbsent(flag.substring(0, dot), k -> new TreeMap<>())
                    .put(flag.substring(dot + 1, equals), flag.substring(equals + 1));
        }
        return result;
    }
}
