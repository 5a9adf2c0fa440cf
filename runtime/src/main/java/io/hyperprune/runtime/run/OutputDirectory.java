package io.hyperprune.runtime.run;

import io.hyperprune.api.InputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Checks before any work that an output location can be written: a command that trains for an hour
 * must not find out at its first save that {@code --out} is a file, read-only or under /proc.
 * Creates nothing that stays: a probe file is created and deleted.
 */
public final class OutputDirectory {

    private OutputDirectory() {}

    /**
     * Fails with an {@link InputException} naming {@code option} unless files can be created in
     * {@code directory} (or, if it does not exist yet, in its nearest existing ancestor, where it would be created).
     */
    public static void check(Path directory, String option) {
        problem(directory).ifPresent(problem -> {
            throw new InputException(
                    option + " " + directory + problem.text() + "; " + IoFailures.advice(problem.reason(), option),
                    problem.cause());
        });
    }

    /** Like {@link #check} for an output file: it must not be a directory, and its directory must take files. */
    public static void checkFile(Path file, String option) {
        if (Files.isDirectory(file)) {
            throw new InputException(
                    option + " " + file + " is a directory; give a file name, e.g. " + file.resolve("model.fb"));
        }
        Path parent = file.toAbsolutePath().getParent();
        problem(parent).ifPresent(problem -> {
            throw new InputException(
                    option + " " + file + " cannot be written: its directory " + parent + problem.text() + "; "
                            + IoFailures.advice(problem.reason(), option),
                    problem.cause());
        });
    }

    /** Why files cannot be created in a directory: " is not writable: permission denied"; its OS reason; the exception. */
    private record Problem(String text, String reason, IOException cause) {}

    private static Optional<Problem> problem(Path directory) {
        Path absolute = directory.toAbsolutePath().normalize();
        Path existing = absolute;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            return Optional.empty(); // no root to probe: the write itself reports
        }
        String where = existing.equals(absolute) ? "" : " (" + existing + " is where it would be created)";
        if (!Files.isDirectory(existing)) {
            String reason = existing.equals(absolute)
                    ? "is a file, not a directory"
                    : "cannot be created: " + existing + " is a file, not a directory";
            return Optional.of(new Problem(" " + reason, "a file in the way", null));
        }
        try {
            Files.delete(Files.createTempFile(existing, ".hyperprune-probe", ".tmp"));
            return Optional.empty();
        } catch (IOException e) {
            String reason = IoFailures.reasonCreatingIn(existing, e);
            return Optional.of(new Problem(" is not writable" + where + ": " + reason, reason, e));
        }
    }
}
