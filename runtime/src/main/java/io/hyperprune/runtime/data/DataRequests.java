package io.hyperprune.runtime.data;

import io.hyperprune.api.ComponentOptions;
import io.hyperprune.api.DataRequest;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where data sets are looked for, in order: {@code --data-dir}, {@code $HYPERPRUNE_DATA}, then (by the
 * provider) well-known system locations and the user cache ({@code $XDG_CACHE_HOME/hyperprune} or
 * {@code ~/.cache/hyperprune}), which is also where downloads go.
 */
public final class DataRequests {

    private DataRequests() {}

    public static DataRequest of(
            Optional<Path> dataDirectory,
            boolean offline,
            List<URI> mirrors,
            long seed,
            ComponentOptions options,
            Map<String, String> env) {
        List<Path> search = new ArrayList<>();
        dataDirectory.ifPresent(search::add);
        String fromEnv = env.get("HYPERPRUNE_DATA");
        if (fromEnv != null && !fromEnv.isBlank()) {
            search.add(Path.of(fromEnv));
        }
        return new DataRequest(search, cacheDirectory(env), offline, mirrors, seed, options);
    }

    static Path cacheDirectory(Map<String, String> env) {
        String xdg = env.get("XDG_CACHE_HOME");
        if (xdg != null && !xdg.isBlank()) {
            return Path.of(xdg, "hyperprune");
        }
        return Path.of(System.getProperty("user.home"), ".cache", "hyperprune");
    }
}
