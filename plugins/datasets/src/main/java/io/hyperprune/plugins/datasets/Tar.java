package io.hyperprune.plugins.datasets;

import io.hyperprune.api.InputException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Extracts regular files of one directory from an (uncompressed) POSIX tar stream. */
final class Tar {

    private static final int BLOCK = 512;

    private Tar() {}

    /**
     * Writes every regular file under {@code prefix} into {@code target} (flat, by file name), streamed:
     * an entry declaring more than {@code maxEntryBytes} is an error before anything of it is written.
     */
    static void extract(InputStream tar, String prefix, Path target, long maxEntryBytes) throws IOException {
        byte[] header = new byte[BLOCK];
        while (true) {
            int got = tar.readNBytes(header, 0, BLOCK);
            if (got == 0 || got == BLOCK && isZero(header)) {
                return; // end of archive
            }
            if (got < BLOCK) {
                throw new InputException("corrupt tar archive: it ends inside an entry header");
            }
            String name = text(header, 345, 155).isEmpty()
                    ? text(header, 0, 100)
                    : text(header, 345, 155) + "/" + text(header, 0, 100);
            long size;
            try {
                String octal = text(header, 124, 12).trim();
                size = octal.isEmpty() ? 0 : Long.parseLong(octal, 8);
            } catch (NumberFormatException e) {
                throw new InputException("corrupt tar archive: bad size field of entry '" + name + "'");
            }
            if (size < 0) {
                throw new InputException("corrupt tar archive: entry '" + name + "' declares " + size + " bytes");
            }
            byte type = header[156];
            String fileName = name.substring(name.lastIndexOf('/') + 1);
            long padded = (size + BLOCK - 1) / BLOCK * BLOCK;
            if ((type == '0' || type == 0)
                    && name.startsWith(prefix)
                    && !fileName.isEmpty()
                    && !fileName.contains("..")) {
                if (size > maxEntryBytes) {
                    throw new InputException("tar entry '" + name + "' declares " + size + " bytes, more than the "
                            + maxEntryBytes + " of a data file of this set: the archive is not the expected one");
                }
                try (OutputStream out = Files.newOutputStream(target.resolve(fileName))) {
                    copy(tar, out, size, name);
                }
                skip(tar, padded - size, name);
            } else {
                skip(tar, padded, name);
            }
        }
    }

    private static void copy(InputStream in, OutputStream out, long size, String name) throws IOException {
        byte[] buffer = new byte[1 << 16];
        for (long left = size; left > 0; ) {
            int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
            if (n < 0) {
                throw new InputException(
                        "corrupt tar archive: entry '" + name + "' declares " + size + " bytes beyond the end");
            }
            out.write(buffer, 0, n);
            left -= n;
        }
    }

    private static void skip(InputStream in, long bytes, String name) throws IOException {
        byte[] buffer = new byte[1 << 16];
        for (long left = bytes; left > 0; ) {
            int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
            if (n < 0) {
                throw new InputException("corrupt tar archive: entry '" + name + "' declares bytes beyond the end");
            }
            left -= n;
        }
    }

    private static String text(byte[] header, int from, int length) {
        int end = from;
        while (end < from + length && header[end] != 0) {
            end++;
        }
        return new String(header, from, end - from, StandardCharsets.US_ASCII);
    }

    private static boolean isZero(byte[] block) {
        for (byte b : block) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }
}
