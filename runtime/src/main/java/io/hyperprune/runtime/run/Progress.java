package io.hyperprune.runtime.run;

import io.hyperprune.engine.train.EpochMetrics;

/** Hears about training progress (a bar on a terminal, log lines otherwise, or nothing). */
public interface Progress {

    Progress NONE = new Progress() {};

    default void epochStarted(int epoch, int epochs, int steps) {}

    default void step(int step) {}

    default void epochFinished(EpochMetrics metrics) {}

    /** Something the user should know, e.g. that a damaged checkpoint was not used. */
    default void warn(String message) {
        System.err.println("warning: " + message);
    }
}
