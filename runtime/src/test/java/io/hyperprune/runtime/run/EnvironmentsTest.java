package io.hyperprune.runtime.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.hyperprune.engine.kernels.NativeBuild;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class EnvironmentsTest {

    @Test
    void everyExecutionSwitchIsRecordedButTheInstallationDirectoryIsNot() {
        Properties properties = new Properties();
        properties.setProperty("hyperprune.executor", "session");
        properties.setProperty("hyperprune.sparse", "false");
        properties.setProperty("hyperprune.home", "/opt/hyperprune");
        properties.setProperty("java.version", "17");
        assertThat(Environments.switches(properties, Map.of("HYPERPRUNE_NATIVE_THREADS", "2", "PATH", "/bin")))
                .containsExactly(
                        Map.entry("-Dhyperprune.executor", "session"),
                        Map.entry("-Dhyperprune.sparse", "false"),
                        Map.entry("HYPERPRUNE_NATIVE_THREADS", "2"));
    }

    @Test
    void theNativeBuildRecordedIsTheOneThatLoaded() {
        // The engine's test jar chose the build for this test process, as the CLI's main does.
        assertThat(Environments.current().nativeBuild())
                .isEqualTo(NativeBuild.chosen().orElseThrow().build().id());
    }

    @Test
    void anEnvironmentWrittenBeforeTheNativeBuildWasRecordedStillReadsWithItAbsent() throws Exception {
        String older = "{\"hyperprune\": \"0.1.0\", \"java\": \"17.0.15\", \"backend\": \"CpuBackend\","
                + " \"ompNumThreads\": \"1\", \"processors\": 2}";
        RunConfig.Environment environment = Json.MAPPER.readValue(older, RunConfig.Environment.class);
        assertThat(environment.nativeBuild()).isNull();
        assertThat(environment.processors()).isEqualTo(2);
    }
}
