package io.hyperprune.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Third-party plugin jars, good and broken, built during the test and dropped into a plugins directory. */
class PluginFaultsIT {

    private static final String SERVICE = "io.hyperprune.api.PruningCriterion";

    private static CliRun.Result hyperprune(Path plugins, String... args) {
        String[] all = new String[args.length + 2];
        all[0] = "--plugins-dir";
        all[1] = plugins.toString();
        System.arraycopy(args, 0, all, 2, args.length);
        return CliRun.run(all);
    }

    private static Path criterionJar(Path dir, String jar, String className, String id, String constructor)
            throws Exception {
        return PluginJars.build(
                dir,
                jar,
                Map.of("example." + className, PluginJars.criterionSource("example", className, id, constructor)),
                Map.of(SERVICE, "example." + className + "\n"),
                Map.of());
    }

    /** Faulty criteria next to the bundled plugins, and one small run trained with them installed. */
    @TempDir
    static Path shared;

    private static Path faulty;
    private static Path run;

    private static final String[] SMALL_DATA = {
        "--dataset", "synthetic", "-O", "synthetic.train-size=600", "-O", "synthetic.test-size=200"
    };

    @BeforeAll
    static void trainOneRunWithFaultyCriteriaInstalled() throws Exception {
        faulty = PluginJars.pluginsCopy(shared);
        // Transposed: the right element count ([50, 784] for a [784, 50] weight), once accepted and scrambled.
        PluginJars.criterionJar(faulty, "Transposed", "\"transposed\"", "", "return p.mean().transpose().dup();");
        PluginJars.criterionJar(
                faulty,
                "Short",
                "\"short\"",
                "",
                "return p.mean().reshape(-1).get(org.nd4j.linalg.indexing.NDArrayIndex.interval(1, p.mean().length()));");
        PluginJars.criterionJar(
                faulty,
                "NotANumber",
                "\"not-a-number\"",
                "",
                "INDArray s = p.mean().dup(); s.putScalar(new long[] {2, 7}, Double.NaN); return s;");
        PluginJars.criterionJar(faulty, "Thrower", "\"thrower\"", "", "throw new IllegalStateException();");
        PluginJars.criterionJar(faulty, "Exiter", "\"exiter\"", "", "System.exit(0); return null;");
        // An id that changes on every call after the first.
        PluginJars.criterionJar(
                faulty,
                "Shifty",
                "calls++ == 0 ? \"shifty\" : \"shifty-\" + calls",
                "",
                "return p.mean().mul(p.mean());");
        run = shared.resolve("run");
        List<String> train = new java.util.ArrayList<>(
                List.of("train", "--evidence", "weight-decay", "--epochs", "1", "--out", run.toString()));
        train.addAll(List.of(SMALL_DATA));
        hyperprune(faulty, train.toArray(String[]::new)).expectExit(0);
    }

    private static String pruneFails(String criterion) throws Exception {
        String err = hyperprune(faulty, "prune", "--run", run.toString(), "--criterion", criterion, "--levels", "0,50")
                .expectExit(2)
                .err();
        try (var files = Files.list(run)) {
            assertThat(files.map(f -> f.getFileName().toString()))
                    .as("no result of a faulty criterion")
                    .noneMatch(n -> n.startsWith("prune"));
        }
        return err;
    }

    @Test
    void scoresOfTheWrongShapeOrNotFiniteFailPruneNamingTheCriterionAndWriteNothing() throws Exception {
        String jar = faulty.resolve("transposed.jar").toString();
        assertThat(pruneFails("transposed"))
                .contains(
                        "error: pruning criterion 'transposed' from " + jar
                                + ": scores returned shape [50, 784] for parameter dense0/W of shape [784, 50]",
                        "remove " + jar);
        assertThat(pruneFails("short"))
                .contains(
                        "error: pruning criterion 'short' from ",
                        "scores returned shape [39199] for" + " parameter dense0/W of shape [784, 50]")
                .doesNotContain("Exception in", "\tat ");
        assertThat(pruneFails("not-a-number"))
                .contains(
                        "error: pruning criterion 'not-a-number' from ",
                        "scores of parameter dense0/W are not all finite: NaN at [2, 7]");
    }

    @Test
    void aThrowingCriterionWithoutMessageIsNamedWithItsException() throws Exception {
        assertThat(pruneFails("thrower"))
                .contains("error: pruning criterion 'thrower' from " + faulty.resolve("thrower.jar")
                        + ": scores failed: IllegalStateException: no message at example.Thrower.scores(")
                .doesNotContain("failed: null");
    }

    @Test
    void aCriterionCallingSystemExitIsNamedAndTheExitIsNotASuccess() throws Exception {
        assertThat(pruneFails("exiter"))
                .contains("error: plugin class example.Exiter from " + faulty.resolve("exiter.jar")
                        + " called System.exit while running scores of pruning criterion 'exiter'");
    }

    @Test
    void aFailingCriterionOfAnExperimentFailsOnlyItsRowsAndRetryFailedRedoesOnlyThem() throws Exception {
        Path plugins = PluginJars.pluginsCopy(shared.resolve("retry"));
        PluginJars.criterionJar(plugins, "Thrower", "\"thrower\"", "", "throw new IllegalStateException();");
        Path out = shared.resolve("experiment");
        List<String> args = new java.util.ArrayList<>(List.of(
                "experiment",
                "--out",
                out.toString(),
                "--no-report",
                "--evidences",
                "weight-decay",
                "--hypernetworks",
                "constant",
                "--lambdas",
                "1",
                "--epochs-plain",
                "1",
                "--levels",
                "0,50",
                "--criteria",
                "magnitude,thrower"));
        args.addAll(List.of(SMALL_DATA));
        CliRun.Result failed = hyperprune(plugins, args.toArray(String[]::new)).expectExit(2);
        assertThat(failed.err())
                .contains(
                        "pruning criterion 'thrower' from " + plugins.resolve("thrower.jar")
                                + ": scores failed: IllegalStateException: no message",
                        "1 pruning criterion run(s) failed",
                        "--retry-failed");
        List<String> rows = Files.readAllLines(out.resolve("results.csv"));
        assertThat(rows.subList(1, rows.size()))
                .hasSize(2)
                .allSatisfy(row -> assertThat(row).contains(",magnitude,"));

        // Without --retry-failed the failure stands (and is reported again); with it, only thrower is redone.
        assertThat(hyperprune(plugins, concat(args, "--resume")).expectExit(2).err())
                .contains("criterion failed (use --retry-failed)");
        PluginJars.criterionJar(plugins, "Thrower", "\"thrower\"", "", "return p.mean().mul(p.mean());");
        String retried = hyperprune(plugins, concat(args, "--resume", "--retry-failed"))
                .expectExit(0)
                .err();
        assertThat(retried).doesNotContain("epoch 1/1"); // not trained again
        List<String> all = Files.readAllLines(out.resolve("results.csv"));
        assertThat(all.subList(1, all.size())).hasSize(4);
        assertThat(all.subList(1, 3)).isEqualTo(rows.subList(1, 3));
        assertThat(all.subList(3, 5)).allSatisfy(row -> assertThat(row).contains(",thrower,"));
    }

    private static String[] concat(List<String> args, String... more) {
        List<String> all = new java.util.ArrayList<>(args);
        all.addAll(List.of(more));
        return all.toArray(String[]::new);
    }

    @Test
    void anIdIsReadOnceAtLoad() throws Exception {
        assertThat(hyperprune(faulty, "plugins").expectExit(0).out())
                .contains("shifty ")
                .doesNotContain("shifty-");
        hyperprune(faulty, "plugins", "--check", "criterion:shifty").expectExit(0);
        Path copy = shared.resolve("shifty-run");
        copyTree(run, copy);
        hyperprune(faulty, "prune", "--run", copy.toString(), "--criterion", "shifty", "--levels", "0,50")
                .expectExit(0);
        assertThat(Files.readAllLines(copy.resolve("prune-shifty-layer-0_50.csv"))
                        .subList(1, 3))
                .allSatisfy(row -> assertThat(row).contains(",shifty,"));
    }

    private static void copyTree(Path from, Path to) throws Exception {
        try (var walk = Files.walk(from)) {
            for (Path p : walk.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }

    @Test
    void aConstructorCallingSystemExitIsNamedByPluginsAndDoctor(@TempDir Path dir) throws Exception {
        Path plugins = PluginJars.pluginsCopy(dir);
        Path jar = PluginJars.criterionJar(plugins, "Quitter", "\"quitter\"", "System.exit(0);", "return p.mean();");
        for (String command : List.of("plugins", "doctor")) {
            CliRun.Result result = hyperprune(plugins, command).expectExit(2);
            assertThat(result.err())
                    .contains(
                            "error: plugin class example.Quitter from " + jar + " called System.exit while being"
                                    + " loaded",
                            "remove it from the plugins directory");
        }
    }

    @Test
    void aThirdPartyCriterionIsListedAndSelectable(@TempDir Path dir) throws Exception {
        Path plugins = PluginJars.pluginsCopy(dir);
        Path jar = criterionJar(plugins, "snr.jar", "SignalToNoise", "signal-to-noise", "");
        String out = hyperprune(plugins, "plugins").expectExit(0).out();
        assertThat(out).contains("signal-to-noise", jar.toString(), "relative-density");
        hyperprune(plugins, "plugins", "--check", "criterion:signal-to-noise").expectExit(0);
        assertThat(hyperprune(plugins, "plugins", "--check", "criterion:signal-to-nois")
                        .expectExit(2)
                        .err())
                .contains("did you mean 'signal-to-noise'");
    }

    @Test
    void aDuplicateIdNamesBothJarsAndStopsOtherCommands(@TempDir Path dir) throws Exception {
        Path plugins = PluginJars.pluginsCopy(dir);
        criterionJar(plugins, "first.jar", "First", "twin", "");
        criterionJar(plugins, "second.jar", "Second", "twin", "");
        String listing = hyperprune(plugins, "plugins").expectExit(0).out();
        assertThat(listing)
                .contains("'twin' is provided 2 times", "example.First", "example.Second", "first.jar", "second.jar");
        String err = hyperprune(plugins, "eval", "--run", dir.toString())
                .expectExit(2)
                .err();
        assertThat(err).contains("first.jar", "second.jar", "remove one of these jars");
    }

    @Test
    void aFailingConstructorDisablesOnlyThatComponent(@TempDir Path dir) throws Exception {
        Path plugins = PluginJars.pluginsCopy(dir);
        criterionJar(plugins, "broken.jar", "Broken", "broken", "throw new IllegalStateException(\"no licence key\");");
        assertThat(hyperprune(plugins, "plugins").expectExit(0).out())
                .contains("UNUSABLE", "example.Broken", "no licence key");
        assertThat(hyperprune(plugins, "plugins", "--check", "criterion:(Broken)")
                        .expectExit(2)
                        .err())
                .contains("example.Broken", "no licence key", "broken.jar");
        hyperprune(plugins, "plugins", "--check", "criterion:relative-density").expectExit(0);
        assertThat(hyperprune(plugins, "doctor").expectExit(0).out())
                .contains(" usable, 1 unusable (see hyperprune plugins)");
    }

    @Test
    void aJarWithoutServiceFilesHasZeroComponents(@TempDir Path dir) throws Exception {
        Path plugins = PluginJars.pluginsCopy(dir);
        PluginJars.build(
                plugins,
                "empty.jar",
                Map.of("example.Nothing", "package example; public class Nothing {}"),
                Map.of(),
                Map.of());
        assertThat(hyperprune(plugins, "plugins").expectExit(0).out()).contains("empty.jar: 0 components");
    }

    @Test
    void aJarForNewerJavaAsksForRelease17(@TempDir Path dir) throws Exception {
        Path plugins = PluginJars.pluginsCopy(dir);
        PluginJars.newerJavaJar(plugins);
        assertThat(hyperprune(plugins, "plugins").expectExit(0).out())
                .contains(
                        "future.jar", "example.Future", "compiled for Java 21", "rebuild the plugin with --release 17");
    }

    @Test
    void aFileThatIsNotAJarIsReported(@TempDir Path dir) throws Exception {
        Path plugins = PluginJars.pluginsCopy(dir);
        Files.writeString(plugins.resolve("notes.jar"), "these are my notes");
        assertThat(hyperprune(plugins, "plugins").expectExit(0).out()).contains("notes.jar is not a jar");
        hyperprune(plugins, "plugins", "--check", "criterion:relative-density").expectExit(0);
    }

    @Test
    void anIncompatibleApiVersionIsRefusedWithBothVersions(@TempDir Path dir) throws Exception {
        Path plugins = PluginJars.pluginsCopy(dir);
        PluginJars.build(
                plugins,
                "future-api.jar",
                Map.of("example.Later", PluginJars.criterionSource("example", "Later", "later", "")),
                Map.of(SERVICE, "example.Later\n"),
                Map.of("Hyperprune-Api-Version", "2.0"));
        assertThat(hyperprune(plugins, "plugins").expectExit(0).out())
                .contains("future-api.jar", "requires plugin API 2.0", "provides 1.0");
        hyperprune(plugins, "plugins", "--check", "criterion:later").expectExit(2);
    }
}
