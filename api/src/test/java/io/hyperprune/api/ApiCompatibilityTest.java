package io.hyperprune.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
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
 * The API compatibility check of the build. The public surface of {@code io.hyperprune.api} (see
 * {@link ApiSignatures}) is recorded once per major version, in {@code api-signatures-<major>.txt}
 * (first line: the {@code major.minor} it was recorded at). The compiled API is compared with the file
 * of {@link ApiVersion#MAJOR} (or, right after a major bump, with the newest older one): an
 * incompatible change without a major version bump, or an addition without a minor bump, fails the
 * build with the members and the fix. {@code -Dhyperprune.api.update=true} records the current surface
 * once the version is bumped as the change requires; files of older majors stay as they were.
 */
class ApiCompatibilityTest {

    private static final String HEADER = "# hyperprune plugin API ";

    static String baselineName(int major) {
        return "api-signatures-" + major + ".txt";
    }

    @Test
    void theCompiledApiMatchesTheSurfaceRecordedForItsVersion() throws IOException, URISyntaxException {
        Path classes = Path.of(ApiVersion.class
                .getProtectionDomain()
                .getCodeSource()
                .getLocation()
                .toURI());
        Set<String> current = ApiSignatures.of(
                ApiSignatures.classesIn(classes, "io.hyperprune.api", getClass().getClassLoader()));
        assertThat(current)
                .as("the API surface")
                .contains(
                        "type io.hyperprune.api.Evidence interface",
                        "method io.hyperprune.api.PruningCriterion.scores(io.hyperprune.api.PosteriorView,long,io.hyperprune.api.ComponentOptions)"
                                + " org.nd4j.linalg.api.ndarray.INDArray abstract");
        Path recorded = Path.of(
                System.getProperty("basedir", "."),
                "src/test/resources/io/hyperprune/api",
                baselineName(ApiVersion.MAJOR));
        boolean update = Boolean.getBoolean("hyperprune.api.update");
        String text = null;
        for (int major = ApiVersion.MAJOR; major >= 0 && text == null; major--) {
            try (InputStream in = getClass().getResourceAsStream(baselineName(major))) {
                text = in == null ? null : new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        }
        if (text == null) {
            assertThat(update)
                    .as("no API surface recorded for %s; record it with %s", ApiVersion.current(), ApiSignatures.UPDATE)
                    .isTrue();
            write(recorded, current);
            return;
        }
        List<String> lines = text.lines().toList();
        assertThat(lines.get(0)).as("first line of the recorded API surface").startsWith(HEADER);
        String[] version = lines.get(0).substring(HEADER.length()).trim().split("\\.");
        Set<String> baseline =
                lines.stream().skip(1).filter(line -> !line.isBlank()).collect(Collectors.toCollection(TreeSet::new));
        ApiSignatures.Verdict verdict = ApiSignatures.verdict(
                baseline,
                Integer.parseInt(version[0]),
                Integer.parseInt(version[1]),
                current,
                ApiVersion.MAJOR,
                ApiVersion.MINOR);
        if (update && verdict.mayRecord()) {
            write(recorded, current);
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

    public record Point(int x, int y) {}

    public record Point3(int x, int y, int z) {}

    public interface NewSpi {
        double weigh(String what);
    }

    private static Set<String> as(Class<?> type, Class<?> named) {
        return ApiSignatures.of(List.of(type)).stream()
                .map(line -> line.replace(type.getName(), named.getName()))
                .collect(Collectors.toCollection(TreeSet::new));
    }

    @Test
    void surfaceListsPublicAndProtectedMembersOnlyWithErasedTypes() {
        assertThat(ApiSignatures.of(List.of(Value.class)))
                .containsExactly(
                        "constructor io.hyperprune.api.ApiCompatibilityTest$Value()",
                        "field io.hyperprune.api.ApiCompatibilityTest$Value.size int final",
                        "method io.hyperprune.api.ApiCompatibilityTest$Value.forSubclasses() void",
                        "method io.hyperprune.api.ApiCompatibilityTest$Value.size() int",
                        "type io.hyperprune.api.ApiCompatibilityTest$Value class final");
        assertThat(ApiSignatures.of(List.of(WithDefault.class)))
                .contains(
                        "method io.hyperprune.api.ApiCompatibilityTest$WithDefault.c() void default",
                        "method io.hyperprune.api.ApiCompatibilityTest$WithDefault.a(int) void abstract");
    }

    @Test
    void anUnchangedSurfaceIsAccepted() {
        assertThat(ApiSignatures.verdict(as(Before.class, Before.class), 1, 0, as(Before.class, Before.class), 1, 0)
                        .accepted())
                .isTrue();
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
            assertThat(ApiSignatures.verdict(before, 1, 0, after, 2, 0).mayRecord())
                    .as(changed.getSimpleName())
                    .isTrue();
        }
    }

    @Test
    void theMessageNamesTheMembersAndTheFix() {
        String abstractAdded = ApiSignatures.verdict(
                        as(Before.class, Before.class), 1, 3, as(WithAbstract.class, Before.class), 1, 3)
                .message();
        assertThat(abstractAdded)
                .contains(
                        "abstract method added to an existing type",
                        "method io.hyperprune.api.ApiCompatibilityTest$Before.c() void abstract",
                        "ApiVersion.MAJOR = 2",
                        "<hyperprune.api.version>2.0",
                        "-Dhyperprune.api.update=true");
        String retyped = ApiSignatures.verdict(
                        as(Before.class, Before.class), 1, 0, as(Retyped.class, Before.class), 1, 0)
                .message();
        assertThat(retyped)
                .contains(
                        "removed or changed",
                        "method io.hyperprune.api.ApiCompatibilityTest$Before.a(int) void abstract");
        String grew = ApiSignatures.verdict(
                        as(Before.class, Before.class), 1, 3, as(WithDefault.class, Before.class), 1, 3)
                .message();
        assertThat(grew)
                .contains(
                        "added:",
                        "method io.hyperprune.api.ApiCompatibilityTest$Before.c() void default",
                        "ApiVersion.MINOR = 4",
                        "<hyperprune.api.version>1.4",
                        "-Dhyperprune.api.update=true");
    }

    @Test
    void recordComponentsArePartOfTheSurfaceAndAddingOneIsIncompatible() {
        assertThat(ApiSignatures.of(List.of(Point.class)))
                .contains(
                        "type io.hyperprune.api.ApiCompatibilityTest$Point record",
                        "component io.hyperprune.api.ApiCompatibilityTest$Point.x int",
                        "component io.hyperprune.api.ApiCompatibilityTest$Point.y int",
                        "constructor io.hyperprune.api.ApiCompatibilityTest$Point(int,int)",
                        "method io.hyperprune.api.ApiCompatibilityTest$Point.x() int");
        ApiSignatures.Verdict verdict =
                ApiSignatures.verdict(as(Point.class, Point.class), 1, 0, as(Point3.class, Point.class), 1, 1);
        assertThat(verdict.accepted()).isFalse();
        assertThat(verdict.mayRecord()).isFalse();
        assertThat(verdict.message())
                .contains("incompatible", "constructor io.hyperprune.api.ApiCompatibilityTest$Point(int,int)");
    }

    @Test
    void aNewTypeWithAbstractMethodsOrAnAbstractMethodMadeDefaultIsAnAddition() {
        Set<String> before = as(Before.class, Before.class);
        Set<String> withNewSpi = new TreeSet<>(before);
        withNewSpi.addAll(ApiSignatures.of(List.of(NewSpi.class)));
        ApiSignatures.Verdict newType = ApiSignatures.verdict(before, 1, 0, withNewSpi, 1, 0);
        assertThat(newType.mayRecord()).isFalse();
        assertThat(newType.message())
                .contains("API grew", "type io.hyperprune.api.ApiCompatibilityTest$NewSpi interface", "1.1");
        assertThat(ApiSignatures.verdict(before, 1, 0, withNewSpi, 1, 1).mayRecord())
                .isTrue();

        ApiSignatures.Verdict madeDefault = ApiSignatures.verdict(
                as(WithAbstract.class, Before.class), 1, 0, as(WithDefault.class, Before.class), 1, 0);
        assertThat(madeDefault.accepted()).isFalse();
        assertThat(madeDefault.message())
                .contains(
                        "API grew",
                        "abstract method made default",
                        "method io.hyperprune.api.ApiCompatibilityTest$Before.c() void default")
                .doesNotContain("incompatible");
        assertThat(ApiSignatures.verdict(
                                as(WithAbstract.class, Before.class), 1, 0, as(WithDefault.class, Before.class), 1, 1)
                        .mayRecord())
                .isTrue();
    }

    @Test
    void onTheRealApiRemovingAnSpiMethodIsCaught() throws IOException, URISyntaxException {
        Path classes = Path.of(ApiVersion.class
                .getProtectionDomain()
                .getCodeSource()
                .getLocation()
                .toURI());
        Set<String> baseline = ApiSignatures.of(
                ApiSignatures.classesIn(classes, "io.hyperprune.api", getClass().getClassLoader()));
        String scores = baseline.stream()
                .filter(line -> line.startsWith("method io.hyperprune.api.PruningCriterion.scores("))
                .findFirst()
                .orElseThrow();
        Set<String> current = new TreeSet<>(baseline);
        current.remove(scores);
        ApiSignatures.Verdict verdict = ApiSignatures.verdict(
                baseline, ApiVersion.MAJOR, ApiVersion.MINOR, current, ApiVersion.MAJOR, ApiVersion.MINOR);
        assertThat(verdict.accepted()).isFalse();
        assertThat(verdict.message()).contains(scores, "ApiVersion.MAJOR = " + (ApiVersion.MAJOR + 1));
    }

    @Test
    void theOwnerOfAMemberLine() {
        assertThat(ApiSignatures.owner("method a.b.C$D.name(int,a.b.E) void abstract"))
                .isEqualTo("a.b.C$D");
        assertThat(ApiSignatures.owner("field a.b.C.SIZE int static final")).isEqualTo("a.b.C");
    }
}
