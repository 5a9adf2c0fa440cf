package io.hyperprune.runtime.run;

import java.nio.file.Path;

/**
 * A result file could not be written, for a reason of the environment (no space, no permission, a file in
 * the way); the message names the file, the OS's reason and the fix. The CLI exits with status 2.
 */
public final class FileWriteException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient Path path;

    FileWriteException(Path path, String message, Throwable cause) {
        super(message, cause);
        this.path = path;
    }

    /** The file that was being written. */
    public Path path() {
        return path;
    }
}
