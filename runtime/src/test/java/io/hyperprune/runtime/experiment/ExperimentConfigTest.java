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
        Path file = Files.writeString(
                dir.resolve("c.json"),
                "{\"restarts\": 2, \"lambdas\": [0.1, 10], \"options\": {\"piecewise\": {\"pivots\": \"4\"}}}");
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
                .isInstanceOf(InputException.class)
                .hasMessageContaining("unknown key 'restart'")
                .hasMessageContaining("did you mean 'restarts'");
        Path invalid = Files.writeString(dir.resolve("invalid.json"), "{\"restarts\": 0}");
        assertThatThrownBy(() -> ExperimentConfig.read(invalid, ExperimentConfig.preset("paper-mnist")))
                .isInstanceOf(InputException.class)
                .hasMessageContaining("restarts");
        Path broken = Files.writeString(dir.resolve("broken.json"), "{\"restarts\": ");
        assertThatThrownBy(() -> ExperimentConfig.read(broken, ExperimentConfig.preset("paper-mnist")))
                .isInstanceOf(InputException.class)
                .hasMessageContaining(broken.toString());
        assertThatThrownBy(() -> ExperimentConfig.preset("paper-mnsit"))
                .isInstanceOf(InputException.class)
                .hasMessageContaining("did you mean 'paper-mnist'");
    }

    @Test
    void aConfigMeansExactlyWhatItSaysOrIsRejectedNamingTheKey(@TempDir Path dir) throws Exception {
        ExperimentConfig base = ExperimentConfig.preset("paper-mnist");
        Map<String, String> cases = new java.util.LinkedHashMap<>();
        cases.put("{\"restarts\": 1.7}", ": key 'restarts' must be an integer, got 1.7");
        cases.put("{\"restarts\": \"3\"}", ": key 'restarts' must be an integer, got \"3\"");
        cases.put("{\"restarts\": null}", ": key 'restarts' must be an integer, got null");
        cases.put("{\"batchPlain\": 0}", ": key 'batchPlain' must be true or false, got 0");
        cases.put("{\"learningRate\": \"fast\"}", ": key 'learningRate' must be a number, got \"fast\"");
        cases.put("{\"lambdas\": [0.1, \"x\"]}", ": key 'lambdas[1]' must be a number, got \"x\"");
        cases.put("{\"lambdas\": 0.1}", ": key 'lambdas' must be a list, e.g. [1, 2], got 0.1");
        cases.put("{\"options\": {\"piecewise\": 4}}", ": key 'options.piecewise' must be a JSON object, got 4");
        cases.put(
                "{\"restarts\": 2} {\"restarts\": 3}",
                ": unexpected text after the JSON object that ends at line 1, column 15");
        cases.put(
                "{\"restarts\": 2}\ngarbage", ": unexpected text after the JSON object that ends at line 1, column 15");
        cases.put("{\"restarts\": 2, \"restarts\": 3}", ": key 'restarts' appears twice at line 1");
        cases.put("[1]", " must be a JSON object, e.g. {\"restarts\": 2}, got [1]");
        cases.put("", " must be a JSON object, e.g. {\"restarts\": 2}, got an empty file");
        cases.put(
                "{\"levels\": [50, 10]}",
                "key 'levels' must be a non-empty list of at most 1001 increasing percentages in [0, 100]");
        cases.put(
                "{\"surfaceLambdas\": 1}", "key 'surfaceLambdas' must be 0 (no surface) or an integer from 2 to 1001");
        int i = 0;
        for (Map.Entry<String, String> c : cases.entrySet()) {
            Path file = Files.writeString(dir.resolve("c" + i++ + ".json"), c.getKey());
            assertThatThrownBy(() -> ExperimentConfig.read(file, base))
                    .as(c.getKey())
                    .isInstanceOf(InputException.class)
                    .hasMessageStartingWith("experiment config " + file)
                    .hasMessageContaining(c.getValue())
                    .hasMessageNotContaining("java.");
        }
    }

    @Test
    void anExperimentOfAnEarlierVersionResumesWithTheDefaultSurface(@TempDir Path dir) throws Exception {
        ExperimentConfig quick = ExperimentConfig.preset("paper-mnist-quick");
        var recorded = (com.fasterxml.jackson.databind.node.ObjectNode)
                io.hyperprune.runtime.run.Json.MAPPER.valueToTree(quick);
        recorded.remove("surfaceLambdas"); // experiment.json before surfaces
        Files.writeString(dir.resolve(Experiment.CONFIG), recorded.toString());
        ExperimentRecord.check(dir, quick); // the same settings: no refusal
        assertThat(quick.surfaceLambdas()).isEqualTo(41);
        ExperimentConfig none =
                ExperimentConfig.read(Files.writeString(dir.resolve("none.json"), "{\"surfaceLambdas\": 0}"), quick);
        assertThatThrownBy(() -> ExperimentRecord.check(dir, none))
                .isInstanceOf(InputException.class)
                .hasMessageContaining("surfaceLambdas 41 there, 0 now");
    }

    @Test
    void aMissingDirectoryOrHugeConfigFileIsNamedAsSuch(@TempDir Path dir) throws Exception {
        ExperimentConfig base = ExperimentConfig.preset("paper-mnist");
        Path missing = dir.resolve("nope.json");
        assertThatThrownBy(() -> ExperimentConfig.read(missing, base))
                .isInstanceOf(InputException.class)
                .hasMessage("experiment config " + missing + " does not exist");
        assertThatThrownBy(() -> ExperimentConfig.read(dir, base))
                .isInstanceOf(InputException.class)
                .hasMessageStartingWith("experiment config " + dir + " is a directory; give a JSON file");
        Path huge = dir.resolve("huge.json");
        try (var channel = java.nio.channels.FileChannel.open(
                huge, java.nio.file.StandardOpenOption.CREATE_NEW, java.nio.file.StandardOpenOption.WRITE)) {
            channel.write(
                    java.nio.ByteBuffer.wrap(new byte[] {' '}),
                    50_000_000 - 1); // sparse: nothing read before the check
        }
        assertThatThrownBy(() -> ExperimentConfig.read(huge, base))
                .isInstanceOf(InputException.class)
                .hasMessage("experiment config " + huge
                        + " is 50 MB; a configuration is a small JSON object (at most 1 MiB)");
        Path unreadable = Files.writeString(dir.resolve("secret.json"), "{}");
        if (unreadable.toFile().setReadable(false) && !Files.isReadable(unreadable)) { // root reads anything
            assertThatThrownBy(() -> ExperimentConfig.read(unreadable, base))
                    .isInstanceOf(InputException.class)
                    .hasMessageContaining("is not readable (permission denied)");
        }
    }

    @Test
    void shardsSplitTheGridAndDefaultFromSchedulers() {
        List<Integer> runs = List.of(0, 1, 2, 3, 4, 5, 6);
        assertThat(Shard.parse("1/3").select(runs)).containsExactly(1, 4);
        assertThat(Shard.fromEnvironment(
                        Map.of("SLURM_ARRAY_TASK_ID", "5", "SLURM_ARRAY_TASK_MIN", "4", "SLURM_ARRAY_TASK_COUNT", "2")))
                .isEqualTo(new Shard(1, 2));
        assertThat(Shard.fromEnvironment(Map.of("JOB_COMPLETION_INDEX", "3", "HYPERPRUNE_SHARD_COUNT", "8")))
                .isEqualTo(new Shard(3, 8));
        assertThat(Shard.fromEnvironment(Map.of())).isEqualTo(Shard.ALL);
        assertThatThrownBy(() -> Shard.fromEnvironment(Map.of("JOB_COMPLETION_INDEX", "3")))
                .isInstanceOf(InputException.class)
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
        assertThat(a.stream().map(GridRun::name).toList())
                .isEqualTo(b.stream().map(GridRun::name).toList());
        assertThat(a.get(0).name()).startsWith("variational-r0-");
        assertThat(a.get(0).spec().lambdas()).hasSize(6);
        // --one-run-per-lambda: 3 x (6 + 2)
        var tree = (com.fasterxml.jackson.databind.node.ObjectNode)
                io.hyperprune.runtime.run.Json.MAPPER.valueToTree(quick);
        tree.put("batchPlain", false);
        ExperimentConfig separate = io.hyperprune.runtime.run.Json.MAPPER.convertValue(tree, ExperimentConfig.class);
        List<GridRun> c = new Experiment(separate, Path.of("x"), resolver, registry).grid();
        assertThat(c).hasSize(24);
        assertThat(c.stream().map(GridRun::name).distinct().count()).isEqualTo(24);
        assertThat(c.get(0).name()).startsWith("variational-lambda0.001-r0-");
    }

    @Test
    void theQuickCifarStudyHasTheNineModelsOnItsSubsetAndOptionsOverrideTheSubset() {
        ExperimentConfig quick = ExperimentConfig.preset("paper-cifar-quick");
        var registry = io.hyperprune.runtime.wiring.ComponentRegistry.load(java.util.Optional.empty());
        var resolver = new io.hyperprune.runtime.run.RunResolver(registry, options -> null);
        List<GridRun> grid = new Experiment(quick, Path.of("x"), resolver, registry).grid();
        // 3 evidences x (one plain run per lambda of 3 + linear + piecewise)
        assertThat(grid).hasSize(15);
        assertThat(grid).allSatisfy(run -> {
            assertThat(run.spec().model()).isEqualTo("cifar-conv");
            assertThat(run.spec().options().get("cifar10"))
                    .containsEntry("train-size", "3840")
                    .containsEntry("test-size", "500");
        });
        // -O cifar10.train-size=... on the command line lands in options: it overrides the preset's subset.
        var tree = (com.fasterxml.jackson.databind.node.ObjectNode)
                io.hyperprune.runtime.run.Json.MAPPER.valueToTree(quick);
        tree.set(
                "options",
                io.hyperprune.runtime.run.Json.MAPPER.valueToTree(Map.of("cifar10", Map.of("train-size", "640"))));
        ExperimentConfig smaller = io.hyperprune.runtime.run.Json.MAPPER.convertValue(tree, ExperimentConfig.class);
        assertThat(new Experiment(smaller, Path.of("x"), resolver, registry).grid())
                .allSatisfy(run -> assertThat(run.spec().options().get("cifar10"))
                        .containsEntry("train-size", "640")
                        .containsEntry("test-size", "500"));
    }
}
