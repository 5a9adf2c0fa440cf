package io.hyperprune.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
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

    private static Path criterionJar(Path dir, String jar, String className, String id, String constructor) throws Exception {
        return PluginJars.build(dir, jar, Map.of("example." + className,
                PluginJars.criterionSource("example", className, id, constructor)), Map.of(SERVICE, "example." + className + "\n"), Map.of());
    }

    @Test
    void aThirdPartyCriterionIsListedAndSelectable(@TempDir Path dir) throws Exception {
        Path plugins = PluginJars.pluginsCopy(dir);
        Path jar = criterionJar(plugins, "snr.jar", "SignalToNoise", "signal-to-noise", "");
        String out = hyperprune(plugins, "plugins").expectExit(0).out();
        assertThat(out).contains("signal-to-noise", jar.toString(), "relative-density");
        hyperprune(plugins, "plugins", "--check", "criterion:signal-to-noise").expectExit(0);
        assertThat(hyperprune(plugins, "plugins", "--check", "criterion:signal-to-nois").expectExit(2).err())
                .contains("did you mean 'signal-to-noise'");
    }

    @Test
    void aDuplicateIdNamesBothJarsAndStopsOtherCommands(@TempDir Path dir) throws Exception {
        Path plugins = PluginJars.pluginsCopy(dir);
        criterionJar(plugins, "first.jar", "First", "twin", "");
        criterionJar(plugins, "second.jar", "Second", "twin", "");
        String listing = hyperprune(plugins, "plugins").expectExit(0).out();
        assertThat(listing).contains("'twin' is provided 2 times", "example.First", "example.Second", "first.jar", "second.jar");
        String err = hyperprune(plugins, "eval", "--run", dir.toString()).expectExit(2).err();
        assertThat(err).contains("first.jar", "second.jar", "remove one of these jars");
    }

    @Test
    void aFailingConstructorDisablesOnlyThatComponent(@TempDir Path dir) throws Exception {
        Path plugins = PluginJars.pluginsCopy(dir);
        criterionJar(plugins, "broken.jar", "Broken", "broken", "throw new IllegalStateException(\"no licence key\");");
        assertThat(hyperprune(plugins, "plugins").expectExit(0).out()).contains("UNUSABLE", "example.Broken", "no licence key");
        assertThat(hyperprune(plugins, "plugins", "--check", "criterion:(Broken)").expectExit(2).err())
                .contains("example.Broken", "no licence key", "broken.jar");
        hyperprune(plugins, "plugins", "--check", "criterion:relative-density").expectExit(0);
    }

    @Test
    void aJarWithoutServiceFilesHasZeroComponents(@TempDir Path dir) throws Exception {
        Path plugins = PluginJars.pluginsCopy(dir);
        PluginJars.build(plugins, "empty.jar", Map.of("example.Nothing", "package example; public class Nothing {}"), Map.of(), Map.of());
        assertThat(hyperprune(plugins, "plugins").expectExit(0).out()).contains("empty.jar: 0 components");
    }

    @Test
    void aJarForNewerJavaAsksForRelease17(@TempDir Path dir) throws Exception {
        Path plugins = PluginJars.pluginsCopy(dir);
        PluginJars.newerJavaJar(plugins);
        assertThat(hyperprune(plugins, "plugins").expectExit(0).out())
                .contains("future.jar", "example.Future", "compiled for Java 21", "rebuild the plugin with --release 17");
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
        PluginJars.build(plugins, "future-api.jar", Map.of("example.Later", PluginJars.criterionSource("example", "Later", "later", "")),
                Map.of(SERVICE, "example.Later\n"), Map.of("Hyperprune-Api-Version", "2.0"));
        assertThat(hyperprune(plugins, "plugins").expectExit(0).out()).contains("future-api.jar", "requires plugin API 2.0", "provides 1.0");
        hyperprune(plugins, "plugins", "--check", "criterion:later").expectExit(2);
    }
}
