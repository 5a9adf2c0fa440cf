package io.hyperprune.runtime.cli;

import io.hyperprune.engine.train.EpochMetrics;
import io.hyperprune.runtime.run.Progress;
import java.io.PrintStream;
import java.util.Locale;

/**
 * Training progress on stderr: a redrawn bar with ETA on a terminal, otherwise a log line every few
 * seconds and one per epoch (CI logs and files stay readable).
 */
final class ConsoleProgress implements Progress {

    private static final long LOG_INTERVAL_NANOS = 5_000_000_000L;
    private static final int WIDTH = 30;

    private final PrintStream err;
    private final boolean terminal;
    private final String label;
    private int epoch;
    private int epochs;
    private int steps;
    private long epochStart;
    private long lastPrint;

    ConsoleProgress(PrintStream err, boolean terminal, String label) {
        this.err = err;
        this.terminal = terminal;
        this.label = label;
    }

    @Override
    public void epochStarted(int epoch, int epochs, int steps) {
        this.epoch = epoch;
        this.epochs = epochs;
        this.steps = steps;
        this.epochStart = System.nanoTime();
        this.lastPrint = epochStart;
    }

    @Override
    public void warn(String message) {
        err.println((terminal ? "\n" : "") + "warning: " + message);
    }

    @Override
    public void step(int step) {
        long now = System.nanoTime();
        double elapsed = (now - epochStart) / 1e9;
        double eta = step == 0 ? 0 : elapsed / step * (steps - step);
        if (terminal) {
            if (now - lastPrint > 100_000_000L || step == steps) {
                int filled = (int) ((long) WIDTH * step / Math.max(1, steps));
                err.printf(
                        Locale.ROOT,
                        "\r%s epoch %d/%d [%s%s] %d/%d ETA %s ",
                        label,
                        epoch,
                        epochs,
                        "=".repeat(filled),
                        " ".repeat(WIDTH - filled),
                        step,
                        steps,
                        duration(eta));
                err.flush();
                lastPrint = now;
            }
        } else if (now - lastPrint > LOG_INTERVAL_NANOS) {
            err.printf(
                    Locale.ROOT,
                    "%s epoch %d/%d: step %d/%d, epoch ETA %s%n",
                    label,
                    epoch,
                    epochs,
                    step,
                    steps,
                    duration(eta));
            lastPrint = now;
        }
    }

    @Override
    public void epochFinished(EpochMetrics m) {
        if (!m.evaluated()) {
            err.printf(
                    Locale.ROOT,
                    "%s%s epoch %d/%d: %.1f s (not evaluated, --eval-every)%n",
                    terminal ? "\r" : "",
                    label,
                    m.epoch(),
                    epochs,
                    m.trainSeconds());
            return;
        }
        StringBuilder accuracy = new StringBuilder();
        for (int i = 0; i < m.lambdas().size(); i++) {
            accuracy.append(String.format(
                    Locale.ROOT,
                    " %s:%.4f",
                    format(m.lambdas().get(i)),
                    m.testAccuracy().get(i)));
        }
        err.printf(
                Locale.ROOT,
                "%s%s epoch %d/%d: loss %.4f (CE %.4f + penalty %.4f), test accuracy%s, %.1f s%n",
                terminal ? "\r" : "",
                label,
                m.epoch(),
                epochs,
                m.loss(),
                m.crossEntropy(),
                m.penalty(),
                accuracy,
                m.trainSeconds());
    }

    static String format(double lambda) {
        return lambda == Math.rint(lambda) && Math.abs(lambda) < 1e9
                ? String.valueOf((long) lambda)
                : String.valueOf(lambda);
    }

    private static String duration(double seconds) {
        long s = Math.round(seconds);
        return String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}
