package io.hyperprune.plugins.datasets;

import io.hyperprune.api.InputException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/** Extracts regular files of one directory from an (uncompressed) POSIX tar archive. */
final class Tar {

    private static final int BLOCK = 512;

    private Tar() {}

    /** Writes every regular file under {@code prefix} into {@code target} (flat, by file name). */
    static void extract(byte[] tar, String prefix, Path target) throws IOException {
        int offset = 0;
        while (offset + BLOCK <= tar.length) {
            byte[] header = Arrays.copyOfRange(tar, offset, offset + BLOCK);
            if (isZero(header)) {
                return; // end of archive
            }
            String name = text(header, 345, 155).isEmpty() ? text(header, 0, 100) : text(header, 345, 155) + "/" + text(header, 0, 100);
            long size;
            try {
                String octal = text(header, 124, 12).trim();
                size = octal.isEmpty() ? 0 : Long.parseLong(octal, 8);
            } catch (NumberFormatException e) {
                throw new InputException("corrupt tar archive: bad size field of entry '" + name + "'");
            }
            byte type = header[156];
            int dataStart = offset + BLOCK;
            if (size < 0 || dataStart + size > tar.length) {
                throw new InputException("corrupt tar archive: entry '" + name + "' declares " + size + " bytes beyond the end");
            }
            String fileName = name.substring(name.lastIndexOf('/') + 1);
            if ((type == '0' || type == 0) && name.startsWith(prefix) && !fileName.isEmpty() && !fileName.contains("..")) {
                Files.write(target.resolve(fileName), Arrays.copyOfRange(tar, dataStart, (int) (dataStart + size)));
            }
            offset = dataStart + (int) ((size + BLOCK - 1) / BLOCK * BLOCK);
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
