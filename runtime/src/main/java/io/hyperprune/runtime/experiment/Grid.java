package io.hyperprune.runtime.experiment;

import io.hyperprune.runtime.run.RunSpec;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** An experiment's grid of runs, from its configuration, and the order workers take them in. */
public final class Grid {

    private Grid() {}

    /**
     * The whole grid in a stable order, restart by restart and evidence by evidence. Plain models are one
     * run holding every lambda's model (trained side by side in one graph), or one run per lambda if
     * {@link ExperimentConfig#batchPlain()} is false.
     */
    static List<GridRun> of(ExperimentConfig config) {
        List<GridRun> runs = new ArrayList<>();
        for (int restart = 0; restart < config.restarts(); restart++) {
            for (String evidence : config.evidences()) {
                for (String hypernetwork : config.hypernetworks()) {
                    boolean plain = io.hyperprune.engine.graph.ConstantHypernetwork.isPlain(hypernetwork);
                    // Plain models: by default all lambdas' models in one run (one graph, trained side by side).
                    List<List<Double>> lambdaSets = plain && !config.batchPlain()
                            ? config.lambdas().stream().map(List::of).toList()
                            : List.of(config.lambdas());
                    for (List<Double> lambdas : lambdaSets) {
                        RunSpec spec = new RunSpec(
                                config.dataset(),
                                config.model(),
                                evidence,
                                hypernetwork,
                                lambdas,
                                config.lambdaSamples(),
                                config.lambdaMin(),
                                config.lambdaMax(),
                                plain ? config.epochsPlain() : config.epochsHypernetwork(),
                                config.batchSize(),
                                config.learningRate(),
                                config.clip(),
                                config.seed() + restart,
                                config.validation(),
                                specOptions(config));
                        runs.add(GridRun.of(spec, restart));
                    }
                }
            }
        }
        return runs;
    }

    private static Map<String, Map<String, String>> specOptions(ExperimentConfig config) {
        Map<String, Map<String, String>> options = new LinkedHashMap<>(config.options());
        if (!config.datasetOptions().isEmpty()) {
            // Options addressed to the data set (-O cifar10.train-size=...) override the preset's datasetOptions.
            Map<String, String> dataset = new LinkedHashMap<>(config.datasetOptions());
            dataset.putAll(options.getOrDefault(config.dataset(), Map.of()));
            options.put(config.dataset(), dataset);
        }
        return options;
    }

    /**
     * The runs in the order worker processes claim them: most epochs first, so the last runs to start
     * are short ones and the workers finish close together (grid order among equals).
     */
    public static List<GridRun> longestFirst(List<GridRun> runs) {
        return runs.stream()
                .sorted(Comparator.comparingInt((GridRun run) -> run.spec().epochs())
                        .reversed())
                .toList();
    }
}
