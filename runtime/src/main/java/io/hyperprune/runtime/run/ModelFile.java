package io.hyperprune.runtime.run;

import io.hyperprune.api.InputException;
import io.hyperprune.engine.train.Trainer;
import io.hyperprune.engine.train.TrainingState;
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
 * A run's model file: {@code model.npz} ({@link ModelArchive}: the training state streamed from native
 * memory, the graph rebuilt from {@code config.json}), or {@code model.fb} of runs saved by earlier
 * versions (SameDiff's own format, still read). Written atomically with its SHA-256 taken from the bytes
 * that were written, and read back only after the file is checked against the checksum that
 * {@code checkpoint.json} or {@code result.json} recorded for it, so a model and the file describing it
 * can never be silently mismatched (a crash between their two renames, a truncated copy, an edit).
 */
public final class ModelFile {

    private ModelFile() {}

    /** Saves the graph's training state (weights, Adam state, counts) and returns the SHA-256 of what was written. */
    static String save(SameDiff sameDiff, Path file) {
        String[] sha256 = new String[1];
        AtomicFiles.writeWith(
                file,
                temp -> sha256[0] =
                        ModelArchive.write(TrainingState.arrays(sameDiff), TrainingState.counters(sameDiff), temp));
        return sha256[0];
    }

    /**
     * The model file of a run directory: {@code model.npz}, or an earlier version's {@code model.fb}; of
     * both (a run of an earlier version resumed, and stopped before its checkpoint named the new file),
     * the one with the expected checksum.
     */
    static Path find(Path directory, Optional<String> expectedSha256) {
        Path current = directory.resolve(TrainingRun.MODEL);
        Path legacy = directory.resolve(TrainingRun.LEGACY_MODEL);
        if (!Files.exists(legacy)) {
            return current;
        }
        if (!Files.exists(current)) {
            return legacy;
        }
        return mismatch(current, expectedSha256).isPresent()
                        && mismatch(legacy, expectedSha256).isEmpty()
                ? legacy
                : current;
    }

    /** Whether this is a model file of an earlier version (SameDiff's format: the whole graph). */
    static boolean legacy(Path file) {
        return file.getFileName().toString().equals(TrainingRun.LEGACY_MODEL);
    }

    /**
     * Restores a {@code model.npz} into a trainer just built from the run's settings: its weights, with
     * {@code withUpdater} its Adam state, and its counts. A file that does not fit the rebuilt model is an
     * {@link InputException} naming it.
     */
    static void restore(Path file, Trainer fresh, boolean withUpdater, String fix) {
        try {
            ModelArchive.Contents contents = ModelArchive.contents(file);
            boolean updater =
                    withUpdater && contents.entries().stream().anyMatch(e -> e.startsWith(TrainingState.UPDATER));
            TrainingState.prepare(fresh, contents.counters(), updater);
            ModelArchive.read(file, TrainingState.arrays(fresh.graph().sameDiff()), !updater);
        } catch (IOException | RuntimeException e) {
            throw unreadable(file, e, fix);
        }
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
     * Loads a model file of an earlier version that passed {@link #mismatch}; a file SameDiff cannot parse
     * is an {@link InputException} naming it, never a parser's internal exception.
     */
    static SameDiff load(Path file, String fix) {
        try {
            return SameDiff.load(file.toFile(), true);
        } catch (RuntimeException | StackOverflowError e) {
            throw unreadable(file, e, fix);
        }
    }

    private static InputException unreadable(Path file, Throwable e, String fix) {
        long size;
        try {
            size = Files.size(file);
        } catch (IOException io) {
            size = -1;
        }
        String why = e instanceof InputException
                ? e.getMessage()
                : e.getClass().getSimpleName()
                        + (e.getMessage() == null
                                ? ""
                                : ": " + e.getMessage().lines().findFirst().orElse(""));
        return new InputException(file + " (" + size + " bytes) is not a readable model file (" + why + "); " + fix, e);
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
