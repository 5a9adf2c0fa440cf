package io.hyperprune.engine.kernels;

import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Chooses the native build before any test loads ND4J, as the CLI's main does: the tests run on the
 * build a user of this machine gets ({@value NativeBuild#OVERRIDE}=generic runs them on the fallback).
 * Registered in META-INF/services, so it also runs for the modules that use the engine's test jar.
 */
public final class NativeBuildForTests implements LauncherSessionListener {

    @Override
    public void launcherSessionOpened(LauncherSession session) {
        NativeBuild.chooseForThisProcess();
    }
}
