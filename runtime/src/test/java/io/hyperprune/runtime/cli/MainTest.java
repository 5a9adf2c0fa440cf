package io.hyperprune.runtime.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.hyperprune.api.InputException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import org.junit.jupiter.api.Test;

class MainTest {

    private record Handled(int exitCode, String err) {}

    private static Handled handle(Throwable failure) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int code = Main.handle(failure, new PrintStream(bytes, true, StandardCharsets.UTF_8), false, "train");
        return new Handled(code, bytes.toString(StandardCharsets.UTF_8));
    }

    @Test
    void theEnvironmentsFailuresExitTwoWithTheReasonAndTheFix() {
        Handled full = handle(new IllegalStateException(
                "Error saving SameDiff instance to file", new IOException("No space left on device")));
        assertThat(full.exitCode()).isEqualTo(2);
        assertThat(full.err())
                .startsWith(
                        "error: I/O failed: no space left on device; free some space, or choose another output location");
        Handled denied = handle(new UncheckedIOException(new AccessDeniedException("/data/x")));
        assertThat(denied.exitCode()).isEqualTo(2);
        assertThat(denied.err()).startsWith("error: I/O failed on /data/x: permission denied; make it writable");
        Handled memory = handle(new RuntimeException(
                new java.util.concurrent.ExecutionException(new OutOfMemoryError("Java heap space"))));
        assertThat(memory.exitCode()).isEqualTo(2);
        assertThat(memory.err())
                .startsWith("error: out of Java heap memory (limit ")
                .contains("while running 'train'; give more with"
                        + " HYPERPRUNE_OPTS=-Xmx4g (the launcher's default is -Xmx1g)");
        Handled offHeap = handle(
                new OutOfMemoryError("Cannot allocate new FloatPointer(100): totalBytes = 12G, physicalBytes = 13G"));
        assertThat(offHeap.err())
                .startsWith("error: out of off-heap memory")
                .contains("HYPERPRUNE_OPTS=-Dorg.bytedeco.javacpp.maxbytes=");
        assertThat(handle(new RuntimeException(new InputException("bad"))).err())
                .isEqualTo("error: bad" + System.lineSeparator());
    }

    @Test
    void nativesThatCannotLoadAreTheEnvironmentsFailureWithTheFix() {
        // As a CUDA build reports it on a machine without the NVIDIA driver.
        Handled cuda = handle(new ExceptionInInitializerError(new UnsatisfiedLinkError(
                "libjnicudart.so: libcuda.so.1: cannot open shared object file: No such file or directory")));
        assertThat(cuda.exitCode()).isEqualTo(2);
        assertThat(cuda.err())
                .startsWith("error: ND4J's native library could not be loaded (libjnicudart.so: libcuda.so.1")
                .contains("needs the NVIDIA driver (libcuda.so.1) and CUDA 11.6")
                .contains("HYPERPRUNE_NATIVE_BUILD=generic");
        NoClassDefFoundError later =
                new NoClassDefFoundError("Could not initialize class org.nd4j.linalg.factory.Nd4j");
        assertThat(handle(later).exitCode()).isEqualTo(2);
        assertThat(handle(new ExceptionInInitializerError(new IllegalStateException("a bug")))
                        .exitCode())
                .as("a failed initialisation outside ND4J stays an internal error")
                .isEqualTo(1);
    }

    @Test
    void anythingElseIsAnInternalError() {
        Handled bug = handle(new IllegalStateException("a bug"));
        assertThat(bug.exitCode()).isEqualTo(1);
        assertThat(bug.err()).startsWith("internal error: java.lang.IllegalStateException: a bug");
    }

    @Test
    void theCommandIsTheFirstWordThatIsNotAnOption() {
        assertThat(Main.commandName(new String[] {"--plugins-dir", "p", "--verbose", "eval", "--run", "x"}))
                .isEqualTo("eval");
        assertThat(Main.commandName(new String[] {"--version"})).isEqualTo("hyperprune");
    }
}
