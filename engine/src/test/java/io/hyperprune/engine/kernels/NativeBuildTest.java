package io.hyperprune.engine.kernels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hyperprune.api.InputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.factory.Nd4j;

class NativeBuildTest {

    private static final Set<String> SSE_ONLY = Set.of("fpu", "sse", "sse2", "sse4_1", "sse4_2", "popcnt");
    private static final Set<String> AVX2 = Set.of("sse4_2", "avx", "avx2", "fma", "f16c", "bmi1", "bmi2");
    private static final Set<String> AVX512 = Set.of(
            "sse4_2",
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
            "avx512dq");

    private static boolean all(NativeBuild build) {
        return true;
    }

    private static NativeBuild.Choice choose(Set<String> flags) {
        return NativeBuild.choose(Map.of(), Optional.empty(), Optional.of(flags), NativeBuildTest::all);
    }

    @Test
    void theFastestShippedBuildTheCpuCanExecuteIsChosen() {
        assertThat(choose(AVX512).build()).isEqualTo(NativeBuild.ONEDNN_AVX512);
        assertThat(choose(AVX2).build()).isEqualTo(NativeBuild.ONEDNN_AVX2);
        assertThat(choose(AVX2).reason()).contains("AVX2");
        // An installation without the AVX-512 natives runs the AVX2 ones on an AVX-512 CPU.
        assertThat(NativeBuild.choose(
                                Map.of(), Optional.empty(), Optional.of(AVX512), b -> b != NativeBuild.ONEDNN_AVX512)
                        .build())
                .isEqualTo(NativeBuild.ONEDNN_AVX2);
    }

    @Test
    void aCpuWithoutAvx2OrWithUnreadableFlagsGetsTheGenericBuild() {
        assertThat(choose(SSE_ONLY).build()).isEqualTo(NativeBuild.GENERIC);
        assertThat(choose(SSE_ONLY).reason()).isEqualTo("the CPU lacks avx, avx2, f16c, fma for the oneDNN build");
        // AVX2 without FMA (some virtual machines hide flags): the oneDNN build's FMA instructions would trap.
        assertThat(choose(Set.of("avx", "avx2", "f16c")).build()).isEqualTo(NativeBuild.GENERIC);
        NativeBuild.Choice unknown =
                NativeBuild.choose(Map.of(), Optional.empty(), Optional.empty(), NativeBuildTest::all);
        assertThat(unknown.build()).isEqualTo(NativeBuild.GENERIC);
        assertThat(unknown.reason()).contains("could not be read");
        assertThat(NativeBuild.choose(Map.of(), Optional.empty(), Optional.of(AVX2), b -> b == NativeBuild.GENERIC))
                .isEqualTo(new NativeBuild.Choice(NativeBuild.GENERIC, "no oneDNN build is shipped"));
    }

    @Test
    void theUsersChoiceWins() {
        NativeBuild.Choice named = NativeBuild.choose(
                Map.of(NativeBuild.OVERRIDE, "generic"), Optional.empty(), Optional.of(AVX512), NativeBuildTest::all);
        assertThat(named.build()).isEqualTo(NativeBuild.GENERIC);
        assertThat(named.reason()).isEqualTo("HYPERPRUNE_NATIVE_BUILD=generic");
        assertThat(NativeBuild.choose(
                                Map.of(NativeBuild.OVERRIDE, " ONEDNN-AVX2 "),
                                Optional.empty(),
                                Optional.of(AVX512),
                                NativeBuildTest::all)
                        .build())
                .isEqualTo(NativeBuild.ONEDNN_AVX2);
        assertThat(NativeBuild.choose(Map.of(), Optional.of("-onednn-avx2"), Optional.of(AVX512), NativeBuildTest::all)
                        .build())
                .isEqualTo(NativeBuild.ONEDNN_AVX2);
        // An empty extension is JavaCPP's way to ask for the plain natives.
        assertThat(NativeBuild.choose(Map.of(), Optional.of(""), Optional.of(AVX512), NativeBuildTest::all)
                        .build())
                .isEqualTo(NativeBuild.GENERIC);
        // Both set to the same build is fine; a blank variable counts as unset.
        assertThat(NativeBuild.choose(
                                Map.of(NativeBuild.OVERRIDE, "onednn-avx2"),
                                Optional.of("-onednn-avx2"),
                                Optional.of(AVX512),
                                NativeBuildTest::all)
                        .build())
                .isEqualTo(NativeBuild.ONEDNN_AVX2);
        assertThat(NativeBuild.choose(
                                Map.of(NativeBuild.OVERRIDE, " "),
                                Optional.empty(),
                                Optional.of(AVX2),
                                NativeBuildTest::all)
                        .build())
                .isEqualTo(NativeBuild.ONEDNN_AVX2);
        // Flags that cannot be read do not overrule the user.
        assertThat(NativeBuild.choose(
                                Map.of(NativeBuild.OVERRIDE, "onednn-avx2"),
                                Optional.empty(),
                                Optional.empty(),
                                NativeBuildTest::all)
                        .build())
                .isEqualTo(NativeBuild.ONEDNN_AVX2);
    }

    @Test
    void anUnknownOrUnshippedBuildIsAnInputErrorNamingTheOptionAndTheAllowedValues() {
        assertThatThrownBy(() -> NativeBuild.choose(
                        Map.of(NativeBuild.OVERRIDE, "avx2"),
                        Optional.empty(),
                        Optional.of(AVX2),
                        NativeBuildTest::all))
                .isInstanceOf(InputException.class)
                .hasMessageContaining("HYPERPRUNE_NATIVE_BUILD must be one of generic|onednn-avx2|onednn-avx512")
                .hasMessageContaining("got 'avx2'");
        assertThatThrownBy(() -> NativeBuild.choose(
                        Map.of(NativeBuild.OVERRIDE, "onednn-avx512"),
                        Optional.empty(),
                        Optional.of(AVX512),
                        b -> b != NativeBuild.ONEDNN_AVX512))
                .isInstanceOf(InputException.class)
                .hasMessageContaining("one of generic|onednn-avx2,");
        assertThatThrownBy(() ->
                        NativeBuild.choose(Map.of(), Optional.of("-avx2"), Optional.of(AVX2), NativeBuildTest::all))
                .isInstanceOf(InputException.class)
                .hasMessageContaining("-Dorg.bytedeco.javacpp.platform.extension must be one of")
                .hasMessageContaining("-onednn-avx2")
                .hasMessageContaining("got '-avx2'");
        assertThatThrownBy(() -> NativeBuild.choose(
                        Map.of(NativeBuild.OVERRIDE, "generic"),
                        Optional.of("-onednn-avx2"),
                        Optional.of(AVX2),
                        NativeBuildTest::all))
                .isInstanceOf(InputException.class)
                .hasMessageContaining("set only one");
    }

    @Test
    void aBuildTheCpuCannotExecuteIsRefusedEvenWhenAskedFor() {
        assertThatThrownBy(() -> NativeBuild.choose(
                        Map.of(NativeBuild.OVERRIDE, "onednn-avx512"),
                        Optional.empty(),
                        Optional.of(AVX2),
                        NativeBuildTest::all))
                .isInstanceOf(InputException.class)
                .hasMessageContaining("avx512bw, avx512cd, avx512dq, avx512f, avx512vl")
                .hasMessageContaining("illegal instruction")
                .hasMessageContaining("use generic|onednn-avx2");
        assertThatThrownBy(() -> NativeBuild.choose(
                        Map.of(), Optional.of("-onednn-avx2"), Optional.of(SSE_ONLY), NativeBuildTest::all))
                .isInstanceOf(InputException.class)
                .hasMessageContaining("avx, avx2, f16c, fma")
                .hasMessageContaining("use generic");
    }

    @Test
    void theFlagsAreReadFromCpuinfo(@TempDir Path directory) throws IOException {
        Path cpuinfo = directory.resolve("cpuinfo");
        Files.writeString(
                cpuinfo,
                "processor\t: 0\nmodel name\t: Some CPU\nflags\t\t: fpu sse2 avx avx2 fma f16c\n\n"
                        + "processor\t: 1\nflags\t\t: fpu sse2\n");
        assertThat(NativeBuild.cpuFlags(cpuinfo)).contains(Set.of("fpu", "sse2", "avx", "avx2", "fma", "f16c"));
        assertThat(NativeBuild.cpuFlags(directory.resolve("missing"))).isEmpty();
        Files.writeString(cpuinfo, "processor\t: 0\nFeatures\t: fp asimd\n"); // an ARM CPU names them differently
        assertThat(NativeBuild.cpuFlags(cpuinfo)).isEmpty();
    }

    @Test
    void theLoadedBuildIsReadFromTheLibrarysDirectory() {
        String cache = "/home/someone/.javacpp/cache/nd4j-native.jar/org/nd4j/linalg/cpu/nativecpu/bindings/";
        assertThat(NativeBuild.fromLibraryPath(cache + "linux-x86_64-onednn-avx2/libnd4jcpu.so"))
                .contains(NativeBuild.ONEDNN_AVX2);
        assertThat(NativeBuild.fromLibraryPath(cache + "linux-x86_64/libnd4jcpu.so"))
                .contains(NativeBuild.GENERIC);
        assertThat(NativeBuild.fromLibraryPath(cache + "linux-x86_64-onednn-avx512/libnd4jcpu.so"))
                .contains(NativeBuild.ONEDNN_AVX512);
        assertThat(NativeBuild.fromLibraryPath(cache + "linux-x86_64-onednn/libnd4jcpu.so"))
                .isEmpty();
        assertThat(NativeBuild.fromLibraryPath("libnd4jcpu.so")).isEmpty();
    }

    @Test
    void theTestsRunOnTheBuildThatWasChosenForThem() {
        // NativeBuildForTests chose before ND4J loaded; JavaCPP would fall back silently if its natives were missing.
        NativeBuild.Choice chosen = NativeBuild.chosen().orElseThrow();
        Nd4j.getEnvironment();
        assertThat(NativeBuild.loaded()).contains(chosen.build());
        assertThat(NativeBuild.shipped()).contains(NativeBuild.GENERIC, chosen.build());
    }
}
