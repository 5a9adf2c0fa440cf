package io.hyperprune.api;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;

/**
 * Where and how a {@link DatasetProvider} may look for its data.
 *
 * @param searchDirectories user-given directories in priority order ({@code --data-dir}, then
 *     {@code HYPERPRUNE_DATA}); each is tried as is and with the provider id appended
 * @param cacheDirectory the user cache root (e.g. {@code ~/.cache/hyperprune}); a provider uses
 *     {@code cacheDirectory/<id>} for downloads
 * @param offline true forbids any network access
 * @param mirrors base URLs to download from instead of the provider's defaults (empty: defaults)
 * @param seed seed for generated data and augmentation
 * @param options the provider's own options
 */
public record DataRequest(
        List<Path> searchDirectories,
        Path cacheDirectory,
        boolean offline,
        List<URI> mirrors,
        long seed,
        ComponentOptions options) {

    public DataRequest {
        searchDirectories = List.copyOf(requireNonNull(searchDirectories, "searchDirectories is null"));
        requireNonNull(cacheDirectory, "cacheDirectory is null");
        mirrors = List.copyOf(requireNonNull(mirrors, "mirrors is null"));
        requireNonNull(options, "options is null");
    }
}
