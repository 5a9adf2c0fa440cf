package io.hyperprune.runtime.run;

/** Whether a failure is a full disk (or quota): then every further write fails too, so stop scheduling work. */
public final class DiskFull {

    private DiskFull() {}

    /** True if {@code failure}'s cause chain holds a "no space left on device" (or "disk quota exceeded") failure. */
    public static boolean isCause(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof java.io.IOException io && IoFailures.isDiskFull(IoFailures.reason(io))) {
                return true;
            }
        }
        return false;
    }
}
