package io.hyperprune.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The API compatibility check of the build: the compiled API is compared with the surface recorded
 * for its version ({@code api-signatures.txt}); an incompatible change without a major version bump,
 * or an addition without a minor bump, fails the build. {@code -Dhyperprune.api.update=true} records
 * the new surface once the version is bumped as the change requires.
 */
class ApiCompatibilityTest {

    private static final String BASELINE = "api-signatures.txt";
    private static final String HEADER = "# hyperprune plugin API ";

    @Test
    void theCompiledApiMatchesTheSurfaceRecordedForItsVersion() throws IOException, URISyntaxException {
        Path classes = Path.of(ApiVersion.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Set<String> current = ApiSignatures.of(ApiSignatures.classesIn(classes, "io.hyperprune.api", getClass().getClassLoader()));
        assertThat(current).as("the API surface").anyMatch(line -> line.startsWith("type io.hyperprune.api.Evidence interface"));
        Path source = Path.of(System.getProperty("basedir", "."), "src/test/resources/io/hyperprune/api", BASELINE);
        boolean update = Boolean.getBoolean("hyperprune.api.update");
        var resource = getClass().getResourceAsStream(BASELINE);
        if (resource == null) {
            assertThat(update).as("no recorded API surface; record it with -Dhyperprune.api.update=true").isTrue();
            write(source, current);
            return;
        }
        List<String> lines = new String(resource.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        String[] version = lines.get(0).substring(HEADER.length()).trim().split("\\.");
        Set<String> baseline = lines.stream().skip(1).filter(line -> !line.isBlank()).collect(Collectors.toCollection(TreeSet::new));
        ApiSignatures.Verdict verdict = ApiSignatures.verdict(baseline, Integer.parseInt(version[0]), Integer.parseInt(version[1]),
                current, ApiVersion.MAJOR, ApiVersion.MINOR);
        if (update && verdict.mayRecord()) {
            write(source, current);
            return;
        }
        assertThat(verdict.accepted()).as(verdict.message()).isTrue();
    }

    @Test
    void theManifestVersionOfTheBuildIsApiVersion() {
        // Passed by the api module's surefire configuration from the hyperprune.api.version property.
        String built = System.getProperty("hyperprune.api.version");
        assertThat(built).as("hyperprune.api.version system property").isNotNull();
        assertThat(built).isEqualTo(ApiVersion.current());
    }

    private static void write(Path file, Set<String> surface) throws IOException {
        List<String> lines = new ArrayList<>();
        lines.add(HEADER + ApiVersion.current());
        lines.addAll(surface);
        Files.createDirectories(file.getParent());
        Files.write(file, lines, StandardCharsets.UTF_8);
    }

    // ---- the checker itself, on small types standing for two versions of one interface ----

    public interface Before {
        void a(int x);

        String b();
    }

    public interface WithDefault {
        void a(int x);

        String b();

        default void c() {}
    }

    public interface WithAbstract {
        void a(int x);

        String b();

        void c();
    }

    public interface Narrowed {
        void a(int x);
    }

    public interface Retyped {
        void a(long x);

        String b();
    }

    public static final class Value {
        public final int size = 1;
        private int hidden;

        public Value() {}

        Value(int hidden) {
            this.hidden = hidden;
        }

        public int size() {
            return size + hidden;
        }

        protected void forSubclasses() {}

        void packagePrivate() {}
    }

    private static Set<String> as(Class<?> type, Class<?> named) {
        return ApiSignatures.of(List.of(type)).stream().map(line -> line.replace(type.getName(), named.getName()))
                .collect(Collectors.toCollection(TreeSet::new));
    }

    @Test
    void surfaceListsPublicAndProtectedMembersOnlyWithErasedTypes() {
        assertThat(ApiSignatures.of(List.of(Value.class))).containsExactly(
                "constructor io.hyperprune.api.ApiCompatibilityTest$Value()",
                "field io.hyperprune.api.ApiCompatibilityTest$Value.size int final",
                "method io.hyperprune.api.ApiCompatibilityTest$Value.forSubclasses() void",
                "method io.hyperprune.api.ApiCompatibilityTest$Value.size() int",
                "type io.hyperprune.api.ApiCompatibilityTest$Value class final");
        assertThat(ApiSignatures.of(List.of(WithDefault.class)))
                .contains("method io.hyperprune.api.ApiCompatibilityTest$WithDefault.c() void default",
                        "method io.hyperprune.api.ApiCompatibilityTest$WithDefault.a(int) void abstract");
    }

    @Test
    void anUnchangedSurfaceIsAccepted() {
        assertThat(ApiSignatures.verdict(as(Before.class, Before.class), 1, 0, as(Before.class, Before.class), 1, 0).accepted()).isTrue();
    }

    @Test
    void aDefaultMethodNeedsAMinorBump() {
        Set<String> before = as(Before.class, Before.class);
        Set<String> after = as(WithDefault.class, Before.class);
        ApiSignatures.Verdict same = ApiSignatures.verdict(before, 1, 0, after, 1, 0);
        assertThat(same.accepted()).isFalse();
        assertThat(same.mayRecord()).isFalse();
        assertThat(same.message()).contains("API grew", "c()", "1.1");
        ApiSignatures.Verdict bumped = ApiSignatures.verdict(before, 1, 0, after, 1, 1);
        assertThat(bumped.mayRecord()).isTrue();
    }

    @Test
    void anAbstractMethodARemovalOrAChangedTypeNeedsAMajorBump() {
        Set<String> before = as(Before.class, Before.class);
        for (Class<?> changed : List.of(WithAbstract.class, Narrowed.class, Retyped.class)) {
            Set<String> after = as(changed, Before.class);
            ApiSignatures.Verdict minor = ApiSignatures.verdict(before, 1, 0, after, 1, 1);
            assertThat(minor.accepted()).as(changed.getSimpleName()).isFalse();
            assertThat(minor.mayRecord()).as(changed.getSimpleName()).isFalse();
            assertThat(minor.message()).as(changed.getSimpleName()).contains("incompatible", "2.0");
            assertThat(ApiSignatures.verdict(before, 1, 0, after, 2, 0).mayRecord()).as(changed.getSimpleName()).isTrue();
        }
    }
}
