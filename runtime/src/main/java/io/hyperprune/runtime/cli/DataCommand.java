package io.hyperprune.runtime.cli;

import static java.util.Objects.requireNonNull;

import com.google.inject.Inject;
import io.hyperprune.api.ComponentOptions;
import io.hyperprune.api.DataLocation;
import io.hyperprune.api.Dataset;
import io.hyperprune.api.DatasetProvider;
import io.hyperprune.api.InputException;
import io.hyperprune.runtime.wiring.ComponentRegistry;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code hyperprune data list|verify|fetch}. */
@Command(
        name = "data",
        mixinStandardHelpOptions = true,
        description = "Find, verify and download data sets.",
        subcommands = {DataCommand.ListData.class, DataCommand.Verify.class, DataCommand.Fetch.class})
final class DataCommand implements Runnable {

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(
                new picocli.CommandLine(this), "missing subcommand: list, verify or fetch");
    }

    @Command(
            name = "list",
            mixinStandardHelpOptions = true,
            description = "Each data set: where its files were found, or why not.")
    static final class ListData implements Callable<Integer> {
        private final ComponentRegistry registry;
        private final Console console;

        @Mixin
        DataOptions data;

        @Inject
        ListData(ComponentRegistry registry, Console console) {
            this.registry = requireNonNull(registry, "registry is null");
            this.console = requireNonNull(console, "console is null");
        }

        @Override
        public Integer call() {
            int problems = 0;
            for (Map.Entry<String, DatasetProvider> entry :
                    registry.components(DatasetProvider.class).entrySet()) {
                String line;
                try {
                    DataLocation location =
                            entry.getValue().locate(data.request(ComponentOptions.none(entry.getKey())));
                    line = location.isFound()
                            ? "found in " + location.directory().get()
                                    + (location.detail().isEmpty() ? "" : " (" + location.detail() + ")")
                            : "not found: " + location.detail();
                } catch (InputException e) {
                    // One broken data set must not hide the others; the exit code still says there was a problem.
                    line = "error: " + e.getMessage();
                    problems++;
                }
                console.out().printf("%-14s %s%n", entry.getKey(), line);
            }
            if (problems > 0) {
                throw new InputException(problems + " data set(s) have broken files, see above");
            }
            return 0;
        }
    }

    @Command(
            name = "verify",
            mixinStandardHelpOptions = true,
            description = "Load a data set fully: counts, shapes and file checksums.")
    static final class Verify implements Callable<Integer> {
        private final ComponentRegistry registry;
        private final Console console;

        @Mixin
        DataOptions data;

        @Parameters(paramLabel = "<id>", description = "Data set id.")
        String id;

        @Inject
        Verify(ComponentRegistry registry, Console console) {
            this.registry = requireNonNull(registry, "registry is null");
            this.console = requireNonNull(console, "console is null");
        }

        @Override
        public Integer call() {
            DatasetProvider provider = registry.select(DatasetProvider.class, id);
            // Verifies the files that are there: never downloads (whatever --offline says).
            data.offline = true;
            DataLocation location = provider.locate(data.request(ComponentOptions.none(id)));
            if (!location.isFound()) {
                throw new InputException("no " + id + " files to verify: " + location.detail());
            }
            // A provider that knows the original files' checksums compares them when asked.
            boolean reference = provider.options().containsKey(STRICT);
            Dataset dataset = provider.load(data.request(
                    reference ? new ComponentOptions(id, Map.of(STRICT, "true")) : ComponentOptions.none(id)));
            console.out().printf("%s from %s%n", id, dataset.source());
            console.out()
                    .printf(
                            "  train %d samples, test %d samples, sample shape %s, %d classes%n",
                            dataset.train().size(),
                            dataset.test().size(),
                            Arrays.toString(dataset.sampleShape()),
                            dataset.classes());
            new TreeMap<>(dataset.checksums())
                    .forEach((file, sha) -> console.out().printf("  sha256 %s  %s%n", sha, file));
            console.out()
                    .println(
                            reference
                                    ? "  ok: every file's content matches the original " + id + "'s SHA-256"
                                    : "  ok: validated structurally (sizes, record counts, labels); " + id
                                            + " has no reference checksums for its individual files");
            return 0;
        }
    }

    /** The option of a provider that checks every file against the original data set's checksums. */
    static final String STRICT = "strict";

    @Command(
            name = "fetch",
            mixinStandardHelpOptions = true,
            description = "Download a data set into the user cache (checksums verified).")
    static final class Fetch implements Callable<Integer> {
        private final ComponentRegistry registry;
        private final Console console;

        @Mixin
        DataOptions data;

        @Parameters(paramLabel = "<id>", description = "Data set id.")
        String id;

        @Inject
        Fetch(ComponentRegistry registry, Console console) {
            this.registry = requireNonNull(registry, "registry is null");
            this.console = requireNonNull(console, "console is null");
        }

        @Override
        public Integer call() {
            DatasetProvider provider = registry.select(DatasetProvider.class, id);
            Dataset dataset = provider.load(data.request(ComponentOptions.none(id)));
            console.out()
                    .printf(
                            "%s ready: %d train and %d test samples from %s%n",
                            id, dataset.train().size(), dataset.test().size(), dataset.source());
            return 0;
        }
    }
}
