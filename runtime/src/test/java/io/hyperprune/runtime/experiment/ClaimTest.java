package io.hyperprune.runtime.experiment;

import static org.assertj.core.api.Assertions.assertThat;

import io.hyperprune.runtime.run.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClaimTest {

    @Test
    void aLiveClaimIsExclusiveAndGivenBackOnClose(@TempDir Path dir) {
        Path file = dir.resolve("claim.json");
        Optional<Claim> first = Claim.tryAcquire(file);
        assertThat(first).isPresent();
        assertThat(Claim.tryAcquire(file)).as("held by this live process").isEmpty();
        assertThat(Claim.liveHolder(file)).contains(first.get().owner());

        first.get().close();
        assertThat(file).doesNotExist();
        Optional<Claim> again = Claim.tryAcquire(file);
        assertThat(again).isPresent();
        again.get().close();
    }

    @Test
    void theClaimOfAProcessThatEndedIsTakenOver(@TempDir Path dir) throws Exception {
        Process ended = new ProcessBuilder("true").start();
        ended.waitFor();
        Path file = dir.resolve("claim.json");
        Claim.Owner dead = new Claim.Owner(
                Claim.Hosts.name(), ended.pid(), "", "dead-token", Instant.now().toString());
        Files.writeString(file, Json.write(dead));

        assertThat(Claim.liveHolder(file)).isEmpty();
        Optional<Claim> claim = Claim.tryAcquire(file);
        assertThat(claim).isPresent();
        assertThat(Claim.holder(file).orElseThrow().pid())
                .isEqualTo(ProcessHandle.current().pid());
        claim.get().close();
    }

    @Test
    void anotherHostsClaimIsStaleOnlyOnceItsHeartbeatStopped(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("claim.json");
        Claim.Owner remote = new Claim.Owner(
                "another-host", 1, "", "remote-token", Instant.now().toString());
        Files.writeString(file, Json.write(remote));
        assertThat(Claim.tryAcquire(file)).as("renewed recently").isEmpty();

        Files.setLastModifiedTime(
                file, FileTime.from(Instant.now().minus(Claim.STALE_AFTER).minusSeconds(30)));
        Optional<Claim> claim = Claim.tryAcquire(file);
        assertThat(claim).isPresent();
        claim.get().close();
    }

    @Test
    void anotherHostsClaimIsWatchedUntilRenewedOrReplaced(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("claim.json");
        Claim.Owner remote = new Claim.Owner(
                "another-host", 1, "", "remote-token", Instant.now().toString());
        Files.writeString(file, Json.write(remote));
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().minusSeconds(10)));
        Claim.Sighting seen = Claim.sighting(file).orElseThrow();

        assertThat(Claim.renewedSince(file, seen)).as("untouched").isFalse();
        Files.setLastModifiedTime(file, FileTime.from(Instant.now()));
        assertThat(Claim.renewedSince(file, seen)).as("its holder renewed it").isTrue();

        Files.setLastModifiedTime(file, FileTime.from(Instant.now().minusSeconds(10)));
        Claim.Sighting again = Claim.sighting(file).orElseThrow();
        Files.writeString(
                file,
                Json.write(new Claim.Owner(
                        "third-host", 2, "", "new-token", Instant.now().toString())));
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().minusSeconds(10)));
        assertThat(Claim.renewedSince(file, again))
                .as("taken over by a live process")
                .isTrue();

        Files.delete(file);
        assertThat(Claim.renewedSince(file, again)).as("given back").isFalse();
    }

    @Test
    void aClaimOfThisHostIsNotWatchedItsPidTellsAtOnce(@TempDir Path dir) {
        Path file = dir.resolve("claim.json");
        Claim mine = Claim.tryAcquire(file).orElseThrow();
        assertThat(Claim.sighting(file)).isEmpty();
        mine.close();
    }

    @Test
    void theStaleTimeIsTwoMinutesOrItsSystemPropertyNamedWhenWrong() {
        assertThat(Claim.staleAfter(null)).isEqualTo(java.time.Duration.ofMinutes(2));
        assertThat(Claim.staleAfter(" 20 ")).isEqualTo(java.time.Duration.ofSeconds(20));
        for (String wrong : List.of("abc", "7", "-1", "2.5")) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> Claim.staleAfter(wrong))
                    .isInstanceOf(io.hyperprune.api.InputException.class)
                    .hasMessageContaining("system property hyperprune.claim-stale-seconds='" + wrong + "'")
                    .hasMessageContaining("at least 8");
        }
        assertThat(Claim.HEARTBEAT).isEqualTo(Claim.STALE_AFTER.dividedBy(8));
    }

    @Test
    void closingAClaimThatWasTakenOverLeavesTheNewOwnersFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("claim.json");
        Claim mine = Claim.tryAcquire(file).orElseThrow();
        Claim.Owner other = new Claim.Owner(
                "another-host", 1, "", "other-token", Instant.now().toString());
        Files.writeString(file, Json.write(other)); // taken over after this process paused longer than STALE_AFTER

        assertThat(mine.held()).isFalse();
        mine.close();
        assertThat(Claim.holder(file)).contains(other);
    }

    @RepeatedTest(20)
    void manyThreadsRacingForOneStaleClaimLeaveExactlyOneWinner(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("claim.json");
        Process ended = new ProcessBuilder("true").start();
        ended.waitFor();
        Files.writeString(
                file,
                Json.write(new Claim.Owner(
                        Claim.Hosts.name(),
                        ended.pid(),
                        "",
                        "dead",
                        Instant.now().toString())));
        // Threads of one process share a pid: each winner is told apart by its token, and a loser sees a live holder.
        int threads = 8;
        CountDownLatch start = new CountDownLatch(1);
        AtomicInteger winners = new AtomicInteger();
        List<Thread> racers = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            Thread racer = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                Claim.tryAcquire(file).ifPresent(claim -> winners.incrementAndGet());
            });
            racer.start();
            racers.add(racer);
        }
        start.countDown();
        for (Thread racer : racers) {
            racer.join();
        }
        assertThat(winners.get()).isEqualTo(1);
    }
}
