package io.hyperprune.runtime.experiment;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** Reading an experiment directory from outside the experiment, e.g. for {@code hyperprune select}. */
public final class ExperimentDirectory {

    private ExperimentDirectory() {}

    /** The settings recorded in an experiment directory's {@code experiment.json}, if it holds an experiment. */
    public static Optional<ExperimentConfig> recorded(Path directory) {
        Path file = directory.resolve(Experiment.CONFIG);
        return Files.isRegularFile(file) ? Optional.of(ExperimentRecord.readConfig(file)) : Optional.empty();
    }

    /**
     * The names of every run of the grid recorded in an experiment directory's {@code experiment.json}
     * (all shards'), in grid order; empty if it holds no experiment.
     */
    public static List<String> gridRunNames(Path directory) {
        return recorded(directory)
                .map(config -> Grid.of(config).stream().map(GridRun::name).toList())
                .orElse(List.of());
    }

    /** The run directories of an experiment directory, by name. */
    public static List<Path> runDirectories(Path directory) {
        Path runs = directory.resolve("runs");
        if (!Files.isDirectory(runs)) {
            return List.of();
        }
        try (var listing = Files.list(runs)) {
            return listing.filter(Files::isDirectory).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + runs, e);
        }
    }
}
