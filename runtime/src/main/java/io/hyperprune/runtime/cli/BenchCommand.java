package io.hyperprune.runtime.cli;

import static java.util.Objects.requireNonNull;

import com.google.inject.Inject;
import io.hyperprune.api.ComponentOptions;
import io.hyperprune.api.DataSplit;
import io.hyperprune.api.Dataset;
import io.hyperprune.api.DatasetProvider;
import io.hyperprune.api.Evidence;
import io.hyperprune.api.Hypernetwork;
import io.hyperprune.api.InputException;
import io.hyperprune.engine.graph.ConstantHypernetwork;
import io.hyperprune.engine.train.EpochMetrics;
import io.hyperprune.engine.train.Trainer;
import io.hyperprune.engine.train.Training;
import io.hyperprune.engine.train.TrainingSettings;
import io.hyperprune.runtime.run.Environments;
import io.hyperprune.runtime.run.Json;
import io.hyperprune.runtime.wiring.ComponentRegistry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.nd4j.linalg.indexing.NDArrayIndex;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code hyperprune bench}: steady-state training speed of the reference workloads, in the JSON schema
 * of bench/README.md so it can be compared with the PyTorch reference of bench/torch: the MNIST MLP by
 * epochs, the CIFAR-10 conv net ({@link BenchWorkload#conv}) by steps.
 */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description = "Measure seconds per epoch (median after the warm-up epochs) or per step (--steps; the cifar-conv"
                + " workloads), samples/s and peak RSS of the reference workloads.")
final class BenchCommand implements Callable<Integer> {

    /** Steps a cifar-conv workload times without --steps: one takes seconds. */
    static final int CONV_STEPS = 5;

    private final ComponentRegistry registry;
    private final Console console;

    @Mixin
    DataOptions data;

    @Option(
            names = "--dataset",
            defaultValue = "mnist",
            description = "Data set of the MLP workloads (default: ${DEFAULT-VALUE}); cifar-conv reads cifar10.")
    String dataset;

    @Option(
            names = "--workload",
            split = ",",
            description =
                    "Workloads: weight-decay, variational, prior-scaled, variational-linear, variational-piecewise,"
                            + " weight-decay-6-lambdas, variational-6-lambdas (MNIST MLP), cifar-conv-weight-decay,"
                            + " cifar-conv-variational, cifar-conv-variational-linear, cifar-conv-variational-piecewise (METHOD.md's CIFAR-10 net on"
                            + " cifar10 data from --data-dir, real or generated in the binary format, e.g. by"
                            + " bench/torch/make_cifar.py; timed by steps) (default: the first two, the MNIST"
                            + " hypernetworks and the 6-lambda ones).")
    List<String> workloads = new ArrayList<>();

    @Option(
            names = "--epochs",
            defaultValue = "7",
            description = "Epochs per workload, warm-up included (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(
            names = "--warmup",
            defaultValue = "2",
            description =
                    "Leading epochs (with --steps or cifar-conv: steps) left out of the median (default: ${DEFAULT-VALUE};"
                            + " the JIT compiles the step's Java loops during the first few).")
    int warmup;

    @Option(
            names = "--steps",
            description =
                    "Time this many training steps per workload after the --warmup steps instead of epochs: s/step and"
                            + " s per epoch-equivalent (the full training set's steps); the training set is cut to"
                            + " those batches and not evaluated. cifar-conv workloads always run so (default for them: "
                            + CONV_STEPS + ").")
    Integer steps;

    @Option(
            names = "--batch-size",
            description = "Mini-batch size (default: 256 for the MLP, 128 for cifar-conv, METHOD.md's).")
    Integer batchSize;

    @Option(names = "--json", description = "JSON on stdout (bench/README.md schema).")
    boolean json;

    @Option(
            names = "--executor",
            split = ",",
            paramLabel = "compiled|session",
            description =
                    "How training steps run: compiled (default; ops wired once, arrays reused) and/or session (SameDiff's fit);"
                            + " both, e.g. --executor compiled,session, measures them side by side in this run.")
    List<String> executors = new ArrayList<>(List.of("compiled"));

    @Option(
            names = "--profile",
            paramLabel = "DIR",
            description =
                    "Profile the last epoch (with --steps: the steps after warm-up) of each workload into DIR and print the"
                            + " summary to stderr: time per op of the compiled step (<workload>-ops.csv), or SameDiff's op"
                            + " profile with --executor session (<workload>.json, Chrome trace).")
    Path profile;

    @Inject
    BenchCommand(ComponentRegistry registry, Console console) {
        this.registry = requireNonNull(registry, "registry is null");
        this.console = requireNonNull(console, "console is null");
    }

    @Override
    public Integer call() {
        List<BenchWorkload> chosen = new ArrayList<>();
        for (String name : workloads.isEmpty() ? BenchWorkload.DEFAULT : workloads) {
            BenchWorkload workload = BenchWorkload.ALL.get(name);
            if (workload == null) {
                throw new InputException(
                        "unknown --workload '" + name + "'; known: " + String.join(", ", BenchWorkload.ALL.keySet()));
            }
            chosen.add(workload);
        }
        if (steps != null && (steps < 1 || warmup < 1)) {
            throw new InputException(
                    "--steps and --warmup must be at least 1, so some steps are measured after warm-up:"
                            + " got --steps " + steps + " --warmup " + warmup + "; e.g. --steps 5 --warmup 2");
        }
        if (steps == null && chosen.stream().anyMatch(w -> !w.conv()) && (warmup < 1 || epochs <= warmup)) {
            throw new InputException(
                    "--epochs must exceed --warmup (at least 1), so some epochs are measured: got --epochs " + epochs
                            + " --warmup " + warmup + "; e.g. --epochs " + (Math.max(warmup, 1) + 5) + " --warmup "
                            + Math.max(warmup, 1));
        }
        if (warmup < 1) {
            throw new InputException(
                    "--warmup must be at least 1 (the first step builds the compiled step), got " + warmup);
        }
        List<Trainer.Executor> chosenExecutors = new ArrayList<>();
        for (String executor : executors) {
            chosenExecutors.add(Trainer.Executor.parse(executor, "--executor"));
        }
        Map<String, Dataset> loaded = new LinkedHashMap<>();
        List<Map<String, Object>> results = new ArrayList<>();
        for (BenchWorkload workload : chosen) {
            Integer timedSteps = steps != null ? steps : workload.conv() ? Integer.valueOf(CONV_STEPS) : null;
            int batch = workload.batchSize(batchSize);
            Dataset full = loaded.computeIfAbsent(
                    workload.dataset(dataset) + "/" + batch,
                    key -> load(workload.dataset(dataset), timedSteps == null ? 0 : (warmup + timedSteps) * batch));
            for (Trainer.Executor executor : chosenExecutors) {
                results.add(run(workload, full, batch, timedSteps, executor));
            }
        }
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("implementation", "hyperprune");
        Map<String, Object> machine = new LinkedHashMap<>();
        machine.put("cpu", ProcessFigures.cpuModel());
        machine.put("cores", Runtime.getRuntime().availableProcessors());
        machine.put("environment", Environments.current());
        machine.put("peak_gflops_sgemm", ProcessFigures.peakGflops());
        document.put("machine", machine);
        document.put("workloads", results);
        if (json) {
            console.out().print(Json.write(document));
        } else {
            results.forEach(this::print);
        }
        return 0;
    }

    /**
     * A data set; for steps, a conv net's CIFAR-10 read only as far as the timed batches go (its reader
     * takes the first N records; the other splits are cut after loading).
     */
    private Dataset load(String id, int trainSamples) {
        DatasetProvider provider = registry.select(DatasetProvider.class, id);
        ComponentOptions options = trainSamples > 0 && id.equals("cifar10")
                ? new ComponentOptions(id, Map.of("train-size", Integer.toString(trainSamples), "test-size", "1000"))
                : ComponentOptions.none(id);
        return provider.load(data.request(options));
    }

    private Map<String, Object> run(
            BenchWorkload workload, Dataset full, int batch, Integer timedSteps, Trainer.Executor executor) {
        Evidence evidence = registry.select(Evidence.class, workload.evidence());
        Hypernetwork hypernetwork = registry.select(Hypernetwork.class, workload.hypernetwork());
        int samples = workload.samples();
        boolean plain = ConstantHypernetwork.isPlain(hypernetwork);
        List<Double> lambdas =
                plain && samples > 1 ? TrainingSettings.REFERENCE_LAMBDAS.subList(0, samples) : List.of(1.0);
        Dataset trained = timedSteps == null ? full : firstSamples(full, (warmup + timedSteps) * batch);
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("workload", workload.name());
        Double loadStart = ProcessFigures.loadAverage();
        // The earlier workloads' native arrays are freed when their Java objects are collected.
        System.gc();
        boolean ownPeak = ProcessFigures.resetPeakRss();
        Trainer trainer = Training.start(
                workload.model(full),
                evidence,
                ComponentOptions.none(evidence.id()),
                hypernetwork,
                ComponentOptions.none(hypernetwork.id()),
                new TrainingSettings(
                        timedSteps == null ? epochs : 1, batch, 5e-4, 1.0, 0, lambdas, samples, workload.range()),
                trained,
                executor);
        result.put("executor", trainer.executor().name().toLowerCase(Locale.ROOT));
        result.put("models", plain ? lambdas.size() : 1);
        if (!plain) {
            result.put("lambda_samples", samples);
        }
        result.put("threads", System.getenv().getOrDefault("OMP_NUM_THREADS", "unset"));
        BenchRun measured = new BenchRun(trainer, workload.name(), profile, console);
        if (timedSteps == null) {
            EpochMetrics last = measured.epochs(epochs, warmup, result);
            result.put("samples_per_second", full.train().size() / (double) result.get("epoch_seconds_median"));
            result.put("test_accuracy", last.testAccuracy().get(0));
        } else {
            measured.steps(timedSteps, warmup, workload.stepsPerEpoch(full, batch), batch, result);
            result.put("samples_per_second", batch / (double) result.get("step_seconds_median"));
        }
        result.put("native_threads", trainer.nativeThreads().threads());
        result.put("product_helper", trainer.sharesProducts());
        result.put("peak_rss_mb", ProcessFigures.peakRssMb());
        result.put("peak_rss_scope", ownPeak ? "workload" : "process");
        result.put("loadavg_start", loadStart);
        result.put("loadavg_end", ProcessFigures.loadAverage());
        return result;
    }

    /** The data set with its training split cut to its first {@code samples} samples (all if fewer). */
    private static Dataset firstSamples(Dataset data, int samples) {
        if (data.train().size() <= samples) {
            return data;
        }
        DataSplit train = data.train();
        DataSplit cut = new DataSplit(
                train.features().get(NDArrayIndex.interval(0, samples)).dup(),
                train.labels().get(NDArrayIndex.interval(0, samples)).dup());
        return new Dataset(
                data.id(),
                cut,
                data.test(),
                data.classes(),
                data.sampleShape(),
                data.checksums(),
                data.source(),
                data.trainAugmentation());
    }

    private void print(Map<String, Object> r) {
        String speed = r.containsKey("step_seconds_median")
                ? String.format(
                        Locale.ROOT,
                        "%.3f s/step (%.0f s per epoch-equivalent of %d steps)",
                        number(r, "step_seconds_median"),
                        number(r, "epoch_seconds_median"),
                        (long) number(r, "steps_per_epoch"))
                : String.format(Locale.ROOT, "%.3f s/epoch", number(r, "epoch_seconds_median"));
        console.out()
                .printf(
                        Locale.ROOT,
                        "%-30s %-8s %s, %.0f samples/s, peak RSS %.0f MiB (growth after warm-up %+.0f MiB)%s,"
                                + " %d native thread(s)%s%n",
                        r.get("workload"),
                        r.get("executor"),
                        speed,
                        number(r, "samples_per_second"),
                        number(r, "peak_rss_mb"),
                        number(r, "rss_growth_mb"),
                        r.containsKey("test_accuracy")
                                ? String.format(Locale.ROOT, ", test accuracy %.4f", number(r, "test_accuracy"))
                                : "",
                        (long) number(r, "native_threads"),
                        Boolean.TRUE.equals(r.get("product_helper")) ? " + product helper" : "");
    }

    /** A measured figure of a workload's result. */
    private static double number(Map<String, Object> result, String key) {
        return ((Number) result.get(key)).doubleValue();
    }
}
