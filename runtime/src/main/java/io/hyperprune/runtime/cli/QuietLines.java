package io.hyperprune.runtime.cli;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** Forwards whole lines to a stream, except SameDiff's "Added differentiated op ..." lines (one per graph op). */
final class QuietLines extends OutputStream {

    private static final String NOISE = "Added differentiated op";

    private final PrintStream target;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();

    QuietLines(PrintStream target) {
        this.target = target;
    }

    @Override
    public synchronized void write(int b) {
        line.write(b);
        if (b == '\n') {
            flushLine();
        }
    }

    @Override
    public synchronized void flush() {
        target.flush();
    }

    private void flushLine() {
        String text = line.toString(StandardCharsets.UTF_8);
        line.reset();
        if (!text.startsWith(NOISE)) {
            target.print(text);
        }
    }
}
