package io.hyperprune.engine.kernels;

import io.hyperprune.api.InputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The libnd4j build a process loads: nd4j-native's generic x86-64 one, or one built with oneDNN for
 * AVX2 or AVX-512 CPUs (a conv net's step several times faster; docs/performance.md has the numbers).
 *
 * <p>JavaCPP picks the natives by the system property {@value #PROPERTY}, which it reads once, when
 * ND4J (or JavaCPP's {@code Loader}) first loads; so {@link #chooseForThisProcess()} must run before
 * anything touches ND4J: the CLI's {@code main} calls it, and so do the tests' session listener. The
 * user's choice ({@value #OVERRIDE} or the property) wins; otherwise the fastest build that the CPU can
 * execute and the class path ships, and the generic one when the CPU's flags cannot be read: a build
 * whose instructions the CPU lacks dies with an illegal instruction, so it is never guessed.
 */
public enum NativeBuild {
    GENERIC("generic", "", "x86-64", Set.of()),
    // The flags GCC was told to use for these builds (libnd4j's -mavx2 -mfma -mf16c, and AVX-512's F, CD,
    // VL, BW, DQ with BMI); as /proc/cpuinfo names them.
    ONEDNN_AVX2("onednn-avx2", "-onednn-avx2", "AVX2", Set.of("avx", "avx2", "fma", "f16c")),
    ONEDNN_AVX512(
            "onednn-avx512",
            "-onednn-avx512",
            "AVX-512",
            Set.of(
                    "avx",
                    "avx2",
                    "fma",
                    "f16c",
                    "bmi1",
                    "bmi2",
                    "avx512f",
                    "avx512cd",
                    "avx512vl",
                    "avx512bw",
                    "avx512dq"));

    /** The user's choice of build, by name. */
    public static final String OVERRIDE = "HYPERPRUNE_NATIVE_BUILD";

    /** JavaCPP's platform extension: which natives its {@code Loader} looks for first. */
    public static final String PROPERTY = "org.bytedeco.javacpp.platform.extension";

    private static final String PLATFORM = "linux-x86_64";
    private static final String LIBRARIES = "org/nd4j/linalg/cpu/nativecpu/bindings/";

    /** The choice of this process, once made. */
    private static Choice applied;

    private final String id;
    private final String extension;
    private final String instructions;
    private final Set<String> cpuFlags;

    NativeBuild(String id, String extension, String instructions, Set<String> cpuFlags) {
        this.id = id;
        this.extension = extension;
        this.instructions = instructions;
        this.cpuFlags = cpuFlags;
    }

    /** The name users give and provenance records: generic, onednn-avx2, onednn-avx512. */
    public String id() {
        return id;
    }

    /** The chosen build and why, for doctor. */
    public record Choice(NativeBuild build, String reason) {}

    /**
     * Chooses the build from the environment, the system property as the process started, the CPU's
     * flags (empty when they could not be read) and the builds the class path ships.
     *
     * @throws InputException for a name or extension that is not a shipped build, both choices set and
     *     different, or a build the CPU cannot execute
     */
    static Choice choose(
            Map<String, String> environment,
            Optional<String> property,
            Optional<Set<String>> cpuFlags,
            Predicate<NativeBuild> shipped) {
        String named = environment.get(OVERRIDE);
        Optional<NativeBuild> byName =
                named == null || named.isBlank() ? Optional.empty() : Optional.of(byName(named.trim(), shipped));
        Optional<NativeBuild> byProperty = property.map(value -> byExtension(value.trim(), shipped));
        if (byName.isPresent() && byProperty.isPresent() && byName.get() != byProperty.get()) {
            throw new InputException(OVERRIDE + "=" + named.trim() + " and -D" + PROPERTY + "=" + property.get()
                    + " choose different native builds; set only one");
        }
        Optional<NativeBuild> chosen = byName.or(() -> byProperty);
        if (chosen.isPresent()) {
            NativeBuild build = chosen.get();
            String source = byName.isPresent() ? OVERRIDE + "=" + named.trim() : "-D" + PROPERTY + "=" + property.get();
            if (cpuFlags.isPresent() && !build.runsOn(cpuFlags.get())) {
                throw new InputException(source + " needs a CPU with " + build.missing(cpuFlags.get())
                        + ", which this one lacks (it would stop with an illegal instruction); use "
                        + allowed(b -> shipped.test(b) && b.runsOn(cpuFlags.get())));
            }
            return new Choice(build, source);
        }
        if (cpuFlags.isEmpty()) {
            return new Choice(GENERIC, "the CPU's flags could not be read");
        }
        Optional<NativeBuild> fastest = Stream.of(ONEDNN_AVX512, ONEDNN_AVX2)
                .filter(shipped)
                .filter(b -> b.runsOn(cpuFlags.get()))
                .findFirst();
        if (fastest.isPresent()) {
            return new Choice(fastest.get(), "the fastest build for this CPU (" + fastest.get().instructions + ")");
        }
        return new Choice(
                GENERIC,
                ONEDNN_AVX2.runsOn(cpuFlags.get())
                        ? "no oneDNN build is shipped"
                        : "the CPU lacks " + ONEDNN_AVX2.missing(cpuFlags.get()) + " for the oneDNN build");
    }

    /**
     * Chooses the build for this process and sets {@value #PROPERTY} for JavaCPP. Call before ND4J loads;
     * later calls return the first choice.
     */
    public static synchronized Choice chooseForThisProcess() {
        if (applied == null) {
            Choice choice = choose(
                    System.getenv(),
                    Optional.ofNullable(System.getProperty(PROPERTY)),
                    cpuFlags(Path.of("/proc/cpuinfo")),
                    NativeBuild::isShipped);
            System.setProperty(PROPERTY, choice.build().extension);
            applied = choice;
        }
        return applied;
    }

    /** The choice {@link #chooseForThisProcess()} made, if it ran in this process. */
    public static synchronized Optional<Choice> chosen() {
        return Optional.ofNullable(applied);
    }

    /** The builds whose natives are on the class path, slowest first. */
    public static List<NativeBuild> shipped() {
        return Arrays.stream(values()).filter(NativeBuild::isShipped).toList();
    }

    /** Whether this build's natives are on the class path (only Linux x86-64 ones are shipped). */
    static boolean isShipped(NativeBuild build) {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "");
        boolean linuxX86 = os.startsWith("linux") && (arch.equals("amd64") || arch.equals("x86_64"));
        if (!linuxX86) {
            return build == GENERIC;
        }
        return NativeBuild.class.getClassLoader().getResource(LIBRARIES + PLATFORM + build.extension + "/libnd4jcpu.so")
                != null;
    }

    /** The flags of the first processor in a /proc/cpuinfo file, empty if it cannot be read. */
    static Optional<Set<String>> cpuFlags(Path cpuinfo) {
        try (Stream<String> lines = Files.lines(cpuinfo)) {
            return lines.filter(line -> line.startsWith("flags"))
                    .findFirst()
                    .map(line ->
                            Set.of(line.substring(line.indexOf(':') + 1).trim().split("\\s+")));
        } catch (IOException | RuntimeException e) {
            return Optional.empty(); // not Linux, or no /proc: the generic build is the safe one
        }
    }

    /**
     * The build whose libnd4j this process loaded (ND4J must be loaded), from the directory JavaCPP
     * took the library from: what ran, even if a chosen build's natives were missing and JavaCPP fell
     * back. Empty if no CPU libnd4j is loaded (a CUDA backend) or its directory is not a known build.
     */
    public static Optional<NativeBuild> loaded() {
        String library = org.bytedeco.javacpp.Loader.getLoadedLibraries().get("nd4jcpu");
        return library == null ? Optional.empty() : fromLibraryPath(library);
    }

    static Optional<NativeBuild> fromLibraryPath(String library) {
        Path directory = Path.of(library).getParent();
        if (directory == null) {
            return Optional.empty();
        }
        String name = directory.getFileName().toString();
        return Arrays.stream(values())
                .filter(b -> name.equals(PLATFORM + b.extension))
                .findFirst();
    }

    boolean runsOn(Set<String> flags) {
        return flags.containsAll(cpuFlags);
    }

    private String missing(Set<String> flags) {
        return cpuFlags.stream().filter(f -> !flags.contains(f)).sorted().collect(Collectors.joining(", "));
    }

    private static NativeBuild byName(String name, Predicate<NativeBuild> shipped) {
        return Arrays.stream(values())
                .filter(b -> b.id.equals(name.toLowerCase(Locale.ROOT)) && shipped.test(b))
                .findFirst()
                .orElseThrow(() -> new InputException(OVERRIDE + " must be one of " + allowed(shipped) + ", got '"
                        + name + "'; unset it to choose by the CPU"));
    }

    private static NativeBuild byExtension(String extension, Predicate<NativeBuild> shipped) {
        return Arrays.stream(values())
                .filter(b -> b.extension.equals(extension) && shipped.test(b))
                .findFirst()
                .orElseThrow(() -> new InputException("-D" + PROPERTY + " must be one of "
                        + Arrays.stream(values())
                                .filter(shipped)
                                .map(b -> b.extension.isEmpty() ? "'' (generic)" : b.extension)
                                .collect(Collectors.joining(", "))
                        + ", got '" + extension + "'; or choose with " + OVERRIDE + "=" + allowed(shipped)));
    }

    private static String allowed(Predicate<NativeBuild> shipped) {
        return Arrays.stream(values()).filter(shipped).map(NativeBuild::id).collect(Collectors.joining("|"));
    }

    @Override
    public String toString() {
        return id;
    }
}
