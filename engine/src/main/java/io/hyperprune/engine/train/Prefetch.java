package io.hyperprune.engine.train;

import io.hyperprune.engine.kernels.NativeThreads;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Produces the elements of an iterator on a background thread, a few ahead of the consumer, in order.
 *
 * <p>Why: a mini-batch of a stochastic model needs its reparametrisation noise — for a hypernetwork
 * step 5 x 39,760 Gaussian draws and their arrays, a sizeable part of the step on the training thread
 * (docs/performance.md, "Why each kernel exists"). Training runs single-threaded (fastest for these
 * nets), so the second core is free to draw the next batch meanwhile. The source is consumed by one
 * thread in order, so a seeded source gives the same sequence as without prefetching. Producers run on
 * a shared pool of daemon threads reused from epoch to epoch: a new thread per epoch made glibc give
 * each its own malloc arena, and resident memory grew every epoch (docs/performance.md, "Why each
 * kernel exists").
 */
final class Prefetch<T> implements Iterator<T>, AutoCloseable {

    private static final Object END = new Object();
    private static final ExecutorService PRODUCERS = Executors.newCachedThreadPool(task -> {
        Thread thread = new Thread(task, "hyperprune-batches");
        thread.setDaemon(true);
        return thread;
    });

    private final BlockingQueue<Object> queue;
    /** Counted down when the producer task has returned, however it ended. */
    private final CountDownLatch finished = new CountDownLatch(1);

    private volatile boolean closed;
    private volatile Thread producer;
    private Object next;

    Prefetch(Iterator<T> source, int ahead) {
        this.queue = new ArrayBlockingQueue<>(ahead);
        PRODUCERS.execute(() -> {
            producer = Thread.currentThread();
            NativeThreads.singleThreadedHere();
            try {
                if (!closed) {
                    produce(source);
                }
            } finally {
                producer = null;
                finished.countDown();
            }
        });
    }

    private void produce(Iterator<T> source) {
        try {
            while (!closed && source.hasNext()) {
                if (!put(source.next())) {
                    return;
                }
            }
            put(END);
        } catch (RuntimeException | Error e) {
            put(new Failure(e));
        }
    }

    /** Queues an element; false once closed. An interrupt that does not come from close is ignored. */
    private boolean put(Object element) {
        while (true) {
            try {
                queue.put(element);
                return true;
            } catch (InterruptedException e) {
                if (closed) {
                    return false;
                }
            }
        }
    }

    private record Failure(Throwable cause) {}

    @Override
    public boolean hasNext() {
        if (next == null) {
            try {
                next = queue.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the next mini-batch", e);
            }
        }
        if (next instanceof Failure failure) {
            if (failure.cause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw (Error) failure.cause();
        }
        return next != END;
    }

    @Override
    @SuppressWarnings("unchecked")
    public T next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        T element = (T) next;
        next = null;
        return element;
    }

    /** Stops the producer (e.g. when training stops early) and waits for it, so no draw outlives the epoch. */
    @Override
    public void close() {
        closed = true;
        Thread thread = producer;
        if (thread != null) {
            thread.interrupt();
        }
        try {
            finished.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
