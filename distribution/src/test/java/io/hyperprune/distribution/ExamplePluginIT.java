package io.hyperprune.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * A third-party plugin as its author builds it: examples/third-party-criterion is built by a nested
 * Maven outside the reactor against the published artifacts (hyperprune-bom, -api, -testkit, -testkit-training,
 * installed by this build into target/it-repo; everything else from the local repository, never the network),
 * its contract tests run, and its jar is dropped into a distribution's plugins/ directory, where
 * {@code plugins} lists it and an experiment selects its criterion by name.
 */
class ExamplePluginIT {

    @Test
    void theExampleCriterionBuildsOutsideTheReactorAndRunsInADistribution(@TempDir Path dir) throws Exception {
        Path project = PluginProjects.copyTree(
                PluginProjects.ROOT.resolve("examples/third-party-criterion"), dir.resolve("third-party-criterion"));
        PluginProjects.MavenRun build = PluginProjects.maven(project, "package");
        assertThat(build.exitCode())
                .as("nested build of the example:%n%s", build.output())
                .isZero();
        assertThat(build.output()).contains("Tests run: 5, Failures: 0, Errors: 0");
        Path jar = project.resolve("target/snr-criterion-1.0.0.jar");
        assertThat(jar).exists();

        Path distribution = PluginProjects.distributionWith(dir.resolve("hyperprune"), jar);
        JsonNode listing = new ObjectMapper()
                .readTree(CliRun.run(distribution, Map.of(), "plugins", "--json")
                        .expectExit(0)
                        .out());
        JsonNode criterion = null;
        for (JsonNode component : listing.get("components")) {
            if (component.get("id").asText().equals("signal-to-noise")) {
                criterion = component;
            }
        }
        assertThat(criterion).as("signal-to-noise in %s", listing).isNotNull();
        assertThat(criterion.get("spi").asText()).isEqualTo("pruning criterion");
        assertThat(criterion.get("problem").isNull())
                .as("problem of %s", criterion)
                .isTrue();
        assertThat(Path.of(criterion.get("origin").asText()).toRealPath())
                .as("origin of %s", criterion)
                .isEqualTo(
                        distribution.resolve("plugins/snr-criterion-1.0.0.jar").toRealPath());
        assertThat(criterion.get("version").asText()).isEqualTo("1.0.0");
        String text =
                CliRun.run(distribution, Map.of(), "plugins").expectExit(0).out();
        assertThat(text)
                .containsPattern("signal-to-noise +signal-to-noise \\|mu\\|/sigma")
                .containsPattern("from \\S+/plugins/snr-criterion-1\\.0\\.0\\.jar, version 1\\.0\\.0");

        Path out = dir.resolve("study");
        CliRun.run(
                        distribution,
                        Map.of(),
                        "experiment",
                        "--out",
                        out.toString(),
                        "--dataset",
                        "synthetic",
                        "-O",
                        "synthetic.train-size=1200",
                        "-O",
                        "synthetic.test-size=400",
                        "--evidences",
                        "variational",
                        "--hypernetworks",
                        "constant",
                        "--lambdas",
                        "0.1,1",
                        "--criteria",
                        "signal-to-noise,relative-density",
                        "--epochs-plain",
                        "1",
                        "--levels",
                        "0,50,90",
                        "--batch-size",
                        "128",
                        "--no-report")
                .expectExit(0);
        List<String> lines = Files.readAllLines(out.resolve("results.csv"));
        List<String> header = List.of(lines.get(0).split(","));
        int lambda = header.indexOf("lambda");
        int criterionColumn = header.indexOf("criterion");
        int deletedPercent = header.indexOf("deleted_percent");
        int accuracy = header.indexOf("accuracy");
        int remaining = header.indexOf("remaining_parameters");
        Set<String> points = new TreeSet<>();
        Map<String, String> unprunedAccuracy = new HashMap<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",");
            double deleted = Double.parseDouble(f[deletedPercent]) / 100;
            assertThat(Double.parseDouble(f[accuracy])).isBetween(0.0, 1.0);
            // 784-50-10: exactly round(f * n) weights deleted per layer (39200 and 500), the 60 biases kept.
            assertThat(Long.parseLong(f[remaining]))
                    .as(line)
                    .isEqualTo(39760 - Math.round(deleted * 39200) - Math.round(deleted * 500));
            if (f[criterionColumn].equals("signal-to-noise")) {
                points.add(Double.parseDouble(f[lambda]) + "@" + Double.parseDouble(f[deletedPercent]));
            }
            if (deleted == 0) {
                // Nothing deleted: every criterion evaluates the same trained model.
                String previous = unprunedAccuracy.putIfAbsent(f[lambda], f[accuracy]);
                assertThat(previous == null ? f[accuracy] : previous)
                        .as("accuracy at 0%% for lambda %s", f[lambda])
                        .isEqualTo(f[accuracy]);
            }
        }
        assertThat(points)
                .as("signal-to-noise rows in %s", lines)
                .containsExactlyInAnyOrder("0.1@0.0", "0.1@50.0", "0.1@90.0", "1.0@0.0", "1.0@50.0", "1.0@90.0");
        assertThat(lines).hasSize(1 + 2 * 2 * 3);
    }

    /**
     * The BOM a plugin project imports manages the versions the host runs with: otherwise a plugin
     * compiles and tests against other ones (and its build needs artifacts this build never fetched).
     */
    @Test
    void theBomManagesTheVersionsTheHostRunsWith() throws Exception {
        Set<String> classPath = new TreeSet<>();
        for (String entry : System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"))
                .split(File.pathSeparator)) {
            classPath.add(Path.of(entry).getFileName().toString());
        }
        Document bom = DocumentBuilderFactory.newInstance()
                .newDocumentBuilder()
                .parse(PluginProjects.ROOT.resolve("bom/pom.xml").toFile());
        NodeList dependencies = bom.getElementsByTagName("dependency");
        assertThat(dependencies.getLength()).isGreaterThan(5);
        for (int i = 0; i < dependencies.getLength(); i++) {
            Element dependency = (Element) dependencies.item(i);
            String artifact = child(dependency, "artifactId");
            String classifier = child(dependency, "classifier");
            String jar = artifact + "-" + child(dependency, "version") + (classifier.isEmpty() ? "" : "-" + classifier)
                    + ".jar";
            assertThat(classPath)
                    .as(
                            "bom/pom.xml manages %s:%s; the host's test class path has %s",
                            child(dependency, "groupId"),
                            artifact,
                            classPath.stream()
                                    .filter(name -> name.startsWith(artifact + "-"))
                                    .toList())
                    .contains(jar);
        }
    }

    private static String child(Element element, String name) {
        NodeList nodes = element.getElementsByTagName(name);
        return nodes.getLength() == 0 ? "" : nodes.item(0).getTextContent().trim();
    }
}
