package io.hyperprune.engine.kernels;

import io.hyperprune.api.InputException;
import io.hyperprune.engine.graph.ModelSpec;
import java.util.Map;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOpsHolder;

/**
 * How many threads libnd4j's ops and its BLAS use while a model trains, chosen from the process's
 * thread budget ({@code OMP_NUM_THREADS}, else the processor count) and the model.
 *
 * <p>Why not simply the budget: a training process has a second busy thread, the batch thread, which
 * gathers the next mini-batch and draws its lambdas and reparametrisation noise while the current step
 * runs (a fair share of an MLP step's CPU, the noise growing with the parameter count as the products
 * do). With as many native threads as cores, three busy threads shared two cores, and libnd4j split
 * every small element-wise op of an MNIST-sized net over two threads at a cost above the op: on a
 * 2-core machine the MNIST workloads trained slower per epoch than with one native thread (the
 * measurements are in docs/performance.md, "Why each kernel exists"). So an MLP's ops get the budget
 * minus one thread (at least one): the batch thread keeps a core. A conv net's ops are large enough
 * to gain from every thread, and get the whole budget. {@value #OVERRIDE}{@code =N} sets N outright
 * (e.g. for a very wide MLP).
 */
public final class NativeThreads {

    static final String OVERRIDE = "HYPERPRUNE_NATIVE_THREADS";

    /**
     * The native thread count for a model, whether its large matrix products are shared with a helper
     * thread on the batch thread's core ({@link SplitProduct}), and why, for logs and provenance.
     */
    public record Choice(int threads, boolean splitsProducts, String reason) {

        Choice(int threads, String reason) {
            this(threads, false, reason);
        }
    }

    /** {@code -Dhyperprune.split=false} keeps every product on the training thread (to compare). */
    private static final boolean SPLIT = Boolean.parseBoolean(System.getProperty("hyperprune.split", "true"));

    private NativeThreads() {}

    /** Chooses the count for a model of this kind from these environment variables and processor count. */
    static Choice choose(ModelSpec.Kind kind, Map<String, String> environment, int processors) {
        String forced = environment.get(OVERRIDE);
        if (forced != null && !forced.isBlank()) {
            return new Choice(positive(forced.trim(), OVERRIDE), OVERRIDE + "=" + forced.trim());
        }
        // OpenMP also reads lists ("4,2": nested levels); the first level is the ops' threads.
        String omp =
                environment.getOrDefault("OMP_NUM_THREADS", "").split(",")[0].trim();
        boolean set = omp.matches("[1-9][0-9]{0,3}");
        int budget = set ? Integer.parseInt(omp) : processors;
        String source = set ? "OMP_NUM_THREADS=" + omp : processors + " processors";
        if (kind == ModelSpec.Kind.MLP && budget == 2 && SPLIT) {
            return new Choice(
                    1,
                    true,
                    source
                            + " minus one for the batch thread (MLP); large products and Adam steps shared with a helper on its core");
        }
        if (kind == ModelSpec.Kind.MLP && budget > 1) {
            return new Choice(budget - 1, source + " minus one for the batch thread (MLP)");
        }
        return new Choice(budget, source);
    }

    /** The count for a model of this kind in this process (its environment and processors). */
    public static Choice forThisProcess(ModelSpec.Kind kind) {
        return choose(kind, System.getenv(), Runtime.getRuntime().availableProcessors());
    }

    /** Chooses the count for this model in this process and sets it for libnd4j and its BLAS. */
    public static Choice applyFor(ModelSpec model) {
        Choice choice = forThisProcess(model.kind());
        set(choice.threads());
        return choice;
    }

    /** The OpenMP thread count libnd4j's ops use now. */
    static int current() {
        Nd4j.getEnvironment();
        return NativeOpsHolder.getInstance().getDeviceNativeOps().ompGetMaxThreads();
    }

    static void set(int threads) {
        // The backend must be loaded before its native ops can be reached.
        Nd4j.getEnvironment();
        NativeOpsHolder.getInstance().getDeviceNativeOps().setOmpNumThreads(threads);
        Nd4j.factory().blas().setMaxThreads(threads);
    }

    /**
     * Makes libnd4j's ops called from this thread single-threaded: OpenMP's thread count is a setting
     * per thread, and a thread ND4J did not start begins with {@code OMP_NUM_THREADS}.
     */
    public static void singleThreadedHere() {
        Nd4j.getEnvironment();
        NativeOpsHolder.getInstance().getDeviceNativeOps().setOmpNumThreads(1);
    }

    private static int positive(String value, String variable) {
        try {
            int threads = Integer.parseInt(value);
            if (threads >= 1) {
                return threads;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new InputException(variable + " must be a positive whole number of threads, got '" + value
                + "'; unset it or set e.g. " + variable + "=1");
    }
}
