package io.hyperprune.runtime.experiment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hyperprune.api.InputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExperimentConfigTest {

    @Test
    void aConfigFileOverridesOnlyTheKeysItHas(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("c.json"), "{\"restarts\": 2, \"lambdas\": [0.1, 10], \"options\": {\"piecewise\": {\"pivots\": \"4\"}}}");
        ExperimentConfig config = ExperimentConfig.read(file, ExperimentConfig.preset("paper-mnist"));
        assertThat(config.restarts()).isEqualTo(2);
        assertThat(config.lambdas()).containsExactly(0.1, 10.0);
        assertThat(config.epochsPlain()).isEqualTo(25);
        assertThat(config.options()).containsEntry("piecewise", Map.of("pivots", "4"));
    }

    @Test
    void unknownKeysInvalidValuesAndBadJsonAreClearErrors(@TempDir Path dir) throws Exception {
        Path typo = Files.writeString(dir.resolve("typo.json"), "{\"restart\": 2}");
        assertThatThrownBy(() -> ExperimentConfig.read(typo, ExperimentConfig.preset("paper-mnist")))
                .isInstanceOf(InputException.class).hasMessageContaining("unknown key 'restart'").hasMessageContaining("did you mean 'restarts'");
        Path invalid = Files.writeString(dir.resolve("invalid.json"), "{\"restarts\": 0}");
        assertThatThrownBy(() -> ExperimentConfig.read(invalid, ExperimentConfig.preset("paper-mnist")))
                .isInstanceOf(InputException.class).hasMessageContaining("restarts");
        Path broken = Files.writeString(dir.resolve("broken.json"), "{\"restarts\": ");
        assertThatThrownBy(() -> ExperimentConfig.read(broken, ExperimentConfig.preset("paper-mnist")))
                .isInstanceOf(InputException.class).hasMessageContaining(broken.toString());
        assertThatThrownBy(() -> ExperimentConfig.preset("paper-mnsit")).isInstanceOf(InputException.class)
                .hasMessageContaining("did you mean 'paper-mnist'");
    }

    @Test
    void shardsSplitTheGridAndDefaultFromSchedulers() {
        List<Integer> runs = List.of(0, 1, 2, 3, 4, 5, 6);
        assertThat(Shard.parse("1/3").select(runs)).containsExactly(1, 4);
        assertThat(Shard.fromEnvironment(Map.of("SLURM_ARRAY_TASK_ID", "5", "SLURM_ARRAY_TASK_MIN", "4", "SLURM_ARRAY_TASK_COUNT", "2")))
                .isEqualTo(new Shard(1, 2));
        assertThat(Shard.fromEnvironment(Map.of("JOB_COMPLETION_INDEX", "3", "HYPERPRUNE_SHARD_COUNT", "8"))).isEqualTo(new Shard(3, 8));
        assertThat(Shard.fromEnvironment(Map.of())).isEqualTo(Shard.ALL);
        assertThatThrownBy(() -> Shard.fromEnvironment(Map.of("JOB_COMPLETION_INDEX", "3"))).isInstanceOf(InputException.class)
                .hasMessageContaining("HYPERPRUNE_SHARD_COUNT");
        assertThatThrownBy(() -> Shard.parse("3/3")).isInstanceOf(InputException.class);
    }

    @Test
    void theNineModelGridHasStableDistinctRunNames() {
        ExperimentConfig quick = ExperimentConfig.preset("paper-mnist-quick");
        var registry = io.hyperprune.runtime.wiring.ComponentRegistry.load(java.util.Optional.empty());
        var resolver = new io.hyperprune.runtime.run.RunResolver(registry, options -> null);
        List<GridRun> a = new Experiment(quick, Path.of("x"), resolver, registry).grid();
        List<GridRun> b = new Experiment(quick, Path.of("y"), resolver, registry).grid();
        // 3 evidences x (one run with the 6 plain lambdas side by side + linear + piecewise)
        assertThat(a).hasSize(9);
        assertThat(a.stream().map(GridRun::name).distinct().count()).isEqualTo(9);
        assertThat(a.stream().map(GridRun::name).toList()).isEqualTo(b.stream().map(GridRun::name).toList());
        assertThat(a.get(0).name()).startsWith("variational-r0-");
        assertThat(a.get(0).spec().lambdas()).hasSize(6);
        // --one-run-per-lambda: 3 x (6 + 2)
        var tree = (com.fasterxml.jackson.databind.node.ObjectNode) io.hyperprune.runtime.run.Json.MAPPER.valueToTree(quick);
        tree.put("batchPlain", false);
        ExperimentConfig separate = io.hyperprune.runtime.run.Json.MAPPER.convertValue(tree, ExperimentConfig.class);
        List<GridRun> c = new Experiment(separate, Path.of("x"), resolver, registry).grid();
        assertThat(c).hasSize(24);
        assertThat(c.stream().map(GridRun::name).distinct().count()).isEqualTo(24);
        assertThat(c.get(0).name()).startsWith("variational-lambda0.001-r0-");
    }
}
