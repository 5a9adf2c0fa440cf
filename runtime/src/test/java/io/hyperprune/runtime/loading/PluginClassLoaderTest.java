package io.hyperprune.runtime.loading;

import static org.assertj.core.api.Assertions.assertThat;

import io.hyperprune.api.Evidence;
import io.hyperprune.api.InputException;
import io.hyperprune.runtime.wiring.ComponentRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PluginClassLoaderTest {

    @Test
    void sharedPackagesComeFromTheHostAndTheHostClassPathIsHidden(@TempDir Path dir) throws Exception {
        PluginClassLoader loader = new PluginClassLoader(
                "empty", List.of(dir.toUri().toURL()), getClass().getClassLoader());
        assertThat(loader.loadClass("io.hyperprune.api.Evidence")).isSameAs(Evidence.class);
        assertThat(loader.loadClass("org.nd4j.linalg.api.ndarray.INDArray"))
                .isSameAs(org.nd4j.linalg.api.ndarray.INDArray.class);
        assertThat(loader.loadClass("java.util.List")).isSameAs(List.class);
        // Guice is on the host's class path but not shared: a plugin cannot see it.
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> loader.loadClass("com.google.inject.Injector"))
                .isInstanceOf(ClassNotFoundException.class);
        assertThat(PluginClassLoader.isShared("org.slf4j.Logger")).isTrue();
        assertThat(PluginClassLoader.isShared("io.hyperprune.runtime.cli.Main")).isFalse();
    }

    @Test
    void theClassPathComponentsAreFoundAndSelectableWithSuggestions(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("notes.jar"), "not a zip");
        ComponentRegistry registry = ComponentRegistry.load(Optional.of(dir));
        assertThat(registry.components(Evidence.class)).containsKeys("variational", "prior-scaled", "weight-decay");
        assertThat(registry.select(Evidence.class, "weight-decay").id()).isEqualTo("weight-decay");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> registry.select(Evidence.class, "wieght-decay"))
                .isInstanceOf(InputException.class)
                .hasMessageContaining("did you mean 'weight-decay'");
        assertThat(registry.problems())
                .singleElement()
                .satisfies(p -> assertThat(p.message()).contains("notes.jar is not a jar"));
        assertThat(registry.originOf(registry.select(Evidence.class, "variational")))
                .isEqualTo("classpath");
    }
}
