package io.hyperprune.runtime.run;

import com.fasterxml.jackson.databind.JsonNode;
import io.hyperprune.api.InputException;
import io.hyperprune.engine.kernels.NativeFloats;
import io.hyperprune.engine.train.TrainingState;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A run's {@code model.npz}: a NumPy .npz (a zip of uncompressed .npy arrays, so {@code numpy.load}
 * reads it) with every array of the training state ({@link TrainingState}: learned variables and
 * Adam's moments) and {@value #META} (format, step and epoch counts, the entries). Arrays are streamed
 * between their native memory and the file through one small buffer: the Java heap never holds the
 * model, which for a CIFAR hypernetwork with its Adam state is over a GiB (SameDiff's own format built
 * the whole file in one heap buffer). The graph itself is not stored: a run rebuilds it from its
 * {@code config.json}, as training started it.
 */
final class ModelArchive {

    static final String META = "training.json";
    static final String FORMAT = "hyperprune-training-state";
    static final int VERSION = 1;

    private static final int CHUNK = 1 << 20;
    private static final java.time.LocalDateTime FIXED_TIME = java.time.LocalDateTime.of(2000, 1, 1, 0, 0);

    /** What {@value #META} says: the counts and the entries (array names without ".npy"). */
    record Contents(TrainingState.Counters counters, List<String> entries) {}

    private ModelArchive() {}

    /** Writes these arrays and counts to {@code file}; returns the SHA-256 of the bytes written. */
    static String write(Map<String, INDArray> arrays, TrainingState.Counters counters, Path file) throws IOException {
        if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
            throw new IllegalStateException(".npy arrays are written little-endian, as ND4J keeps them here");
        }
        MessageDigest sha256 = sha256();
        try (OutputStream out = Files.newOutputStream(file);
                DigestOutputStream digest = new DigestOutputStream(new BufferedOutputStream(out, CHUNK), sha256);
                ZipOutputStream zip = new ZipOutputStream(digest)) {
            zip.setMethod(ZipOutputStream.STORED);
            Map<String, Object> meta = new LinkedHashMap<>();
            meta.put("format", FORMAT);
            meta.put("version", VERSION);
            meta.put("iterations", counters.iterations());
            meta.put("epochs", counters.epochs());
            meta.put("entries", new ArrayList<>(arrays.keySet()));
            byte[] json = Json.write(meta).getBytes(StandardCharsets.UTF_8);
            CRC32 crc = new CRC32();
            crc.update(json);
            zip.putNextEntry(stored(META, json.length, crc.getValue()));
            zip.write(json);
            zip.closeEntry();
            byte[] buffer = new byte[CHUNK];
            for (Map.Entry<String, INDArray> entry : arrays.entrySet()) {
                writeArray(zip, entry.getKey(), entry.getValue(), buffer);
            }
        }
        return HexFormat.of().formatHex(sha256.digest());
    }

    private static void writeArray(ZipOutputStream zip, String name, INDArray array, byte[] buffer) throws IOException {
        INDArray source = NativeFloats.contiguous(array) ? array : array.dup('c');
        byte[] header = Npy.header(source);
        ByteBuffer bytes = bytesOf(source);
        CRC32 crc = new CRC32();
        crc.update(header);
        crc.update(bytes.duplicate());
        zip.putNextEntry(stored(name + ".npy", header.length + (long) bytes.remaining(), crc.getValue()));
        zip.write(header);
        while (bytes.hasRemaining()) {
            int n = Math.min(buffer.length, bytes.remaining());
            bytes.get(buffer, 0, n);
            zip.write(buffer, 0, n);
        }
        zip.closeEntry();
        java.lang.ref.Reference.reachabilityFence(source); // the buffer does not keep the native memory alive
    }

    private static ZipEntry stored(String name, long size, long crc) {
        ZipEntry entry = new ZipEntry(name);
        entry.setMethod(ZipEntry.STORED);
        entry.setSize(size);
        entry.setCompressedSize(size);
        entry.setCrc(crc);
        entry.setTimeLocal(FIXED_TIME); // no clock in the bytes: the same state gives the same file and checksum
        return entry;
    }

    /** Reads {@value #META} of an archive. */
    static Contents contents(Path file) throws IOException {
        try (ZipFile zip = new ZipFile(file.toFile())) {
            return contents(zip);
        }
    }

    private static Contents contents(ZipFile zip) throws IOException {
        ZipEntry entry = zip.getEntry(META);
        if (entry == null) {
            throw new InputException("it has no " + META + " (not a hyperprune model archive)");
        }
        JsonNode meta;
        try (InputStream in = zip.getInputStream(entry)) {
            meta = Json.MAPPER.readTree(in.readNBytes(1 << 24));
        }
        if (!FORMAT.equals(meta.path("format").asText()) || meta.path("version").asInt() != VERSION) {
            throw new InputException("its " + META + " names format " + meta.path("format") + " version "
                    + meta.path("version") + ", this hyperprune reads " + FORMAT + " version " + VERSION);
        }
        List<String> entries = new ArrayList<>();
        meta.path("entries").forEach(e -> entries.add(e.asText()));
        return new Contents(
                new TrainingState.Counters(
                        meta.path("iterations").asInt(), meta.path("epochs").asInt()),
                entries);
    }

    /**
     * Fills {@code targets} (entry name to the array to fill) from the archive; its arrays must be
     * exactly the targets, except that updater state may be left unread when {@code skipUpdater}.
     */
    static void read(Path file, Map<String, INDArray> targets, boolean skipUpdater) throws IOException {
        try (ZipFile zip = new ZipFile(file.toFile())) {
            List<String> entries = contents(zip).entries();
            for (String name : targets.keySet()) {
                if (!entries.contains(name)) {
                    throw new InputException("it lacks the array " + name + " of this run's model");
                }
            }
            for (String name : entries) {
                if (!targets.containsKey(name) && !(skipUpdater && name.startsWith(TrainingState.UPDATER))) {
                    throw new InputException("it holds an array " + name + " this run's model does not have");
                }
            }
            byte[] buffer = new byte[CHUNK];
            for (Map.Entry<String, INDArray> target : targets.entrySet()) {
                ZipEntry entry = zip.getEntry(target.getKey() + ".npy");
                if (entry == null) {
                    throw new InputException("it lacks the entry " + target.getKey() + ".npy");
                }
                try (InputStream in = zip.getInputStream(entry)) {
                    readArray(in, target.getKey(), target.getValue(), buffer);
                }
            }
        }
    }

    private static void readArray(InputStream in, String name, INDArray target, byte[] buffer) throws IOException {
        Npy.checkHeader(in, name, target);
        INDArray destination = NativeFloats.contiguous(target) ? target : target.dup('c');
        ByteBuffer bytes = bytesOf(destination);
        while (bytes.hasRemaining()) {
            int n = in.readNBytes(buffer, 0, Math.min(buffer.length, bytes.remaining()));
            if (n == 0) {
                throw new InputException("its array " + name + " is cut short");
            }
            bytes.put(buffer, 0, n);
        }
        if (in.read() >= 0) {
            throw new InputException("its array " + name + " holds more data than its shape");
        }
        if (destination != target) {
            target.assign(destination);
        }
        java.lang.ref.Reference.reachabilityFence(destination);
    }

    /** The array's bytes in its native memory (C order, contiguous): a view, not a copy. */
    private static ByteBuffer bytesOf(INDArray array) {
        long width = array.dataType().width();
        long bufferBytes = array.data().length() * width;
        if (bufferBytes > Integer.MAX_VALUE) {
            throw new IllegalStateException("an array of over 2 GiB (" + bufferBytes + " bytes) cannot be saved");
        }
        int from = (int) (array.offset() * width);
        return array.data()
                .asNio()
                .duplicate()
                .position(from)
                .limit(from + (int) (array.length() * width))
                .slice();
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
