package io.hyperprune.engine.kernels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

class ProductHelperTest {

    private static Runnable[] counting(AtomicIntegerArray runs, Set<Thread> threads, long nanos) {
        Runnable[] blocks = new Runnable[runs.length()];
        for (int i = 0; i < blocks.length; i++) {
            int block = i;
            blocks[i] = () -> {
                threads.add(Thread.currentThread());
                long end = System.nanoTime() + nanos;
                while (System.nanoTime() < end) {
                    Thread.onSpinWait();
                }
                runs.incrementAndGet(block);
            };
        }
        return blocks;
    }

    @Test
    void everyBlockRunsOnceAndTheHelperTakesPart() {
        ProductHelper helper = new ProductHelper(SplitProduct.MIN_MULTIPLY_ADDS);
        Set<Thread> threads = ConcurrentHashMap.newKeySet();
        for (int product = 0; product < 200; product++) {
            AtomicIntegerArray runs = new AtomicIntegerArray(4);
            helper.runAll(counting(runs, threads, 200_000));
            for (int i = 0; i < runs.length(); i++) {
                assertThat(runs.get(i)).as("product %d block %d", product, i).isEqualTo(1);
            }
        }
        assertThat(threads).as("the caller and the helper").hasSize(2).contains(Thread.currentThread());
    }

    @Test
    void aThreadCallingHelpIfBusyRunsBlocksOfTheProductInProgress() throws Exception {
        ProductHelper helper = new ProductHelper(SplitProduct.MIN_MULTIPLY_ADDS);
        Set<Thread> threads = ConcurrentHashMap.newKeySet();
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        Thread batches = new Thread(() -> {
            while (!stop.get()) {
                helper.helpIfBusy(); // as the batch thread does between chunks of its noise
            }
        });
        batches.start();
        try {
            AtomicIntegerArray runs = new AtomicIntegerArray(64);
            helper.runAll(counting(runs, threads, 1_000_000));
            for (int i = 0; i < runs.length(); i++) {
                assertThat(runs.get(i)).as("block %d", i).isEqualTo(1);
            }
        } finally {
            stop.set(true);
            batches.join();
        }
        assertThat(threads).contains(batches, Thread.currentThread());
        helper.helpIfBusy(); // no product in progress: returns at once
    }

    @Test
    void callersFindingTheHelperBusyRunTheirBlocksThemselves() throws Exception {
        ProductHelper helper = new ProductHelper(SplitProduct.MIN_MULTIPLY_ADDS);
        ExecutorService callers = Executors.newFixedThreadPool(3);
        try {
            java.util.List<Future<AtomicIntegerArray>> done = new java.util.ArrayList<>();
            for (int c = 0; c < 30; c++) {
                done.add(callers.submit(() -> {
                    AtomicIntegerArray runs = new AtomicIntegerArray(5);
                    helper.runAll(counting(runs, ConcurrentHashMap.newKeySet(), 50_000));
                    return runs;
                }));
            }
            for (Future<AtomicIntegerArray> f : done) {
                AtomicIntegerArray runs = f.get();
                for (int i = 0; i < runs.length(); i++) {
                    assertThat(runs.get(i)).isEqualTo(1);
                }
            }
        } finally {
            callers.shutdownNow();
        }
    }

    @Test
    void aFailingBlockFailsTheProductAfterTheOthersFinishAndTheHelperStaysUsable() {
        ProductHelper helper = new ProductHelper(SplitProduct.MIN_MULTIPLY_ADDS);
        AtomicIntegerArray runs = new AtomicIntegerArray(4);
        Runnable[] blocks = counting(runs, ConcurrentHashMap.newKeySet(), 100_000);
        blocks[2] = () -> {
            throw new IllegalArgumentException("block 2 failed");
        };
        assertThatThrownBy(() -> helper.runAll(blocks))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("block 2 failed");
        assertThat(runs.get(0) + runs.get(1) + runs.get(3))
                .as("the other blocks all ran")
                .isEqualTo(3);
        AtomicIntegerArray again = new AtomicIntegerArray(4);
        helper.runAll(counting(again, ConcurrentHashMap.newKeySet(), 1000));
        assertThat(again.get(0) + again.get(1) + again.get(2) + again.get(3)).isEqualTo(4);
    }
}
