package io.hyperprune.runtime.experiment;

import java.util.Locale;
import java.util.Optional;

/** What a failure says to a user: its first message along the cause chain, and whether the disk is full. */
final class Failures {

    private Failures() {}

    /** The first message along the cause chain, with the exception's kind when there is none ("NullPointerException"). */
    static String describe(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                return t == e ? t.getMessage() : t.getMessage() + " (" + e.getClass().getSimpleName() + ")";
            }
        }
        return e.getClass().getSimpleName() + " without a message";
    }

    /** The message of a "no space left on device" failure anywhere in the cause chain (wrapped by SameDiff's save, say). */
    static Optional<String> noSpaceLeft(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t.getMessage() != null && t.getMessage().toLowerCase(Locale.ROOT).contains("no space left on device")) {
                return Optional.of(t.getMessage());
            }
        }
        return Optional.empty();
    }
}
