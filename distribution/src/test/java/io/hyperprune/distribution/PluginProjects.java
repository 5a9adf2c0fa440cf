package io.hyperprune.distribution;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** Plugin projects built the way their authors build them: a nested Maven that never uses the network. */
final class PluginProjects {

    static final Path ROOT = Path.of(System.getProperty("hyperprune.root", ".."));
    /** This build's api, testkit, bom, archetype and parent, installed by maven-invoker-plugin. */
    static final Path IT_REPOSITORY = Path.of(System.getProperty("hyperprune.it.repository", "target/it-repo"));

    private PluginProjects() {}

    record MavenRun(int exitCode, String output) {}

    /** Runs Maven in {@code project} as a plugin author would, offline from the network. */
    static MavenRun maven(Path project, String... goals) throws IOException, InterruptedException {
        return maven(project, project.resolveSibling(project.getFileName() + "-settings.xml"), goals);
    }

    /** Runs Maven in {@code directory} with the given settings file (written here), offline from the network. */
    static MavenRun maven(Path directory, Path settings, String... goals) throws IOException, InterruptedException {
        String userRepository = System.getProperty(
                "hyperprune.user.repository",
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
        command.addAll(
                List.of("-B", "-s", settings.toString(), "-Dmaven.repo.local=" + IT_REPOSITORY.toAbsolutePath()));
        command.addAll(List.of(goals));
        ProcessBuilder builder =
                new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true);
        builder.environment().put("OMP_NUM_THREADS", "1");
        Path log = Files.createTempFile(directory, "maven-", ".log");
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
        Files.createSymbolicLink(
                target.resolve("lib"), CliRun.DISTRIBUTION.resolve("lib").toAbsolutePath());
        target.resolve("bin/hyperprune").toFile().setExecutable(true);
        Files.copy(pluginJar, target.resolve("plugins").resolve(pluginJar.getFileName()));
        return target;
    }

    /** Copies a directory tree, leaving out build output ({@code target*}). */
    static Path copyTree(Path source, Path target) throws IOException {
        try (Stream<Path> walk = Files.walk(source)) {
            for (Path p : walk.toList()) {
                Path relative = source.relativize(p);
                if (relative.getNameCount() > 0
                        && relative.getName(0).toString().startsWith("target")) {
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
