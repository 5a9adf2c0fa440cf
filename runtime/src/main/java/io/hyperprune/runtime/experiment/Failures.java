package io.hyperprune.runtime.experiment;

/** What a failure says to a user: its first message along the cause chain. */
final class Failures {

    private Failures() {}

    /** The first message along the cause chain, with the exception's kind when there is none ("NullPointerException"). */
    static String describe(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                return t == e
                        ? t.getMessage()
                        : t.getMessage() + " (" + e.getClass().getSimpleName() + ")";
            }
        }
        return e.getClass().getSimpleName() + " without a message";
    }
}
