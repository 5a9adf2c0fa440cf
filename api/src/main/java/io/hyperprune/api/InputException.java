package io.hyperprune.api;

/**
 * A problem with what the user gave: a file, an option, a plugin jar. The message names the thing,
 * what was expected, what was found and the fix; the CLI prints it without a stack trace and exits
 * with status 2. Components throw it for every error the user can correct.
 */
public class InputException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public InputException(String message) {
        super(message);
    }

    public InputException(String message, Throwable cause) {
        super(message, cause);
    }
}
