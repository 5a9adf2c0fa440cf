package io.hyperprune.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The report as a reader gets it: a small synthetic experiment with its fine-lambda surface, then report.html
 * rendered in headless Chromium (every figure loaded, no console errors) and a screenshot in
 * {@code target/report-screenshot.png} to look at.
 */
class ReportIT {

    private static final Path SCREENSHOT = Path.of("target", "report-screenshot.png");

    private static String[] experiment(Path out, String... extra) {
        List<String> args = new ArrayList<>(List.of(
                "experiment",
                "--dataset",
                "synthetic",
                "-O",
                "synthetic.train-size=600",
                "-O",
                "synthetic.test-size=200",
                "--evidences",
                "weight-decay,variational",
                "--hypernetworks",
                "constant,linear",
                "--lambdas",
                "0.01,1,100",
                "--epochs-plain",
                "1",
                "--epochs-hypernetwork",
                "1",
                "--levels",
                "0,50,80",
                "--out",
                out.toString()));
        args.addAll(List.of(extra));
        return args.toArray(String[]::new);
    }

    @Test
    void theReportLeadsWithItsFiguresAndClaimsAndRendersInABrowser(@TempDir Path dir) throws Exception {
        HeadlessChromium chromium = HeadlessChromium.find().orElse(null);
        Assumptions.assumeTrue(
                chromium != null,
                "chromium is not installed (Debian: apt-get install -y chromium; .ci/run installs it): the report"
                        + " is not rendered");
        // The probe itself must see what it looks for: a broken image and a script error.
        Path broken = Files.writeString(
                dir.resolve("broken.html"),
                "<!DOCTYPE html><html><head><meta charset=\"utf-8\"></head><body>"
                        + "<img alt=\"x\" src=\"data:image/png;base64,AAAA\"><script>nothing();</script></body></html>");
        HeadlessChromium.Probe brokenProbe = chromium.probe(broken);
        assertThat(brokenProbe.images()).containsExactly(new HeadlessChromium.Image("x", 0, 0));
        assertThat(brokenProbe.errors()).anyMatch(e -> e.contains("nothing is not defined"));

        Path out = dir.resolve("experiment");
        CliRun.run(experiment(out)).expectExit(0);

        // surface.csv: results.csv's layout, hypernetwork runs only, 41 log-spaced lambdas (the grid's three among
        // them) at every level, holding each of their results.csv rows exactly.
        List<String> results = Files.readAllLines(out.resolve("results.csv"));
        List<String> surface = Files.readAllLines(out.resolve("surface.csv"));
        assertThat(surface.get(0)).isEqualTo(results.get(0));
        List<String> hyperResults = results.stream()
                .skip(1)
                .filter(line -> line.split(",")[3].equals("linear"))
                .toList();
        assertThat(hyperResults).hasSize(2 * 3 * 3);
        assertThat(surface.subList(1, surface.size()))
                .hasSize(2 * 41 * 3)
                .allMatch(line -> line.split(",")[3].equals("linear"))
                .containsAll(hyperResults);
        Set<String> lambdas = new HashSet<>();
        surface.stream().skip(1).forEach(line -> lambdas.add(line.split(",")[4]));
        assertThat(lambdas).hasSize(41).contains("0.001", "0.01", "1.0", "100.0");

        // --resume rebuilds a lost surface, the run's and the grid's, to the same rows.
        Path runSurface;
        try (var runs = Files.list(out.resolve("runs"))) {
            runSurface = runs.filter(run -> run.getFileName().toString().startsWith("variational+linear"))
                    .findFirst()
                    .orElseThrow()
                    .resolve("surface.csv");
        }
        String before = Files.readString(runSurface);
        Files.delete(runSurface);
        Files.delete(out.resolve("surface.csv"));
        CliRun.run(experiment(out, "--resume", "--no-report")).expectExit(0);
        assertThat(Files.readString(runSurface)).isEqualTo(before);
        assertThat(Files.readAllLines(out.resolve("surface.csv"))).isEqualTo(surface);

        // The report leads with the overview, the Pareto front and the claims; the long tables come last.
        String markdown = Files.readString(out.resolve("report.md"));
        List<String> sections =
                markdown.lines().filter(line -> line.startsWith("## ")).toList();
        assertThat(sections)
                .containsExactly(
                        "## Overview",
                        "## Pareto front",
                        "## Claims checked",
                        "## Heatmaps",
                        "## More figures",
                        "## Tables");
        String claims = markdown.substring(markdown.indexOf("## Claims checked"), markdown.indexOf("## Heatmaps"));
        System.out.println(claims);
        assertThat(claims.lines().filter(line -> line.matches("\\d\\. \\*\\*.*")))
                .hasSize(3);
        assertThat(claims)
                .doesNotContain("Not checked", "NaN")
                .contains("weight-decay+linear", "variational+linear", "41 surface lambdas", "training time");
        String html = Files.readString(out.resolve("report.html"));
        assertThat(html).doesNotContain("http://", "https://", "src=\"figures/", "src=\"file:");
        assertThat(html.indexOf("id=\"overview\""))
                .isLessThan(html.indexOf("id=\"pareto\""))
                .isLessThan(html.indexOf("id=\"claims\""))
                .isLessThan(html.indexOf("id=\"heatmaps\""))
                .isLessThan(html.indexOf("<details>"));
        int images = (int) Pattern.compile("<img ").matcher(html).results().count();

        // As a browser shows it: every figure decoded, nothing failed, nothing on the console.
        HeadlessChromium.Probe probe = chromium.probe(out.resolve("report.html"));
        assertThat(probe.errors()).isEmpty();
        assertThat(probe.images()).hasSize(images).hasSizeGreaterThanOrEqualTo(10);
        assertThat(probe.images())
                .allSatisfy(image -> assertThat(image.width()).as(image.alt()).isPositive());
        assertThat(probe.images().get(0).alt()).isEqualTo("overview.png");
        assertThat(chromium.screenshot(out.resolve("report.html"), SCREENSHOT, 1400, 4000))
                .isEmpty();
    }
}
