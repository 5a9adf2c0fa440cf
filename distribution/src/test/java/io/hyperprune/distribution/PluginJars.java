package io.hyperprune.distribution;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/** Builds real plugin jars during a test (after PF4J's PluginJar): compiled sources, service files, manifest. */
final class PluginJars {

    private PluginJars() {}

    /** A PruningCriterion class with the given id; {@code constructorBody} runs in its constructor. */
    static String criterionSource(String packageName, String className, String id, String constructorBody) {
        return criterionSource(
                packageName,
                className,
                "\"" + id + "\"",
                constructorBody,
                "INDArray abs = org.nd4j.linalg.ops.transforms.Transforms.abs(p.mean(), true);\n"
                        + "    return p.sigma().map(s -> abs.div(s)).orElse(abs);");
    }

    /**
     * A PruningCriterion class whose {@code id()} returns the Java expression {@code idExpression} and whose
     * {@code scores(PosteriorView p, long seed, ComponentOptions o)} has the body {@code scoresBody}.
     */
    static String criterionSource(
            String packageName, String className, String idExpression, String constructorBody, String scoresBody) {
        return "package " + packageName + ";\n"
                + "import io.hyperprune.api.*;\n"
                + "import org.nd4j.linalg.api.ndarray.INDArray;\n"
                + "public final class " + className + " implements PruningCriterion {\n"
                + "  private static int calls;\n"
                + "  public " + className + "() { " + constructorBody + " }\n"
                + "  public String id() { return " + idExpression + "; }\n"
                + "  public String description() { return \"test criterion " + className + "\"; }\n"
                + "  public INDArray scores(PosteriorView p, long seed, ComponentOptions o) {\n"
                + "    " + scoresBody + "\n"
                + "  }\n"
                + "}\n";
    }

    /** A jar holding one criterion class (see {@link #criterionSource(String, String, String, String, String)}). */
    static Path criterionJar(
            Path directory, String className, String idExpression, String constructorBody, String scoresBody)
            throws IOException {
        return build(
                directory,
                className.toLowerCase(java.util.Locale.ROOT) + ".jar",
                Map.of(
                        "example." + className,
                        criterionSource("example", className, idExpression, constructorBody, scoresBody)),
                Map.of("io.hyperprune.api.PruningCriterion", "example." + className + "\n"),
                Map.of());
    }

    /**
     * Compiles the sources (class name to source) against the distribution's API and ND4J jars and
     * writes a jar with the given service entries and manifest attributes.
     */
    static Path build(
            Path directory,
            String jarName,
            Map<String, String> sources,
            Map<String, String> services,
            Map<String, String> manifest)
            throws IOException {
        Path src = Files.createTempDirectory(directory, "src");
        Path classes = Files.createTempDirectory(directory, "classes");
        List<String> files = new ArrayList<>();
        for (Map.Entry<String, String> source : sources.entrySet()) {
            Path file = src.resolve(source.getKey().replace('.', '/') + ".java");
            Files.createDirectories(file.getParent());
            Files.writeString(file, source.getValue());
            files.add(file.toString());
        }
        if (!files.isEmpty()) {
            JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
            List<String> args =
                    new ArrayList<>(List.of("--release", "17", "-d", classes.toString(), "-cp", hostClassPath()));
            args.addAll(files);
            int status = compiler.run(null, null, null, args.toArray(String[]::new));
            if (status != 0) {
                throw new IllegalStateException("test plugin did not compile");
            }
        }
        Manifest mf = new Manifest();
        mf.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.forEach((k, v) -> mf.getMainAttributes().putValue(k, v));
        Path jar = directory.resolve(jarName);
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), mf);
                Stream<Path> walk = Files.walk(classes)) {
            for (Path file : walk.filter(Files::isRegularFile).toList()) {
                out.putNextEntry(
                        new JarEntry(classes.relativize(file).toString().replace('\\', '/')));
                out.write(Files.readAllBytes(file));
                out.closeEntry();
            }
            for (Map.Entry<String, String> service : services.entrySet()) {
                out.putNextEntry(new JarEntry("META-INF/services/" + service.getKey()));
                out.write(service.getValue().getBytes(StandardCharsets.UTF_8));
                out.closeEntry();
            }
        }
        return jar;
    }

    /** A jar holding one class file whose header says it was compiled for Java 21 (major 65). */
    static Path newerJavaJar(Path directory) throws IOException {
        Path jar = directory.resolve("future.jar");
        try (OutputStream file = Files.newOutputStream(jar);
                JarOutputStream out = new JarOutputStream(file, new Manifest())) {
            out.putNextEntry(new JarEntry("example/Future.class"));
            out.write(new byte[] {(byte) 0xCA, (byte) 0xFE, (byte) 0xBA, (byte) 0xBE, 0, 0, 0, 65});
            out.closeEntry();
            out.putNextEntry(new JarEntry("META-INF/services/io.hyperprune.api.PruningCriterion"));
            out.write("example.Future\n".getBytes(StandardCharsets.UTF_8));
            out.closeEntry();
        }
        return jar;
    }

    /** The API and ND4J jars of the distribution: what a plugin compiles against. */
    static String hostClassPath() throws IOException {
        try (Stream<Path> jars = Files.list(CliRun.DISTRIBUTION.resolve("lib"))) {
            return String.join(
                    java.io.File.pathSeparator,
                    jars.map(Path::toString)
                            .filter(p ->
                                    p.contains("hyperprune-api") || p.contains("nd4j-api") || p.contains("nd4j-common"))
                            .toList());
        }
    }

    /** A copy of the distribution's plugins directory, to which a test adds jars. */
    static Path pluginsCopy(Path directory) throws IOException {
        Path plugins = directory.resolve("plugins");
        try (Stream<Path> walk = Files.walk(CliRun.DISTRIBUTION.resolve("plugins"))) {
            for (Path p : walk.toList()) {
                Path target = plugins.resolve(
                        CliRun.DISTRIBUTION.resolve("plugins").relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
        return plugins;
    }
}
