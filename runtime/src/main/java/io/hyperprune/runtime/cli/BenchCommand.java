package io.hyperprune.runtime.cli;

import static java.util.Objects.requireNonNull;

import com.google.inject.Inject;
import io.hyperprune.api.ComponentOptions;
import io.hyperprune.api.Dataset;
import io.hyperprune.api.DatasetProvider;
import io.hyperprune.api.Evidence;
import io.hyperprune.api.Hypernetwork;
import io.hyperprune.api.InputException;
import io.hyperprune.api.LambdaRange;
import io.hyperprune.engine.compiled.OpTimes;
import io.hyperprune.engine.graph.ConstantHypernetwork;
import io.hyperprune.engine.graph.ModelSpec;
import io.hyperprune.engine.train.EpochMetrics;
import io.hyperprune.engine.train.Trainer;
import io.hyperprune.engine.train.Training;
import io.hyperprune.engine.train.TrainingSettings;
import io.hyperprune.runtime.run.Environments;
import io.hyperprune.runtime.run.Json;
import io.hyperprune.runtime.wiring.ComponentRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code hyperprune bench}: steady-state training speed of the reference MNIST workloads, in the JSON
 * schema of bench/README.md so it can be compared with the PyTorch reference of bench/torch.
 */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description =
                "Measure seconds per epoch (median after the warm-up epochs), samples/s and peak RSS of the MNIST workloads.")
final class BenchCommand implements Callable<Integer> {

    /**
     * workload name -> evidence, hypernetwork, lambda samples per batch (a hypernetwork) or plain models
     * side by side (constant: one per lambda of the paper-mnist grid, as an experiment trains them)
     */
    static final Map<String, String[]> WORKLOADS = new LinkedHashMap<>();

    static {
        WORKLOADS.put("weight-decay", new String[] {"weight-decay", ConstantHypernetwork.ID, "1"});
        WORKLOADS.put("variational", new String[] {"variational", ConstantHypernetwork.ID, "1"});
        WORKLOADS.put("prior-scaled", new String[] {"prior-scaled", ConstantHypernetwork.ID, "1"});
        WORKLOADS.put("variational-linear", new String[] {"variational", "linear", "5"});
        WORKLOADS.put("variational-piecewise", new String[] {"variational", "piecewise", "5"});
        WORKLOADS.put("weight-decay-6-lambdas", new String[] {"weight-decay", ConstantHypernetwork.ID, "6"});
        WORKLOADS.put("variational-6-lambdas", new String[] {"variational", ConstantHypernetwork.ID, "6"});
    }

    private final ComponentRegistry registry;
    private final Console console;

    @Mixin
    DataOptions data;

    @Option(names = "--dataset", defaultValue = "mnist", description = "Data set (default: ${DEFAULT-VALUE}).")
    String dataset;

    @Option(
            names = "--workload",
            split = ",",
            description =
                    "Workloads: weight-decay, variational, prior-scaled, variational-linear, variational-piecewise, weight-decay-6-lambdas, variational-6-lambdas (default: the first two, the hypernetworks and the 6-lambda ones).")
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
                    "Leading epochs left out of the median (default: ${DEFAULT-VALUE}; the JIT compiles the step's Java loops during the first few).")
    int warmup;

    @Option(names = "--batch-size", defaultValue = "256", description = "Mini-batch size (default: ${DEFAULT-VALUE}).")
    int batchSize;

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
                    "Profile the last epoch of each workload into DIR and print the summary to stderr: time per op of the compiled step (<workload>-ops.csv), or SameDiff's op profile with --executor session (<workload>.json, Chrome trace).")
    Path profile;

    @Inject
    BenchCommand(ComponentRegistry registry, Console console) {
        this.registry = requireNonNull(registry, "registry is null");
        this.console = requireNonNull(console, "console is null");
    }

    @Override
    public Integer call() {
        if (warmup < 1 || epochs <= warmup) {
            throw new InputException(
                    "--epochs must exceed --warmup (at least 1), so some epochs are measured: got --epochs " + epochs
                            + " --warmup " + warmup + "; e.g. --epochs " + (Math.max(warmup, 1) + 5) + " --warmup "
                            + Math.max(warmup, 1));
        }
        List<String> chosen = workloads.isEmpty()
                ? List.of(
                        "weight-decay",
                        "variational",
                        "variational-linear",
                        "variational-piecewise",
                        "weight-decay-6-lambdas",
                        "variational-6-lambdas")
                : workloads;
        for (String workload : chosen) {
            if (!WORKLOADS.containsKey(workload)) {
                throw new InputException(
                        "unknown --workload '" + workload + "'; known: " + String.join(", ", WORKLOADS.keySet()));
            }
        }
        DatasetProvider provider = registry.select(DatasetProvider.class, dataset);
        Dataset loaded = provider.load(data.request(ComponentOptions.none(dataset)));
        List<Trainer.Executor> chosenExecutors = new ArrayList<>();
        for (String executor : executors) {
            chosenExecutors.add(Trainer.Executor.parse(executor, "--executor"));
        }
        List<Map<String, Object>> results = new ArrayList<>();
        for (String workload : chosen) {
            for (Trainer.Executor executor : chosenExecutors) {
                results.add(run(workload, loaded, executor));
            }
        }
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("implementation", "hyperprune");
        Map<String, Object> machine = new LinkedHashMap<>();
        machine.put("cpu", cpuModel());
        machine.put("cores", Runtime.getRuntime().availableProcessors());
        machine.put("environment", Environments.current());
        machine.put("peak_gflops_sgemm", peakGflops());
        document.put("machine", machine);
        document.put("workloads", results);
        if (json) {
            console.out().print(Json.write(document));
        } else {
            for (Map<String, Object> r : results) {
                console.out()
                        .printf(
                                Locale.ROOT,
                                "%-22s %-8s %.3f s/epoch, %.0f samples/s, peak RSS %.0f MiB (growth after warm-up %+.0f MiB), test accuracy %.4f,"
                                        + " %d native thread(s)%s%n",
                                r.get("workload"),
                                r.get("executor"),
                                number(r, "epoch_seconds_median"),
                                number(r, "samples_per_second"),
                                number(r, "peak_rss_mb"),
                                number(r, "rss_growth_mb"),
                                number(r, "test_accuracy"),
                                (long) number(r, "native_threads"),
                                Boolean.TRUE.equals(r.get("product_helper")) ? " + product helper" : "");
            }
        }
        return 0;
    }

    private Map<String, Object> run(String workload, Dataset loaded, Trainer.Executor executor) {
        String[] spec = WORKLOADS.get(workload);
        Evidence evidence = registry.select(Evidence.class, spec[0]);
        Hypernetwork hypernetwork = registry.select(Hypernetwork.class, spec[1]);
        int samples = Integer.parseInt(spec[2]);
        boolean plain = ConstantHypernetwork.isPlain(hypernetwork);
        ModelSpec model = ModelSpec.parse(loaded.inputSize() + "-50-" + loaded.classes());
        List<Double> lambdas =
                plain && samples > 1 ? TrainingSettings.REFERENCE_LAMBDAS.subList(0, samples) : List.of(1.0);
        Trainer trainer = Training.start(
                model,
                evidence,
                ComponentOptions.none(evidence.id()),
                hypernetwork,
                ComponentOptions.none(hypernetwork.id()),
                new TrainingSettings(epochs, batchSize, 5e-4, 1.0, 0, lambdas, samples, LambdaRange.REFERENCE),
                loaded,
                executor);
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
                trace = profile.resolve(workload + ".json").toFile();
                createDirectories(profile);
                SameDiff gradients = trainer.graph().sameDiff().getFunction("grad");
                writeText(
                        profile.resolve(workload + "-graph.txt"),
                        trainer.graph().sameDiff().summary()
                                + (gradients == null ? "" : "\n--- Gradient function ---\n" + gradients.summary()));
                trainer.graph()
                        .sameDiff()
                        .addListeners(org.nd4j.autodiff.listeners.profiler.ProfilingListener.builder(trace)
                                .recordAll()
                                .warmup(0)
                                .operations(org.nd4j.autodiff.listeners.Operation.TRAINING)
                                .build());
            }
            last = trainer.trainEpoch(epoch, step -> {});
            if (timingOps && epoch == epochs) {
                opTimes.stop();
                createDirectories(profile);
                writeText(profile.resolve(workload + "-ops.csv"), opTimes.csv());
                console.err()
                        .printf(
                                Locale.ROOT,
                                "%s: time per op of the compiled step, last epoch (%s)%n%s",
                                workload,
                                profile.resolve(workload + "-ops.csv"),
                                opTimes.table(25));
            }
            if (trace != null) {
                trainer.graph().sameDiff().getListeners().clear();
                console.err()
                        .println(org.nd4j.autodiff.listeners.profiler.comparison.ProfileAnalyzer.summarizeProfileStr(
                                trace,
                                org.nd4j.autodiff.listeners.profiler.comparison.ProfileAnalyzer.ProfileFormat
                                        .SAMEDIFF));
            }
            seconds.add(last.trainSeconds());
            rss.add(rssMb("VmRSS:"));
            console.err()
                    .printf(
                            Locale.ROOT,
                            "%s (%s) epoch %d: %.3f s%n",
                            workload,
                            executor.name().toLowerCase(Locale.ROOT),
                            epoch,
                            last.trainSeconds());
        }
        List<Double> steady = new ArrayList<>(seconds.subList(warmup, seconds.size()));
        steady.sort(Double::compare);
        double median = steady.size() % 2 == 1
                ? steady.get(steady.size() / 2)
                : (steady.get(steady.size() / 2 - 1) + steady.get(steady.size() / 2)) / 2;
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("workload", workload);
        result.put("executor", trainer.executor().name().toLowerCase(Locale.ROOT));
        result.put("models", plain ? lambdas.size() : 1);
        result.put("threads", System.getenv().getOrDefault("OMP_NUM_THREADS", "unset"));
        result.put("native_threads", trainer.nativeThreads().threads());
        result.put("product_helper", trainer.sharesProducts());
        result.put("epochs", epochs);
        result.put("warmup_epochs", warmup);
        result.put("epoch_seconds", seconds);
        result.put("epoch_seconds_median", median);
        result.put("samples_per_second", loaded.train().size() / median);
        result.put("peak_rss_mb", peakRssMb());
        // The soak check: resident memory after each epoch, and its growth from the end of warm-up to the end.
        result.put("rss_mb_per_epoch", rss);
        result.put("rss_growth_mb", rss.get(rss.size() - 1) - rss.get(warmup - 1));
        result.put("test_accuracy", last.testAccuracy().get(0));
        return result;
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

    /** VmHWM of this process: the peak resident set size. */
    static double peakRssMb() {
        return rssMb("VmHWM:");
    }

    /** A resident-set figure of /proc/self/status in MiB (VmRSS: now, VmHWM: peak); NaN elsewhere than Linux. */
    static double rssMb(String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(field)) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
                }
            }
        } catch (Exception e) {
            // not Linux: unknown
        }
        return Double.NaN;
    }

    /** Best of 5 float32 1024x1024 GEMMs through ND4J's BLAS: the machine's practical peak for this process's threads. */
    static double peakGflops() {
        INDArray a = Nd4j.rand(DataType.FLOAT, 1024, 1024);
        INDArray b = Nd4j.rand(DataType.FLOAT, 1024, 1024);
        a.mmul(b);
        double best = Double.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            long start = System.nanoTime();
            a.mmul(b);
            best = Math.min(best, (System.nanoTime() - start) / 1e9);
        }
        return 2.0 * 1024 * 1024 * 1024 / best / 1e9;
    }

    private static String cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
                    .filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim())
                    .findFirst()
                    .orElse("unknown");
        } catch (Exception e) {
            return "unknown";
        }
    }

    /** A measured figure of a workload's result. */
    private static double number(Map<String, Object> result, String key) {
        return ((Number) result.get(key)).doubleValue();
    }
}
