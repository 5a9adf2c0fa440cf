package io.hyperprune.runtime.run;

import io.hyperprune.api.InputException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Writes result files so that a kill at any moment leaves either the old file or the complete new one,
 * never a truncated file that looks complete: write a temp file in the same directory, then rename.
 */
public final class AtomicFiles {

    private AtomicFiles() {}

    public static void writeString(Path target, String content) {
        write(target, content.getBytes(StandardCharsets.UTF_8));
    }

    public static void write(Path target, byte[] content) {
        writeWith(target, temp -> Files.write(temp, content));
    }

    /**
     * Lets {@code writer} fill a temp file, then moves it over {@code target}. Any I/O failure, also one a
     * library wraps (SameDiff's "Error saving SameDiff instance to file"), becomes a {@link FileWriteException}
     * naming the target, the OS's reason and the fix.
     */
    public static void writeWith(Path target, Writer writer) {
        Path directory = target.toAbsolutePath().getParent();
        Path temp = null;
        try {
            Files.createDirectories(directory);
            temp = Files.createTempFile(directory, "." + target.getFileName(), ".tmp");
            makeReadable(temp);
            writer.write(temp);
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw failure(target, e, e);
        } catch (InputException | FileWriteException e) {
            throw e;
        } catch (RuntimeException e) {
            IOException io = IoFailures.find(e).orElse(null);
            if (io == null) {
                throw e;
            }
            throw failure(target, io, e);
        } finally {
            if (temp != null) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException ignored) {
                    // best effort: the temp file is hidden and named after its target
                }
            }
        }
    }

    /**
     * Writes {@code target} only if it does not exist, atomically and exclusively: of processes racing to
     * create it (shards starting together), exactly one wins and a reader never sees it half-written (a
     * complete temp file hard-linked to its name; without hard links, an exclusive copy).
     *
     * @return false if the file existed (it is left as it was)
     */
    public static boolean writeNewString(Path target, String content) {
        Path directory = target.toAbsolutePath().getParent();
        Path temp = null;
        try {
            Files.createDirectories(directory);
            temp = Files.createTempFile(directory, "." + target.getFileName(), ".tmp");
            makeReadable(temp);
            Files.writeString(temp, content);
            try {
                Files.createLink(target, temp);
            } catch (UnsupportedOperationException e) {
                Files.copy(temp, target); // fails if the target exists
            }
            return true;
        } catch (java.nio.file.FileAlreadyExistsException e) {
            return false;
        } catch (IOException e) {
            throw failure(target, e, e);
        } finally {
            if (temp != null) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException ignored) {
                    // hidden and named after its target
                }
            }
        }
    }

    private static FileWriteException failure(Path target, IOException io, Throwable cause) {
        String reason = reasonWriting(target.toAbsolutePath().getParent(), io);
        return new FileWriteException(
                target, "cannot write " + target + ": " + reason + "; " + IoFailures.advice(reason), cause);
    }

    /** Why a file could not be written into {@code directory}, naming the path at fault if it is not the file itself. */
    static String reasonWriting(Path directory, IOException io) {
        Path existing = directory;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing != null && !Files.isDirectory(existing)) {
            return existing + " is a file, not a directory";
        }
        String reason = existing != null && !existing.equals(directory)
                ? IoFailures.reason(io)
                : IoFailures.reasonCreatingIn(directory, io);
        String file = IoFailures.file(io).orElse(null);
        boolean aboutTheFile =
                file == null || Path.of(file).toAbsolutePath().getParent().equals(directory);
        return aboutTheFile ? reason : file + ": " + reason;
    }

    /** Temp files are created owner-only; results should be as readable as any other file. */
    private static void makeReadable(Path file) throws IOException {
        try {
            Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: keep the default permissions
        }
    }

    /** Deletes a file if it is there; a failure names the file and the reason. */
    public static void delete(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Deletes the temp files a writer killed mid-write left in a directory (the {@code .<name>*.tmp} files
     * {@link #writeWith} renames when it finishes). Only for a directory the caller owns, e.g. a run it holds
     * the claim of: no other writer can be at work there.
     */
    public static void deleteLeftoverTempFiles(Path directory) {
        if (!Files.isDirectory(directory)) {
            return;
        }
        try (var files = Files.list(directory)) {
            for (Path file : files.toList()) {
                String name = file.getFileName().toString();
                if (name.startsWith(".") && name.endsWith(".tmp") && Files.isRegularFile(file)) {
                    delete(file);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + directory + ": " + e.getMessage(), e);
        }
    }

    /** Fills a file. */
    @FunctionalInterface
    public interface Writer {
        void write(Path file) throws IOException;
    }
}
