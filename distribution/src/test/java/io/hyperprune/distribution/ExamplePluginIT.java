package io.hyperprune.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
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

    @Test
    void theExampleCriterionBuildsOutsideTheReactorAndRunsInADistribution(@TempDir Path dir) throws Exception {
        Path project = PluginProjects.copyTree(PluginProjects.ROOT.resolve("examples/third-party-criterion"), dir.resolve("third-party-criterion"));
        PluginProjects.MavenRun build = PluginProjects.maven(project, "package");
        assertThat(build.exitCode()).as("nested build of the example:%n%s", build.output()).isZero();
        assertThat(build.output()).contains("Tests run: 5, Failures: 0, Errors: 0");
        Path jar = project.resolve("target/snr-criterion-1.0.0.jar");
        assertThat(jar).exists();

        Path distribution = PluginProjects.distributionWith(dir.resolve("hyperprune"), jar);
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
}
