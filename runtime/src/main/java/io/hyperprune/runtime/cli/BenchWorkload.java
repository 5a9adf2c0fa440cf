package io.hyperprune.runtime.cli;

import io.hyperprune.api.Dataset;
import io.hyperprune.api.LambdaRange;
import io.hyperprune.engine.graph.ConstantHypernetwork;
import io.hyperprune.engine.graph.ModelSpec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A workload of {@code hyperprune bench} (bench/README.md): which evidence and hypernetwork train which
 * model, with how many lambda samples per batch (a hypernetwork) or plain models side by side (the
 * constant hypernetwork: one per lambda of the paper-mnist grid, as an experiment trains them).
 *
 * @param conv METHOD.md's CIFAR-10 net on CIFAR-format data, batch 128, lambda range 0.01..1 (paper-cifar);
 *     otherwise the MNIST MLP 784-50-10, batch 256
 */
record BenchWorkload(String name, String evidence, String hypernetwork, int samples, boolean conv) {

    /** Training samples of CIFAR-10: an epoch of batch 128 is 391 steps. */
    static final int CIFAR_TRAIN_SAMPLES = 50_000;

    static final Map<String, BenchWorkload> ALL = new LinkedHashMap<>();

    static {
        for (BenchWorkload w : List.of(
                mlp("weight-decay", "weight-decay", ConstantHypernetwork.ID, 1),
                mlp("variational", "variational", ConstantHypernetwork.ID, 1),
                mlp("prior-scaled", "prior-scaled", ConstantHypernetwork.ID, 1),
                mlp("variational-linear", "variational", "linear", 5),
                mlp("variational-piecewise", "variational", "piecewise", 5),
                mlp("weight-decay-6-lambdas", "weight-decay", ConstantHypernetwork.ID, 6),
                mlp("variational-6-lambdas", "variational", ConstantHypernetwork.ID, 6),
                new BenchWorkload("cifar-conv-weight-decay", "weight-decay", ConstantHypernetwork.ID, 1, true),
                new BenchWorkload("cifar-conv-variational", "variational", ConstantHypernetwork.ID, 1, true),
                new BenchWorkload("cifar-conv-variational-linear", "variational", "linear", 5, true),
                new BenchWorkload("cifar-conv-variational-piecewise", "variational", "piecewise", 5, true))) {
            ALL.put(w.name(), w);
        }
    }

    /** What {@code hyperprune bench} runs without {@code --workload}: the MNIST set (a conv step takes seconds). */
    static final List<String> DEFAULT = List.of(
            "weight-decay",
            "variational",
            "variational-linear",
            "variational-piecewise",
            "weight-decay-6-lambdas",
            "variational-6-lambdas");

    private static BenchWorkload mlp(String name, String evidence, String hypernetwork, int samples) {
        return new BenchWorkload(name, evidence, hypernetwork, samples, false);
    }

    boolean plain() {
        return hypernetwork.equals(ConstantHypernetwork.ID);
    }

    /** The data set this workload trains on: cifar10 for the conv net, else the command's choice. */
    String dataset(String mlpDataset) {
        return conv ? "cifar10" : mlpDataset;
    }

    ModelSpec model(Dataset data) {
        return conv
                ? ModelSpec.parse(ModelSpec.CIFAR_CONV)
                : ModelSpec.parse(data.inputSize() + "-50-" + data.classes());
    }

    int batchSize(Integer requested) {
        return requested != null ? requested : conv ? 128 : 256;
    }

    /** The lambda range of a hypernetwork: METHOD.md's for the data set. */
    LambdaRange range() {
        return conv ? new LambdaRange(0.01, 1) : LambdaRange.REFERENCE;
    }

    /** Steps of one epoch-equivalent: the whole training set of the data set in batches of {@code batchSize}. */
    int stepsPerEpoch(Dataset data, int batchSize) {
        int samples = conv ? CIFAR_TRAIN_SAMPLES : data.train().size();
        return (samples + batchSize - 1) / batchSize;
    }
}
