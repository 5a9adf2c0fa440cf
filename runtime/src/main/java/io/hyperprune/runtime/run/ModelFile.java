package io.hyperprune.runtime.run;

import io.hyperprune.api.InputException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import org.nd4j.autodiff.samediff.SameDiff;

/**
 * A run's {@code model.fb}: written atomically with its SHA-256 taken from the bytes that were
 * written, and read back only after the file is checked against the checksum that
 * {@code checkpoint.json} or {@code result.json} recorded for it, so a model and the file describing it
 * can never be silently mismatched (a crash between their two renames, a truncated copy, an edit).
 */
public final class ModelFile {

    private ModelFile() {}

    /** Saves the graph (with its updater state) and returns the SHA-256 of what was written. */
    static String save(SameDiff sameDiff, Path file) {
        String[] sha256 = new String[1];
        try {
            AtomicFiles.writeWith(file, temp -> {
                sameDiff.save(temp.toFile(), true);
                sha256[0] = sha256(temp);
            });
        } catch (OutOfMemoryError e) {
            long megabytes = Runtime.getRuntime().maxMemory() >> 20;
            throw new InputException(
                    "saving " + file + " needs more Java heap than the " + megabytes
                            + " MiB allowed (SameDiff writes the weights and their Adam state through one heap buffer);"
                            + " rerun with a larger heap, e.g. HYPERPRUNE_OPTS=-Xmx4g (add --resume to continue from the last saved epoch)");
        }
        return sha256[0];
    }

    /**
     * Why {@code file} is not the model {@code expectedSha256} describes, if it is not; an absent
     * expectation (files of older versions) checks only that the file exists and is not empty.
     */
    static Optional<String> mismatch(Path file, Optional<String> expectedSha256) {
        if (!Files.isRegularFile(file)) {
            return Optional.of(file + " is missing");
        }
        try {
            long size = Files.size(file);
            if (size == 0) {
                return Optional.of(file + " is empty");
            }
            if (expectedSha256.isPresent()) {
                String actual = sha256(file);
                if (!actual.equals(expectedSha256.get())) {
                    return Optional.of(file + " (" + size + " bytes) is not the model that was saved: its SHA-256 is "
                            + actual + ", the run recorded " + expectedSha256.get()
                            + " (truncated, damaged or replaced)");
                }
            }
            return Optional.empty();
        } catch (IOException e) {
            return Optional.of("cannot read " + file + ": " + e.getMessage());
        }
    }

    /**
     * Loads a model file that passed {@link #mismatch}; a file SameDiff cannot parse is an
     * {@link InputException} naming it, never a parser's internal exception.
     */
    static SameDiff load(Path file, String fix) {
        try {
            return SameDiff.load(file.toFile(), true);
        } catch (RuntimeException | StackOverflowError e) {
            long size;
            try {
                size = Files.size(file);
            } catch (IOException io) {
                size = -1;
            }
            throw new InputException(
                    file + " (" + size + " bytes) is not a readable model file ("
                            + e.getClass().getSimpleName()
                            + (e.getMessage() == null
                                    ? ""
                                    : ": " + e.getMessage().lines().findFirst().orElse("")) + "); " + fix,
                    e);
        }
    }

    static String sha256(Path file) {
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
            byte[] buffer = new byte[1 << 16];
            while (in.read(buffer) >= 0) {
                // digesting
            }
            return HexFormat.of()
                    .formatHex(((DigestInputStream) in).getMessageDigest().digest());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
