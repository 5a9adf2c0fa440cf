package io.hyperprune.engine.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class PrefetchTest {

    @Test
    void deliversEverySourceElementInOrder() {
        List<Integer> source = IntStream.range(0, 1000).boxed().toList();
        List<Integer> seen = new ArrayList<>();
        try (Prefetch<Integer> prefetch = new Prefetch<>(source.iterator(), 2)) {
            prefetch.forEachRemaining(seen::add);
            assertThat(prefetch.hasNext()).isFalse();
        }
        assertThat(seen).isEqualTo(source);
    }

    @Test
    void aFailingSourceFailsTheConsumerAtThatElement() {
        Iterator<Integer> failing = new Iterator<>() {
            private int i;

            @Override
            public boolean hasNext() {
                return true;
            }

            @Override
            public Integer next() {
                if (i == 3) {
                    throw new IllegalStateException("no noise for you");
                }
                return i++;
            }
        };
        try (Prefetch<Integer> prefetch = new Prefetch<>(failing, 2)) {
            assertThat(List.of(prefetch.next(), prefetch.next(), prefetch.next()))
                    .containsExactly(0, 1, 2);
            assertThatThrownBy(prefetch::next)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("no noise for you");
        }
    }

    @Test
    void theProducerStaysAtMostTheQueueAheadAndStopsWhenClosed() throws InterruptedException {
        AtomicInteger drawn = new AtomicInteger();
        Iterator<Integer> endless = new Iterator<>() {
            @Override
            public boolean hasNext() {
                return true;
            }

            @Override
            public Integer next() {
                return drawn.getAndIncrement();
            }
        };
        Prefetch<Integer> prefetch = new Prefetch<>(endless, 2);
        assertThat(prefetch.next()).isZero();
        Thread.sleep(200);
        // consumed 1, queued 2, one more drawn and waiting to be queued
        assertThat(drawn.get()).isLessThanOrEqualTo(4);
        prefetch.close();
        int afterClose = drawn.get();
        Thread.sleep(100);
        assertThat(drawn.get()).isEqualTo(afterClose);
    }
}
