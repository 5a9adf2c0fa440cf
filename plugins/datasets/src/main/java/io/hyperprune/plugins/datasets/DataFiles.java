package io.hyperprune.plugins.datasets;

import io.hyperprune.api.InputException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/** Reading data files: raw or gzip (recognised by its magic bytes, not the file name), and checksums. */
final class DataFiles {

    /** Largest decompressed file we accept (CIFAR-10 train batches are ~30 MB, MNIST train images 47 MB). */
    static final long MAX_BYTES = 512L * 1024 * 1024;

    private DataFiles() {}

    /** The file's content, gunzipped if it starts with the gzip magic bytes. */
    static byte[] read(Path file) {
        try {
            byte[] raw = Files.readAllBytes(file);
            if (raw.length >= 2 && (raw[0] & 0xff) == 0x1f && (raw[1] & 0xff) == 0x8b) {
                try (InputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(raw), 1 << 16)) {
                    ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length * 4);
                    byte[] buffer = new byte[1 << 16];
                    long total = 0;
                    for (int n; (n = in.read(buffer)) > 0; ) {
                        total += n;
                        if (total > MAX_BYTES) {
                            throw new InputException(file + " decompresses to more than " + MAX_BYTES / (1024 * 1024)
                                    + " MiB, which no supported data file does; replace it with the original file");
                        }
                        out.write(buffer, 0, n);
                    }
                    return out.toByteArray();
                } catch (ZipException | java.io.EOFException e) {
                    throw new InputException(file + " is a corrupt or truncated gzip file (" + e.getMessage()
                            + "); download it again or decompress the original yourself");
                }
            }
            return raw;
        } catch (IOException e) {
            throw new InputException("cannot read " + file + ": " + e.getMessage(), e);
        }
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
            throw new InputException("cannot read " + file + ": " + e.getMessage(), e);
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
