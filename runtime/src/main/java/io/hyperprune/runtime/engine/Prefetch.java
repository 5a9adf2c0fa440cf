package io.hyperprune.runtime.engine;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Produces the elements of an iterator on a background thread, a few ahead of the consumer, in order.
 *
 * <p>Why: a mini-batch of a stochastic model needs its reparametrisation noise — for a hypernetwork
 * step 5 x 39,760 Gaussian draws and their arrays, measured at ~1/5 of the step on the training
 * thread. Training runs single-threaded (fastest for these nets), so the second core is free to draw
 * the next batch meanwhile. The source is consumed by one thread in order, so a seeded source gives
 * the same sequence as without prefetching.
 */
final class Prefetch<T> implements Iterator<T>, AutoCloseable {

    private static final Object END = new Object();

    private final BlockingQueue<Object> queue;
    private final Thread producer;
    private Object next;

    Prefetch(Iterator<T> source, int ahead, String threadName) {
        this.queue = new ArrayBlockingQueue<>(ahead);
        this.producer = new Thread(() -> {
            try {
                while (source.hasNext()) {
                    queue.put(source.next());
                }
                queue.put(END);
            } catch (InterruptedException e) {
                // closed by the consumer
            } catch (RuntimeException | Error e) {
                try {
                    queue.put(new Failure(e));
                } catch (InterruptedException interrupted) {
                    // closed by the consumer
                }
            }
        }, threadName);
        producer.setDaemon(true);
        producer.start();
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

    /** Stops the producer (e.g. when training stops early); waits for it so no draw outlives the epoch. */
    @Override
    public void close() {
        producer.interrupt();
        try {
            producer.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
