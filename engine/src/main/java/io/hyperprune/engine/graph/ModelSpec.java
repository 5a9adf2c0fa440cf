package io.hyperprune.engine.graph;

import static java.util.Objects.requireNonNull;

import io.hyperprune.api.InputException;
import io.hyperprune.api.ParameterSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The architecture of f(x, w): an MLP with any layer sizes (ReLU hidden layers, softmax output), e.g.
 * {@code 784-50-10}, or the reference CIFAR-10 conv net {@code cifar-conv} (3x3 convs 48, 96, maxpool,
 * 192, 256, maxpool, dense 16384-512-64-10).
 */
public record ModelSpec(String text, Kind kind, List<Integer> layers) {

    public enum Kind {
        MLP,
        CONV
    }

    public static final String CIFAR_CONV = "cifar-conv";
    /** Conv channels of the reference CIFAR net; a 2x2 max-pool follows the 2nd and 4th conv. */
    static final int[] CONV_CHANNELS = {48, 96, 192, 256};

    static final int[] CONV_DENSE = {16384, 512, 64, 10};

    public ModelSpec {
        requireNonNull(text, "text is null");
        requireNonNull(kind, "kind is null");
        layers = List.copyOf(layers);
    }

    /**
     * Bounds of an MLP spec, checked before any graph is built: a layer's ops are added to the graph one
     * by one, and every weight is a mean and a log-sigma with Adam's two moments each (32 bytes), times
     * the pivots of a hypernetwork. cifar-conv (9.1M weights) is within them.
     */
    static final int MAX_LAYERS = 32;

    static final int MAX_LAYER_SIZE = 65_536;
    static final long MAX_PARAMETERS = 50_000_000L;

    /** Parses {@code 784-50-10} or {@code cifar-conv}. */
    public static ModelSpec parse(String text) {
        String trimmed = text.trim();
        if (trimmed.equals(CIFAR_CONV)) {
            return new ModelSpec(CIFAR_CONV, Kind.CONV, List.of(3 * 32 * 32, 10));
        }
        List<Integer> sizes = new ArrayList<>();
        for (String part : trimmed.split("-")) {
            try {
                int size = Integer.parseInt(part.trim());
                if (size <= 0) {
                    throw new InputException("--model '" + abbreviated(text) + "': layer size " + size
                            + " must be at least 1," + " e.g. 784-50-10");
                }
                sizes.add(size);
            } catch (NumberFormatException e) {
                if (part.trim().matches("[0-9]{1,1000}")) {
                    throw new InputException("--model '" + abbreviated(text) + "': layer size " + part.trim()
                            + " is too large: at most " + MAX_LAYER_SIZE
                            + " (a layer's weights scale with its size times its neighbours')");
                }
                throw new InputException(
                        "--model '" + abbreviated(text) + "' is not a model spec: expected layer sizes joined by '-',"
                                + " e.g. 784-50-10, or '" + CIFAR_CONV + "'");
            }
        }
        if (sizes.size() < 2) {
            throw new InputException(
                    "--model '" + text + "' needs at least an input and an output size, e.g. 784-50-10");
        }
        if (sizes.size() > MAX_LAYERS) {
            throw new InputException("--model '" + abbreviated(text) + "' has " + sizes.size()
                    + " layer sizes, too many: at most " + MAX_LAYERS
                    + " (every layer adds its ops to the graph; a plain MLP this deep does not train)");
        }
        long parameters = 0;
        for (int i = 0; i < sizes.size(); i++) {
            if (sizes.get(i) > MAX_LAYER_SIZE) {
                throw new InputException("--model '" + abbreviated(text) + "': layer size " + sizes.get(i)
                        + " is too large: at most " + MAX_LAYER_SIZE
                        + " (a layer's weights scale with its size times its neighbours'; CIFAR-10's input is 3072)");
            }
            if (i > 0) {
                parameters += (long) sizes.get(i - 1) * sizes.get(i) + sizes.get(i);
            }
        }
        if (parameters > MAX_PARAMETERS) {
            throw new InputException("--model '" + abbreviated(text) + "' has " + parameters
                    + " parameters, too many: at most " + MAX_PARAMETERS
                    + " (each is a mean and a log-sigma with Adam's two moments, 32 bytes, so this model alone needs ~"
                    + (parameters * 32 >> 20) + " MiB, times the pivots of a hypernetwork; cifar-conv has 9.1M)");
        }
        return new ModelSpec(trimmed, Kind.MLP, sizes);
    }

    /** A spec of thousands of layers is named by its start, not printed whole. */
    private static String abbreviated(String text) {
        return text.length() <= 60 ? text : text.substring(0, 57) + "...";
    }

    public int inputSize() {
        return layers.get(0);
    }

    public int outputSize() {
        return layers.get(layers.size() - 1);
    }

    /** Every parameter tensor in forward order (weights and biases). */
    public List<ParameterSpec> parameters() {
        List<ParameterSpec> result = new ArrayList<>();
        if (kind == Kind.MLP) {
            for (int i = 0; i + 1 < layers.size(); i++) {
                dense(result, "dense" + i, layers.get(i), layers.get(i + 1));
            }
            return result;
        }
        int in = 3;
        for (int i = 0; i < CONV_CHANNELS.length; i++) {
            int out = CONV_CHANNELS[i];
            result.add(new ParameterSpec(
                    "conv" + i + "/W", new long[] {3, 3, in, out}, ParameterSpec.Kind.WEIGHT, 9L * in, 9L * out));
            result.add(new ParameterSpec("conv" + i + "/b", new long[] {out}, ParameterSpec.Kind.BIAS, 9L * in, out));
            in = out;
        }
        for (int i = 0; i + 1 < CONV_DENSE.length; i++) {
            dense(result, "dense" + i, CONV_DENSE[i], CONV_DENSE[i + 1]);
        }
        return result;
    }

    /** Checks that the data fit the model: input size and number of classes. */
    public void checkCompatible(long[] sampleShape, int classes, String datasetId) {
        long inputs = Arrays.stream(sampleShape).reduce(1, (a, b) -> a * b);
        if (kind == Kind.CONV && !Arrays.equals(sampleShape, new long[] {3, 32, 32})) {
            throw new InputException("--model " + text + " needs 3x32x32 images but data set '" + datasetId
                    + "' has samples of shape " + Arrays.toString(sampleShape) + "; use --dataset cifar10");
        }
        if (inputs != inputSize()) {
            throw new InputException("--model " + text + " expects " + inputSize() + " inputs but data set '"
                    + datasetId + "' has " + inputs + " per sample; fix the first layer size, e.g. --model " + inputs
                    + "-50-" + classes);
        }
        if (classes != outputSize()) {
            throw new InputException("--model " + text + " has " + outputSize() + " outputs but data set '" + datasetId
                    + "' has " + classes + " classes; fix the last layer size");
        }
    }

    private static void dense(List<ParameterSpec> result, String name, int in, int out) {
        result.add(new ParameterSpec(name + "/W", new long[] {in, out}, ParameterSpec.Kind.WEIGHT, in, out));
        result.add(new ParameterSpec(name + "/b", new long[] {out}, ParameterSpec.Kind.BIAS, in, out));
    }

    public long parameterCount() {
        return parameters().stream().mapToLong(ParameterSpec::size).sum();
    }
}
