package io.hyperprune.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * hyperprune-plugin-archetype as a plugin author uses it: generate a project offline, build it (the
 * test kit's contract tests run), and load the jar in a distribution.
 */
class ArchetypeIT {

    @Test
    void aGeneratedProjectBuildsAndItsCriterionLoads(@TempDir Path dir) throws Exception {
        PluginProjects.MavenRun generate = PluginProjects.maven(
                dir,
                dir.resolve("settings.xml"),
                "org.apache.maven.plugins:maven-archetype-plugin:3.2.1:generate",
                "-DinteractiveMode=false",
                "-DarchetypeGroupId=io.hyperprune",
                "-DarchetypeArtifactId=hyperprune-plugin-archetype",
                "-DarchetypeVersion=" + System.getProperty("hyperprune.version", "0.1.0-SNAPSHOT"),
                "-DgroupId=org.acme",
                "-DartifactId=acme-criterion",
                "-Dversion=1.0.0",
                "-Dpackage=org.acme.pruning",
                "-DcriterionId=acme-confident");
        assertThat(generate.exitCode())
                .as("archetype:generate:%n%s", generate.output())
                .isZero();
        Path project = dir.resolve("acme-criterion");
        assertThat(project.resolve("src/main/java/org/acme/pruning/ConfidentMagnitudeCriterion.java"))
                .exists();
        assertThat(Files.readString(project.resolve(
                                "src/main/resources/META-INF/services/io.hyperprune.api.PruningCriterion"))
                        .trim())
                .isEqualTo("org.acme.pruning.ConfidentMagnitudeCriterion");

        // The BOM import carries the version of the hyperprune that made the archetype.
        assertThat(Files.readString(project.resolve("pom.xml")))
                .contains("<hyperprune.version>" + System.getProperty("hyperprune.version", "0.1.0-SNAPSHOT")
                        + "</hyperprune.version>");

        PluginProjects.MavenRun build = PluginProjects.maven(project, "package");
        assertThat(build.exitCode())
                .as("build of the generated project:%n%s", build.output())
                .isZero();
        assertThat(build.output()).contains("Tests run: 5, Failures: 0, Errors: 0");
        Path jar = project.resolve("target/acme-criterion-1.0.0.jar");
        try (JarFile file = new JarFile(jar.toFile())) {
            assertThat(file.getManifest().getMainAttributes().getValue("Hyperprune-Api-Version"))
                    .isEqualTo("1.0");
        }

        Path distribution = PluginProjects.distributionWith(dir.resolve("hyperprune"), jar);
        String check = CliRun.run(distribution, Map.of(), "plugins", "--check", "criterion:acme-confident")
                .expectExit(0)
                .out();
        assertThat(check).contains("pruning criterion 'acme-confident' is usable");
    }
}
