package io.hyperprune.api;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Result of {@link DatasetProvider#locate}: the directory holding a complete set of files, or a
 * human-readable reason (which directories were searched, what was missing, how to get the data).
 */
public record DataLocation(Optional<Path> directory, String detail) {

    public DataLocation {
        requireNonNull(directory, "directory is null");
        requireNonNull(detail, "detail is null");
    }

    public static DataLocation found(Path directory, String detail) {
        return new DataLocation(Optional.of(directory), detail);
    }

    public static DataLocation missing(String reason) {
        return new DataLocation(Optional.empty(), reason);
    }

    public boolean isFound() {
        return directory.isPresent();
    }
}
