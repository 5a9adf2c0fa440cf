package io.hyperprune.engine.kernels;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * A second thread that takes part in a large matrix product (or element-wise pass) while the training
 * thread computes the rest of it: both claim blocks of the work until none are left (see {@link
 * SplitProduct}, {@link SparseInput}, the Adam step of {@link io.hyperprune.engine.compiled.CompiledTrainingStep}).
 *
 * <p>Why: with one native thread per MLP process (the batch thread keeps the second core, see
 * {@link NativeThreads}) the batch thread needs only a part of its core, and the first layer's two
 * products are a large part of a hypernetwork step (measured busy times: docs/performance.md, "Why each
 * kernel exists"). Blocks are claimed, not assigned, so a helper that wakes late costs at most one
 * block's wait, and the batch thread itself takes blocks between its noise chunks ({@link #helpIfBusy})
 * rather than holding the core while a block waits for the helper. One helper per process, a daemon
 * parked while idle; a caller finding it busy computes every block itself.
 */
public final class ProductHelper {

    private static final ProductHelper SHARED = new ProductHelper(SplitProduct.MIN_MULTIPLY_ADDS);

    private final AtomicBoolean busy = new AtomicBoolean();
    private final Thread thread;
    /** The product being computed, or null; a new one per product, so a late helper never claims a block of the next. */
    private volatile Job job;

    /** The blocks of one product and how far both threads got. */
    private record Job(
            Runnable[] blocks, AtomicInteger next, AtomicInteger finished, AtomicReference<Throwable> failure) {

        Job(Runnable[] blocks) {
            this(blocks, new AtomicInteger(), new AtomicInteger(), new AtomicReference<>());
        }

        boolean claimable() {
            return next.get() < blocks.length;
        }

        void claimUntilNoneLeft() {
            for (int i = next.getAndIncrement(); i < blocks.length; i = next.getAndIncrement()) {
                try {
                    blocks[i].run();
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                } finally {
                    finished.incrementAndGet();
                }
            }
        }
    }

    /**
     * Element-wise passes over fewer elements stay on the caller's thread: one plain MNIST model's
     * 40k parameters are updated so quickly that waking the helper costs more than half of what it saves.
     */
    static final long MIN_ELEMENTS = 100_000;

    /** Products of fewer multiply-adds stay on the caller's thread. */
    private final long minMultiplyAdds;
    /** So do element-wise passes over fewer elements. */
    private final long minElements;

    /** A helper of its own (tests) sharing products from this size and passes from {@link #MIN_ELEMENTS}. */
    public ProductHelper(long minMultiplyAdds) {
        this(minMultiplyAdds, MIN_ELEMENTS);
    }

    /** A helper of its own (tests); training uses {@link #shared()}. */
    public ProductHelper(long minMultiplyAdds, long minElements) {
        this.minMultiplyAdds = minMultiplyAdds;
        this.minElements = minElements;
        thread = new Thread(this::work, "hyperprune-product-helper");
        thread.setDaemon(true);
        thread.start();
    }

    long minMultiplyAdds() {
        return minMultiplyAdds;
    }

    public long minElements() {
        return minElements;
    }

    public static ProductHelper shared() {
        return SHARED;
    }

    /** Runs every block, on this thread and the helper, returning when all are done. */
    public void runAll(Runnable[] blocks) {
        if (!busy.compareAndSet(false, true)) {
            for (Runnable block : blocks) {
                block.run();
            }
            return;
        }
        try {
            Job current = new Job(blocks);
            job = current;
            LockSupport.unpark(thread);
            current.claimUntilNoneLeft();
            while (current.finished().get() < blocks.length) {
                Thread.onSpinWait();
            }
            job = null;
            Throwable failed = current.failure().get();
            if (failed != null) {
                throw failed instanceof RuntimeException r
                        ? r
                        : new IllegalStateException("a product block failed", failed);
            }
        } finally {
            busy.set(false);
        }
    }

    /**
     * Runs blocks of the job in progress, if there is one with blocks left, on the calling thread: the
     * batch thread calls this between chunks of its noise, so it helps with a shared product instead of
     * taking the core from the helper thread while the training thread waits for the helper's block.
     */
    public void helpIfBusy() {
        Job current = job;
        if (current != null && current.claimable()) {
            current.claimUntilNoneLeft();
        }
    }

    private void work() {
        NativeThreads.singleThreadedHere();
        while (true) {
            Job current = job;
            if (current == null || !current.claimable()) {
                LockSupport.park(this);
                continue;
            }
            current.claimUntilNoneLeft();
        }
    }
}
