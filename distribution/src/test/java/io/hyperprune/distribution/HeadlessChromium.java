package io.hyperprune.distribution;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A page as a reader's browser shows it: Debian's {@code chromium}, headless. {@link #probe} loads a copy of the page
 * with a script that records, once everything loaded, each image's natural size and every error (script errors,
 * resources that failed to load, {@code console.error}) into the DOM Chromium dumps; {@link #screenshot} renders the
 * page itself and returns the console messages Chromium logged for it.
 */
final class HeadlessChromium {

    /** One image of the page: its alt text and the size it decoded to (0 x 0: it did not load). */
    record Image(String alt, int width, int height) {}

    /** What the page did while loading. */
    record Probe(List<Image> images, List<String> errors) {}

    private static final String PROBE_ID = "hyperprune-probe";
    private static final String PROBE_SCRIPT = "<script>window.__errors=[];"
            + "window.addEventListener('error',function(e){window.__errors.push(e.message||('failed to load '"
            + "+(e.target&&(e.target.alt||e.target.src||e.target.tagName))));},true);"
            + "var __consoleError=console.error;console.error=function(){window.__errors.push('console.error: '"
            + "+Array.prototype.join.call(arguments,' '));__consoleError.apply(console,arguments);};"
            + "window.addEventListener('load',function(){var p=document.createElement('pre');p.id='" + PROBE_ID + "';"
            + "p.textContent=JSON.stringify({images:Array.prototype.map.call(document.images,function(i){"
            + "return {alt:i.alt,width:i.naturalWidth,height:i.naturalHeight};}),errors:window.__errors});"
            + "document.body.appendChild(p);});</script>";
    private static final Pattern PROBE = Pattern.compile("<pre id=\"" + PROBE_ID + "\">(.*?)</pre>", Pattern.DOTALL);

    private final Path executable;

    private HeadlessChromium(Path executable) {
        this.executable = executable;
    }

    /** Chromium on the PATH ({@code chromium}, {@code chromium-browser}), if installed. */
    static Optional<HeadlessChromium> find() {
        for (String directory : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            for (String name : List.of("chromium", "chromium-browser")) {
                Path candidate = Path.of(directory, name);
                if (Files.isExecutable(candidate)) {
                    return Optional.of(new HeadlessChromium(candidate));
                }
            }
        }
        return Optional.empty();
    }

    /** Loads a copy of {@code page} (beside it, so relative references resolve alike) with the probe script. */
    Probe probe(Path page) throws IOException {
        String html = Files.readString(page, StandardCharsets.UTF_8);
        int head = html.indexOf("<head>");
        if (head < 0) {
            throw new AssertionError(page + " has no <head>");
        }
        Path copy = page.resolveSibling(".probe-" + page.getFileName());
        Files.writeString(
                copy, html.substring(0, head + 6) + PROBE_SCRIPT + html.substring(head + 6), StandardCharsets.UTF_8);
        try {
            String dom = run(
                    List.of(
                            "--virtual-time-budget=10000",
                            "--dump-dom",
                            copy.toUri().toString()),
                    true);
            Matcher matcher = PROBE.matcher(dom);
            if (!matcher.find()) {
                throw new AssertionError("the page never finished loading (no probe in the DOM Chromium dumped):\n"
                        + dom.substring(0, Math.min(2000, dom.length())));
            }
            JsonNode json = new ObjectMapper()
                    .readTree(matcher.group(1)
                            .replace("&lt;", "<")
                            .replace("&gt;", ">")
                            .replace("&amp;", "&"));
            List<Image> images = new ArrayList<>();
            json.get("images")
                    .forEach(i -> images.add(new Image(
                            i.get("alt").asText(),
                            i.get("width").asInt(),
                            i.get("height").asInt())));
            List<String> errors = new ArrayList<>();
            json.get("errors").forEach(e -> errors.add(e.asText()));
            return new Probe(images, errors);
        } finally {
            Files.deleteIfExists(copy);
        }
    }

    /**
     * Renders {@code page} into {@code png} at this window size.
     *
     * @return the console messages Chromium logged for the page (its {@code CONSOLE} lines)
     */
    List<String> screenshot(Path page, Path png, int width, int height) throws IOException {
        Files.createDirectories(png.toAbsolutePath().getParent());
        String log = run(
                List.of(
                        "--enable-logging=stderr",
                        "--v=0",
                        "--hide-scrollbars",
                        "--virtual-time-budget=10000",
                        "--window-size=" + width + "," + height,
                        "--screenshot=" + png.toAbsolutePath(),
                        page.toUri().toString()),
                false);
        if (!Files.isRegularFile(png) || Files.size(png) == 0) {
            throw new AssertionError("Chromium wrote no screenshot " + png + ":\n" + log);
        }
        return log.lines().filter(line -> line.contains(":CONSOLE")).toList();
    }

    /** Runs Chromium headless; returns its stdout, or its stderr when {@code stdout} is false. */
    private String run(List<String> arguments, boolean stdout) throws IOException {
        Path profile = Files.createTempDirectory("chromium-profile");
        List<String> command = new ArrayList<>(List.of(
                executable.toString(),
                "--headless",
                "--no-sandbox", // as root (a CI container) Chromium refuses to start sandboxed
                "--disable-gpu",
                "--no-first-run",
                "--user-data-dir=" + profile));
        command.addAll(arguments);
        Path out = Files.createTempFile("chromium-out", ".txt");
        Path err = Files.createTempFile("chromium-err", ".txt");
        Process process = new ProcessBuilder(command)
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .start();
        try {
            if (!process.waitFor(2, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new AssertionError("chromium did not finish in 2 minutes: " + command);
            }
            if (process.exitValue() != 0) {
                throw new AssertionError(
                        "chromium exited with " + process.exitValue() + ": " + command + "\n" + Files.readString(err));
            }
            return Files.readString(stdout ? out : err);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
            try (Stream<Path> files = Files.walk(profile)) {
                for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(file);
                }
            }
        }
    }
}
