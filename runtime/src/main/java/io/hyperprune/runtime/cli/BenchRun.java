package io.hyperprune.runtime.cli;

import io.hyperprune.api.InputException;
import io.hyperprune.engine.compiled.OpTimes;
import io.hyperprune.engine.train.EpochMetrics;
import io.hyperprune.engine.train.Trainer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.nd4j.autodiff.listeners.Operation;
import org.nd4j.autodiff.listeners.profiler.ProfilingListener;
import org.nd4j.autodiff.listeners.profiler.comparison.ProfileAnalyzer;
import org.nd4j.autodiff.samediff.SameDiff;

/**
 * One workload's measurement for {@code hyperprune bench}: whole epochs (the median after the warm-up
 * epochs) or single steps (the median after the warm-up steps, for nets whose step takes seconds), with
 * the op profile of the measured part when asked for.
 */
final class BenchRun {

    private final Trainer trainer;
    private final String workload;
    private final Path profile;
    private final Console console;

    BenchRun(Trainer trainer, String workload, Path profile, Console console) {
        this.trainer = trainer;
        this.workload = workload;
        this.profile = profile;
        this.console = console;
    }

    /** Trains {@code epochs} epochs; fills the result's epoch figures and returns the last epoch's metrics. */
    EpochMetrics epochs(int epochs, int warmup, Map<String, Object> result) {
        List<Double> seconds = new ArrayList<>();
        List<Double> rss = new ArrayList<>();
        EpochMetrics last = null;
        OpTimes opTimes = new OpTimes();
        boolean timingOps = profile != null && trainer.recordOpTimes(opTimes);
        for (int epoch = 1; epoch <= epochs; epoch++) {
            java.io.File trace = null;
            if (timingOps && epoch == epochs) {
                opTimes.start();
            } else if (profile != null && epoch == epochs) {
                trace = sessionProfile();
            }
            last = trainer.trainEpoch(epoch, step -> {});
            if (timingOps && epoch == epochs) {
                opTimes.stop();
                writeOpTimes(opTimes, "last epoch");
            }
            if (trace != null) {
                trainer.graph().sameDiff().getListeners().clear();
                console.err()
                        .println(ProfileAnalyzer.summarizeProfileStr(trace, ProfileAnalyzer.ProfileFormat.SAMEDIFF));
            }
            seconds.add(last.trainSeconds());
            rss.add(ProcessFigures.rssMb("VmRSS:"));
            console.err()
                    .printf(
                            Locale.ROOT,
                            "%s (%s) epoch %d: %.3f s%n",
                            workload,
                            executor(),
                            epoch,
                            seconds.get(epoch - 1));
        }
        result.put("epochs", epochs);
        result.put("warmup_epochs", warmup);
        result.put("epoch_seconds", seconds);
        result.put("epoch_seconds_median", median(seconds.subList(warmup, seconds.size())));
        // The soak check: resident memory after each epoch, and its growth from the end of warm-up to the end.
        result.put("rss_mb_per_epoch", rss);
        result.put("rss_growth_mb", rss.get(rss.size() - 1) - rss.get(warmup - 1));
        return last;
    }

    /**
     * Trains one epoch of {@code warmup + steps} steps (the caller cut the training set to that) without
     * evaluation, timing each step from the end of the one before; fills the result's step figures.
     */
    void steps(int steps, int warmup, int stepsPerEpoch, int batchSize, Map<String, Object> result) {
        OpTimes opTimes = new OpTimes();
        boolean timingOps = profile != null && trainer.recordOpTimes(opTimes);
        if (profile != null && !timingOps) {
            throw new InputException("--profile with --steps times the compiled step only; drop --executor session");
        }
        List<Double> seconds = new ArrayList<>();
        double[] rssAfterWarmup = {Double.NaN};
        long[] last = {System.nanoTime()};
        trainer.trainEpoch(
                1,
                step -> {
                    long now = System.nanoTime();
                    seconds.add((now - last[0]) / 1e9);
                    console.err()
                            .printf(
                                    Locale.ROOT,
                                    "%s (%s) step %d: %.3f s%n",
                                    workload,
                                    executor(),
                                    step,
                                    seconds.get(step - 1));
                    if (step == warmup) {
                        rssAfterWarmup[0] = ProcessFigures.rssMb("VmRSS:");
                        if (timingOps) {
                            opTimes.start();
                        }
                    }
                    last[0] = System.nanoTime();
                },
                false);
        if (timingOps) {
            opTimes.stop();
            writeOpTimes(opTimes, "the " + steps + " steps after warm-up");
        }
        if (seconds.size() != warmup + steps) {
            throw new IllegalStateException("expected " + (warmup + steps) + " steps, trained " + seconds.size());
        }
        double median = median(seconds.subList(warmup, seconds.size()));
        result.put("batch_size", batchSize);
        result.put("steps", steps);
        result.put("warmup_steps", warmup);
        result.put("step_seconds", seconds);
        result.put("step_seconds_median", median);
        // An epoch-equivalent: the whole training set in steps of this median, so ratios read as for epochs.
        result.put("steps_per_epoch", stepsPerEpoch);
        result.put("epochs", 0);
        result.put("epoch_seconds", List.of());
        result.put("epoch_seconds_median", median * stepsPerEpoch);
        result.put("rss_growth_mb", ProcessFigures.rssMb("VmRSS:") - rssAfterWarmup[0]);
    }

    private String executor() {
        return trainer.executor().name().toLowerCase(Locale.ROOT);
    }

    /** SameDiff's own profile of the next epoch (the session executor), and the graph with its gradient function. */
    private java.io.File sessionProfile() {
        java.io.File trace = profile.resolve(workload + ".json").toFile();
        createDirectories(profile);
        SameDiff gradients = trainer.graph().sameDiff().getFunction("grad");
        writeText(
                profile.resolve(workload + "-graph.txt"),
                trainer.graph().sameDiff().summary()
                        + (gradients == null ? "" : "\n--- Gradient function ---\n" + gradients.summary()));
        trainer.graph()
                .sameDiff()
                .addListeners(ProfilingListener.builder(trace)
                        .recordAll()
                        .warmup(0)
                        .operations(Operation.TRAINING)
                        .build());
        return trace;
    }

    private void writeOpTimes(OpTimes opTimes, String what) {
        createDirectories(profile);
        writeText(profile.resolve(workload + "-ops.csv"), opTimes.csv());
        console.err()
                .printf(
                        Locale.ROOT,
                        "%s: time per op of the compiled step, %s (%s)%n%s",
                        workload,
                        what,
                        profile.resolve(workload + "-ops.csv"),
                        opTimes.table(25));
    }

    static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(Double::compare);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private static void createDirectories(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (java.io.IOException e) {
            throw new InputException("--profile " + dir + ": cannot create the directory (" + e.getMessage() + ")");
        }
    }

    private static void writeText(Path file, String text) {
        try {
            Files.writeString(file, text);
        } catch (java.io.IOException e) {
            throw new InputException("--profile: cannot write " + file + " (" + e.getMessage() + ")");
        }
    }
}
