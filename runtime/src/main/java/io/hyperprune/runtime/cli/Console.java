package io.hyperprune.runtime.cli;

import static java.util.Objects.requireNonNull;

import java.io.PrintStream;

/**
 * Where commands write: {@link #out()} is the real standard output, reserved for results and machine
 * output (JSON); {@link #err()} takes progress and messages. The process's {@code System.out} is
 * redirected to stderr because SameDiff prints to it.
 */
public final class Console {

    private final PrintStream out;
    private final PrintStream err;
    private final boolean interactive;

    public Console(PrintStream out, PrintStream err, boolean interactive) {
        this.out = requireNonNull(out, "out is null");
        this.err = requireNonNull(err, "err is null");
        this.interactive = interactive;
    }

    public PrintStream out() {
        return out;
    }

    public PrintStream err() {
        return err;
    }

    /** True when stderr is a terminal: draw progress bars instead of log lines. */
    public boolean interactive() {
        return interactive;
    }
}
