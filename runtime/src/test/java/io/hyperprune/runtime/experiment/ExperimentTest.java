package io.hyperprune.runtime.experiment;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hyperprune.api.DataRequest;
import io.hyperprune.runtime.run.Json;
import io.hyperprune.runtime.run.Progress;
import io.hyperprune.runtime.run.RunResolver;
import io.hyperprune.runtime.wiring.ComponentRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run of this process's share claimed from another host (whose process cannot be checked by pid):
 * watched until its claim is renewed (left to the live holder) or stale (taken over and trained), never
 * skipped while its holder may be dead, e.g. an array task killed on one node and requeued on another.
 */
class ExperimentTest {

    private static Experiment experiment(Path out) {
        ObjectNode tree = Json.MAPPER.valueToTree(ExperimentConfig.preset("paper-mnist-quick"));
        tree.put("dataset", "synthetic");
        tree.set("evidences", Json.MAPPER.valueToTree(List.of("weight-decay")));
        tree.set("hypernetworks", Json.MAPPER.valueToTree(List.of("constant")));
        tree.set("lambdas", Json.MAPPER.valueToTree(List.of(0.1)));
        tree.put("epochsPlain", 1);
        tree.set("levels", Json.MAPPER.valueToTree(List.of(0.0)));
        tree.set(
                "options",
                Json.MAPPER.valueToTree(
                        java.util.Map.of("synthetic", java.util.Map.of("train-size", "200", "test-size", "100"))));
        ExperimentConfig config = Json.MAPPER.convertValue(tree, ExperimentConfig.class);
        ComponentRegistry registry = ComponentRegistry.load(Optional.empty());
        RunResolver resolver = new RunResolver(
                registry, options -> new DataRequest(List.of(), out.resolve("cache"), true, List.of(), 0, options));
        return new Experiment(config, out, resolver, registry);
    }

    /** Writes another host's claim on the run, last renewed 10 s ago. */
    private static Path remoteClaim(Experiment experiment, GridRun run) throws Exception {
        Path file = experiment.runDirectory(run).resolve(Experiment.CLAIM);
        Files.createDirectories(file.getParent());
        Files.writeString(
                file,
                Json.write(new Claim.Owner(
                        "another-host", 4242, "", "remote-token", Instant.now().toString())));
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().minusSeconds(10)));
        return file;
    }

    /** After a delay, as a process on another host would (or would not) do meanwhile. */
    private static Thread later(Runnable action) {
        Thread thread = new Thread(() -> {
            try {
                Thread.sleep(1500);
            } catch (InterruptedException e) {
                return;
            }
            action.run();
        });
        thread.start();
        return thread;
    }

    private static final class Events implements Experiment.Listener {
        final List<String> lines = new CopyOnWriteArrayList<>();

        @Override
        public Progress runStarted(int position, int total, GridRun run) {
            lines.add("started " + run.name());
            return Progress.NONE;
        }

        @Override
        public void runFinished(GridRun run, String status, double seconds) {
            lines.add(run.name() + ": " + status);
        }

        @Override
        public void runBusy(GridRun run, Claim.Owner owner) {
            lines.add(run.name() + ": left to " + owner.host());
        }

        @Override
        public void waiting(List<GridRun> runs, Duration staleAfter) {
            lines.add("waiting for " + runs.size());
        }
    }

    @Test
    void aRunClaimedFromAnotherHostWhoseClaimTurnsStaleIsTakenOverAndTrained(@TempDir Path dir) throws Exception {
        Experiment experiment = experiment(dir.resolve("e"));
        List<GridRun> grid = experiment.grid();
        GridRun run = grid.get(0);
        Path claim = remoteClaim(experiment, run);
        experiment.record();
        // The holder was killed: it never renews; its claim's age passes the limit while this process watches.
        Thread ageing = later(() -> {
            try {
                Files.setLastModifiedTime(
                        claim,
                        FileTime.from(Instant.now().minus(Claim.STALE_AFTER).minusSeconds(5)));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        Events events = new Events();

        Experiment.Summary summary = experiment.run(grid, false, events);
        ageing.join();

        assertThat(events.lines).containsExactly("waiting for 1", "started " + run.name(), run.name() + ": completed");
        assertThat(summary.completed()).isEqualTo(1);
        assertThat(summary.busy()).isZero();
        assertThat(experiment.runDirectory(run).resolve("prune.csv")).exists();
        assertThat(claim).as("given back after training").doesNotExist();
    }

    @Test
    void aRunClaimedFromAnotherHostWhoseClaimIsRenewedIsLeftToItsHolder(@TempDir Path dir) throws Exception {
        Experiment experiment = experiment(dir.resolve("e"));
        List<GridRun> grid = experiment.grid();
        GridRun run = grid.get(0);
        Path claim = remoteClaim(experiment, run);
        experiment.record();
        Thread renewal = later(() -> {
            try {
                Files.setLastModifiedTime(claim, FileTime.from(Instant.now()));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        Events events = new Events();

        Experiment.Summary summary = experiment.run(grid, false, events);
        renewal.join();

        assertThat(events.lines).containsExactly("waiting for 1", run.name() + ": left to another-host");
        assertThat(summary.busy()).isEqualTo(1);
        assertThat(summary.completed()).isZero();
        assertThat(experiment.runDirectory(run).resolve("result.json")).doesNotExist();
        assertThat(claim).exists();
    }
}
