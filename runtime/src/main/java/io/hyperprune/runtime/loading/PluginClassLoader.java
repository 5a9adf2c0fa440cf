package io.hyperprune.runtime.loading;

import java.net.URL;
import java.net.URLClassLoader;
import java.util.List;

/**
 * The class loader of one plugin (a directory of jars or one loose jar), after Trino's: the plugin's
 * own classes are found in its jars first; the packages it shares with the host always come from the
 * host; everything else of the host's class path stays invisible (the parent is the platform loader),
 * so plugins may bundle their own versions of other libraries without clashing.
 */
final class PluginClassLoader extends URLClassLoader {

    /** Packages taken from the host, never from a plugin jar. */
    static final List<String> SHARED_PACKAGES = List.of(
            // the SPI itself: the host and the plugin must agree on these interfaces
            "io.hyperprune.api.",
            // ND4J and SameDiff: arrays and graphs cross the boundary in every SPI call
            "org.nd4j.",
            // JavaCPP natives: a JNI library can be loaded by one class loader only
            "org.bytedeco.",
            // logging API: plugin log lines go to the host's configuration
            "org.slf4j.");

    private final ClassLoader host;

    PluginClassLoader(String name, List<URL> jars, ClassLoader host) {
        super(name, jars.toArray(URL[]::new), ClassLoader.getPlatformClassLoader());
        this.host = host;
    }

    static boolean isShared(String className) {
        return SHARED_PACKAGES.stream().anyMatch(className::startsWith);
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        if (isShared(name)) {
            return host.loadClass(name);
        }
        synchronized (getClassLoadingLock(name)) {
            Class<?> loaded = findLoadedClass(name);
            if (loaded == null) {
                try {
                    loaded = findClass(name);
                } catch (ClassNotFoundException e) {
                    loaded = super.loadClass(name, false); // platform classes (java.*, javax.*)
                }
            }
            if (resolve) {
                resolveClass(loaded);
            }
            return loaded;
        }
    }

    @Override
    public URL getResource(String name) {
        // Service files and resources of the plugin first, then the platform's.
        URL own = findResource(name);
        return own != null ? own : super.getResource(name);
    }
}
