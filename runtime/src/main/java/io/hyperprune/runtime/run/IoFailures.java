package io.hyperprune.runtime.run;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * File-system failures caused by the user's environment (no space, no permission, a file in the way, a
 * file system that takes no files), in the user's words: the path and what the OS said. Every command
 * reports them alike ({@code Main} turns them into exit status 2).
 */
public final class IoFailures {

    private IoFailures() {}

    /** The first I/O failure in {@code failure}'s cause chain; not a JSON syntax error, which is about content. */
    public static Optional<IOException> find(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof IOException io && !(io instanceof JsonProcessingException)) {
                return Optional.of(io);
            }
        }
        return Optional.empty();
    }

    /** What the OS said, lower case: "permission denied", "no space left on device", "not a directory", ... */
    public static String reason(IOException e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof NoSuchFileException) {
            return "no such file or directory";
        }
        if (e instanceof NotDirectoryException) {
            return "not a directory";
        }
        if (e instanceof FileAlreadyExistsException) {
            return "a file of that name is in the way";
        }
        if (e instanceof DirectoryNotEmptyException) {
            return "directory not empty";
        }
        if (e instanceof FileSystemException fs && fs.getReason() != null) {
            return lower(fs.getReason());
        }
        String message = String.valueOf(e.getMessage());
        if (e instanceof FileNotFoundException && message.endsWith(")") && message.contains(" (")) {
            return lower(message.substring(message.lastIndexOf(" (") + 2, message.length() - 1)); // "path (Reason)"
        }
        return lower(message);
    }

    /** {@link #reason} of a failure to create a file in {@code directory}, which exists. */
    static String reasonCreatingIn(Path directory, IOException e) {
        // ENOENT for a new file in an existing directory: the file system takes none (/proc, /sys).
        return e instanceof NoSuchFileException && Files.isDirectory(directory)
                ? "the file system there takes no new files"
                : reason(e);
    }

    /** The file the failure names, if it names one. */
    public static Optional<String> file(IOException e) {
        if (e instanceof FileSystemException fs && fs.getFile() != null) {
            return Optional.of(fs.getFile());
        }
        String message = e.getMessage();
        if (e instanceof FileNotFoundException && message != null && message.contains(" (")) {
            return Optional.of(message.substring(0, message.lastIndexOf(" (")));
        }
        return Optional.empty();
    }

    /** What the user can do about a failure with this reason; {@code other} names the alternative, e.g. "--out". */
    public static String advice(String reason, String other) {
        if (isDiskFull(reason)) {
            return "free some space, or choose another " + other;
        }
        if (reason.contains("permission denied") || reason.contains("read-only") || reason.contains("not permitted")) {
            return "make it writable, or choose another " + other;
        }
        if (reason.contains("not a directory") || reason.contains("in the way")) {
            return "remove the file in the way, or choose another " + other;
        }
        return "choose another " + other;
    }

    static String advice(String reason) {
        return advice(reason, "output location");
    }

    /** A one-line message for an I/O failure: what failed, where, why, and what to do. */
    public static String describe(IOException e) {
        String reason = reason(e);
        return "I/O failed" + file(e).map(f -> " on " + f).orElse("") + ": " + reason + "; " + advice(reason);
    }

    static boolean isDiskFull(String reason) {
        return reason.contains("no space left on device") || reason.contains("disk quota exceeded");
    }

    private static String lower(String reason) {
        return reason.isEmpty() ? reason : reason.substring(0, 1).toLowerCase(Locale.ROOT) + reason.substring(1);
    }
}
