package io.hyperprune.runtime.cli;

import io.hyperprune.api.ComponentOptions;
import io.hyperprune.api.DataRequest;
import io.hyperprune.runtime.data.DataRequests;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Option;

/** Where to find data: shared by every command that loads a data set. */
final class DataOptions {

    @Option(
            names = "--data-dir",
            description =
                    "Directory with the data files (searched before $HYPERPRUNE_DATA, system locations and the cache).")
    Path dataDir;

    @Option(names = "--offline", description = "Never download; fail if the files are not found locally.")
    boolean offline;

    @Option(names = "--mirror", description = "Base URL to download data from instead of the defaults (repeatable).")
    List<URI> mirrors = new ArrayList<>();

    DataRequest request(ComponentOptions providerOptions) {
        return DataRequests.of(Optional.ofNullable(dataDir), offline, mirrors, 0, providerOptions, System.getenv());
    }
}
