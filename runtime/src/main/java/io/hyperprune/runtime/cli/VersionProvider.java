package io.hyperprune.runtime.cli;

import io.hyperprune.api.ApiVersion;
import picocli.CommandLine;

/** {@code --version}: the jar's Implementation-Version and the plugin API version. */
final class VersionProvider implements CommandLine.IVersionProvider {

    static String version() {
        String version = VersionProvider.class.getPackage().getImplementationVersion();
        return version == null ? "development" : version;
    }

    @Override
    public String[] getVersion() {
        return new String[] {
            "hyperprune " + version() + " (plugin API " + ApiVersion.current() + ", Java "
                    + System.getProperty("java.version") + ")"
        };
    }
}
