package io.hyperprune.plugins.datasets;

import io.hyperprune.api.InputException;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Data files on disk: what sits under a data file's name, reading content raw or gzip (recognised by
 * its magic bytes, not the file name) in exactly the size its format header declares, and checksums.
 */
final class DataFiles {

    private DataFiles() {}

    /**
     * The first of {@code names} present in {@code directory}, if it is a readable regular file.
     * Anything else under such a name (a directory, a dangling symlink, a symlink loop, an unreadable
     * file) is an error naming it: skipping it would silently load other data than the user pointed at.
     */
    static Optional<Path> find(Path directory, List<String> names, String what) {
        for (String name : names) {
            Path p = directory.resolve(name);
            if (Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
                String problem = problem(p);
                if (problem != null) {
                    throw new InputException(p + " " + problem + ", not the " + what + " '" + name
                            + "'; replace it with the file (or remove it)");
                }
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /** Why {@code p} (which exists) is not a readable regular file, or null. */
    static String problem(Path p) {
        if (Files.isSymbolicLink(p)) {
            try {
                Path target = p.toRealPath();
                if (Files.isDirectory(target)) {
                    return "is a symbolic link to the directory " + target;
                }
            } catch (NoSuchFileException e) {
                return "is a dangling symbolic link (to " + linkTarget(p) + ")";
            } catch (FileSystemException e) {
                return "is a symbolic link that cannot be followed (" + reason(e) + "; a symlink loop?)";
            } catch (IOException e) {
                return "is a symbolic link that cannot be followed (" + reason(e) + ")";
            }
        }
        if (Files.isDirectory(p)) {
            return "is a directory";
        }
        if (!Files.isRegularFile(p)) {
            return "is not a regular file (a device, pipe or socket)";
        }
        if (!Files.isReadable(p)) {
            return "cannot be read (permission denied)";
        }
        return null;
    }

    private static String linkTarget(Path p) {
        try {
            return Files.readSymbolicLink(p).toString();
        } catch (IOException e) {
            return "?";
        }
    }

    /** An exception's message, or its class name when it has none (never "null"). */
    static String reason(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String message = t.getMessage();
            if (message != null && !message.isBlank()) {
                return t == e
                        ? e.getClass().getSimpleName() + ": " + message
                        : e.getClass().getSimpleName() + " (" + t.getClass().getSimpleName() + ": " + message + ")";
            }
        }
        return e.getClass().getSimpleName();
    }

    /**
     * Checks before allocating that {@code bytes} of arrays for {@code file} fit the heap: at most 3/4
     * of the JVM's maximum heap, the rest is the process's own. A header declaring more is corrupt or
     * needs a larger heap, which the message says.
     */
    static void requireFits(Path file, long bytes, String what) {
        long max = Runtime.getRuntime().maxMemory();
        long budget = max / 4 * 3;
        if (bytes > budget) {
            throw new InputException(
                    file + " " + what + ": loading it needs " + mib(bytes) + " MiB of heap, more than the "
                            + mib(budget) + " MiB this process allows data (3/4 of its " + mib(max)
                            + " MiB -Xmx); if the header is right, run with a larger heap, e.g. JAVA_OPTS=-Xmx4g, else replace the file");
        }
    }

    private static long mib(long bytes) {
        return (bytes + (1 << 20) - 1) >> 20;
    }

    /**
     * The content of a file, raw or gunzipped, read strictly by the sizes its format declares: a
     * gzip bomb stops at the declared size instead of filling the heap. Also hashes the content
     * (SHA-256 of the decompressed bytes, which is what the known checksums are of).
     */
    static final class Content implements AutoCloseable {
        private final Path file;
        private final boolean gzip;
        private final InputStream in;
        private final MessageDigest digest;
        private long read;

        private Content(Path file, boolean gzip, InputStream in) {
            this.file = file;
            this.gzip = gzip;
            this.in = in;
            try {
                this.digest = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }

        static Content open(Path file) {
            try {
                BufferedInputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
                raw.mark(2);
                boolean gzip = raw.read() == 0x1f && raw.read() == 0x8b;
                raw.reset();
                return new Content(file, gzip, gzip ? new GZIPInputStream(raw, 1 << 16) : raw);
            } catch (ZipException | EOFException e) {
                throw corrupt(file, e);
            } catch (IOException e) {
                throw new InputException("cannot read " + file + ": " + reason(e), e);
            }
        }

        Path file() {
            return file;
        }

        boolean gzip() {
            return gzip;
        }

        /** Bytes of content read so far. */
        long position() {
            return read;
        }

        /** Up to {@code n} bytes (fewer only at the end of the content). */
        byte[] next(int n) {
            try {
                byte[] bytes = new byte[n];
                int got = in.readNBytes(bytes, 0, n);
                if (got < n) {
                    bytes = java.util.Arrays.copyOf(bytes, got);
                }
                digest.update(bytes);
                read += bytes.length;
                return bytes;
            } catch (ZipException | EOFException e) {
                throw corrupt(file, e);
            } catch (IOException e) {
                throw new InputException("cannot read " + file + ": " + reason(e), e);
            }
        }

        /**
         * Checks that the content ends here, where its header says it does: otherwise the file
         * decompresses to (or is) more than {@code expected} bytes, and nothing beyond is read.
         */
        void requireEnd(String expectedFrom) {
            try {
                if (in.read() != -1) {
                    throw new InputException(
                            file + (gzip ? " decompresses to" : " holds") + " more than " + read + " bytes, expected "
                                    + read + " from " + expectedFrom
                                    + ": the file is corrupt or not what its name says; replace it"
                                    + " with the original file");
                }
            } catch (ZipException | EOFException e) {
                throw corrupt(file, e);
            } catch (IOException e) {
                throw new InputException("cannot read " + file + ": " + reason(e), e);
            }
        }

        /** SHA-256 (hex) of the content read so far. */
        String sha256() {
            return HexFormat.of().formatHex(digest.digest());
        }

        @Override
        public void close() {
            try {
                in.close();
            } catch (IOException e) {
                // read-only stream: nothing was lost
            }
        }
    }

    private static InputException corrupt(Path file, IOException e) {
        return new InputException(
                file + " is a corrupt or truncated gzip file (" + reason(e)
                        + "); download it again or decompress the original yourself",
                e);
    }

    static String sha256(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (IOException e) {
            throw new InputException("cannot read " + file + ": " + reason(e), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String sha256(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
