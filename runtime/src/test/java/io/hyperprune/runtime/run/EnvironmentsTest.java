package io.hyperprune.runtime.run;

import static org.assertj.core.api.Assertions.assertThat;

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
}
