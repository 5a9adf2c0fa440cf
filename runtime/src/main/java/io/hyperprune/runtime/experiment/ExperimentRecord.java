package io.hyperprune.runtime.experiment;

import io.hyperprune.api.InputException;
import io.hyperprune.runtime.run.AtomicFiles;
import io.hyperprune.runtime.run.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code experiment.json}: the settings of the experiment in a directory, written once after they were
 * checked and never replaced, so one directory never mixes the results of two configurations.
 */
final class ExperimentRecord {

    private ExperimentRecord() {}

    /** Refuses a directory that holds an experiment with other settings, naming the keys that differ. */
    static void check(Path directory, ExperimentConfig config) {
        Path recorded = directory.resolve(Experiment.CONFIG);
        if (!Files.exists(recorded)) {
            return;
        }
        ExperimentConfig stored = readConfig(recorded);
        if (!stored.equals(config)) {
            throw new InputException(directory + " holds an experiment with other settings (" + recorded
                    + "; differing: "
                    + String.join(", ", differences(stored, config)) + "); its results would mix both: run it with the"
                    + " settings of " + recorded + " (e.g. --config " + recorded + "), or choose another --out");
        }
    }

    /**
     * Writes {@code experiment.json} unless it exists. It is created exclusively: of shards starting
     * together with different settings, all checked against an empty directory, one records its settings
     * and the others are refused here, instead of each replacing the file in turn.
     */
    static void record(Path directory, ExperimentConfig config) {
        Path recorded = directory.resolve(Experiment.CONFIG);
        if (Files.exists(recorded) || !AtomicFiles.writeNewString(recorded, Json.write(config))) {
            check(directory, config);
        }
    }

    static ExperimentConfig readConfig(Path file) {
        try {
            return Json.MAPPER.readValue(file.toFile(), ExperimentConfig.class);
        } catch (IOException | RuntimeException e) {
            throw new InputException(
                    file + " is not an experiment configuration (" + Failures.describe(e) + "); it records the"
                            + " settings of the experiment in this directory: restore it, or choose another --out",
                    e);
        }
    }

    /** The keys of {@code experiment.json} whose values differ. */
    private static List<String> differences(ExperimentConfig a, ExperimentConfig b) {
        var left = Json.MAPPER.valueToTree(a);
        var right = Json.MAPPER.valueToTree(b);
        List<String> keys = new ArrayList<>();
        left.fieldNames().forEachRemaining(key -> {
            if (!left.get(key).equals(right.get(key))) {
                keys.add(key + " " + left.get(key) + " there, " + right.get(key) + " now");
            }
        });
        return keys;
    }
}
