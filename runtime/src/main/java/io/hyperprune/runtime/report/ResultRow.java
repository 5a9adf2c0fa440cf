package io.hyperprune.runtime.report;

/** One row of an experiment's {@code results.csv} ({@link ResultsCsv}). */
public record ResultRow(
        String run,
        String model,
        String evidence,
        String hypernetwork,
        double lambda,
        int restart,
        String criterion,
        String scope,
        double deletedPercent,
        double accuracy,
        long remainingParameters,
        double trainingSeconds) {}
