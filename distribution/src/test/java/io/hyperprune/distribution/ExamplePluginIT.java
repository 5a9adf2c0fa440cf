package io.hyperprune.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A third-party plugin as its author builds it: examples/third-party-criterion is built by a nested
 * Maven outside the reactor against the published artifacts (hyperprune-bom, -api, -testkit, installed
 * by this build into target/it-repo; everything else from the local repository, never the network),
 * its contract tests run, and its jar is dropped into a distribution's plugins/ directory, where
 * {@code plugins} lists it and an experiment selects its criterion by name.
 */
class ExamplePluginIT {

    static final Path ROOT = Path.of(System.getProperty("hyperprune.root", ".."));
    static final Path IT_REPOSITORY = Path.of(System.getProperty("hyperprune.it.repository", "target/it-repo"));

    @Test
    void theExampleCriterionBuildsOutsideTheReactorAndRunsInADistribution(@TempDir Path dir) throws Exception {
        Path project = copyTree(ROOT.resolve("examples/third-party-criterion"), dir.resolve("third-party-criterion"));
        MavenRun build = maven(project, "package");
        assertThat(build.exitCode()).as("nested build of the example:%n%s", build.output()).isZero();
        assertThat(build.output()).contains("Tests run: 4, Failures: 0, Errors: 0");
        Path jar = project.resolve("target/snr-criterion-1.0.0.jar");
        assertThat(jar).exists();

        Path distribution = distributionWith(dir.resolve("hyperprune"), jar);
        JsonNode listing = new ObjectMapper().readTree(CliRun.run(distribution, Map.of(), "plugins", "--json").expectExit(0).out());
        JsonNode criterion = null;
        for (JsonNode component : listing.get("components")) {
            if (component.get("id").asText().equals("signal-to-noise")) {
                criterion = component;
            }
        }
        assertThat(criterion).as("signal-to-noise in %s", listing).isNotNull();
        assertThat(criterion.get("spi").asText()).isEqualTo("pruning criterion");
        assertThat(criterion.get("problem").isNull()).isTrue();
        assertThat(criterion.toString()).contains("snr-criterion-1.0.0.jar");

        Path out = dir.resolve("study");
        CliRun.run(distribution, Map.of(), "experiment", "--out", out.toString(), "--dataset", "synthetic",
                "-O", "synthetic.train-size=1200", "-O", "synthetic.test-size=400", "--evidences", "variational",
                "--hypernetworks", "constant", "--lambdas", "0.1,1", "--criteria", "signal-to-noise,relative-density",
                "--epochs-plain", "1", "--levels", "0,50,90", "--batch-size", "128", "--no-report").expectExit(0);
        List<String> rows = Files.readAllLines(out.resolve("results.csv")).stream().filter(line -> line.contains(",signal-to-noise,")).toList();
        assertThat(rows).hasSize(2 * 3);
        for (String row : rows) {
            String[] f = row.split(",");
            double deleted = Double.parseDouble(f[8]) / 100;
            assertThat(Double.parseDouble(f[9])).isBetween(0.0, 1.0);
            // 784-50-10: exactly round(f * n) weights deleted per layer, biases kept.
            assertThat(Long.parseLong(f[10])).isEqualTo(39760 - Math.round(deleted * 39200) - Math.round(deleted * 500));
        }
    }

    record MavenRun(int exitCode, String output) {}

    /** Runs Maven in {@code project} as a plugin author would, offline from the network. */
    static MavenRun maven(Path project, String... goals) throws IOException, InterruptedException {
        Path settings = project.resolveSibling("it-settings.xml");
        String userRepository = System.getProperty("hyperprune.user.repository",
                Path.of(System.getProperty("user.home"), ".m2", "repository").toString());
        Files.writeString(settings, """
                <settings>
                  <mirrors>
                    <mirror>
                      <id>local-repository</id>
                      <mirrorOf>*</mirrorOf>
                      <url>%s</url>
                    </mirror>
                  </mirrors>
                </settings>
                """.formatted(Path.of(userRepository).toUri()));
        List<String> command = new ArrayList<>();
        String mavenHome = System.getProperty("maven.home");
        command.add(mavenHome != null ? Path.of(mavenHome, "bin", "mvn").toString() : "mvn");
        command.addAll(List.of("-B", "-s", settings.toString(), "-Dmaven.repo.local=" + IT_REPOSITORY.toAbsolutePath()));
        command.addAll(List.of(goals));
        ProcessBuilder builder = new ProcessBuilder(command).directory(project.toFile()).redirectErrorStream(true);
        builder.environment().put("OMP_NUM_THREADS", "1");
        Path log = project.resolveSibling(project.getFileName() + "-maven.log");
        builder.redirectOutput(log.toFile());
        Process process = builder.start();
        if (!process.waitFor(10, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError("nested Maven did not finish in 10 minutes:\n" + Files.readString(log));
        }
        return new MavenRun(process.exitValue(), Files.readString(log));
    }

    /** A distribution of its own (bin, conf and plugins copied; lib shared) with the jar in plugins/. */
    static Path distributionWith(Path target, Path pluginJar) throws IOException {
        copyTree(CliRun.DISTRIBUTION.resolve("bin"), target.resolve("bin"));
        copyTree(CliRun.DISTRIBUTION.resolve("conf"), target.resolve("conf"));
        copyTree(CliRun.DISTRIBUTION.resolve("plugins"), target.resolve("plugins"));
        Files.createSymbolicLink(target.resolve("lib"), CliRun.DISTRIBUTION.resolve("lib").toAbsolutePath());
        target.resolve("bin/hyperprune").toFile().setExecutable(true);
        Files.copy(pluginJar, target.resolve("plugins").resolve(pluginJar.getFileName()));
        return target;
    }

    /** Copies a directory tree, leaving out build output ({@code target*}). */
    static Path copyTree(Path source, Path target) throws IOException {
        try (Stream<Path> walk = Files.walk(source)) {
            for (Path p : walk.toList()) {
                Path relative = source.relativize(p);
                if (relative.getNameCount() > 0 && relative.getName(0).toString().startsWith("target")) {
                    continue;
                }
                Path destination = target.resolve(relative.toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(destination);
                } else {
                    Files.copy(p, destination, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
        return target;
    }
}
