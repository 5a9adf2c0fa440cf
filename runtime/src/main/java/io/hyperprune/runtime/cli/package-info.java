/**
 * The {@code hyperprune} command line (Picocli, Guice): one class per command, the exit codes and the
 * top-level error handler. Nothing else in the runtime depends on it.
 */
package io.hyperprune.runtime.cli;
