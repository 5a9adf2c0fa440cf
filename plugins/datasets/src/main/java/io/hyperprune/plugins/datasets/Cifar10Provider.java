package io.hyperprune.plugins.datasets;

import io.hyperprune.api.BatchAugmentation;
import io.hyperprune.api.DataLocation;
import io.hyperprune.api.DataRequest;
import io.hyperprune.api.DataSplit;
import io.hyperprune.api.Dataset;
import io.hyperprune.api.DatasetProvider;
import io.hyperprune.api.InputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * CIFAR-10 in its binary format ({@code cifar-10-batches-bin/data_batch_1..5.bin}, {@code test_batch.bin}:
 * records of 1 label byte and 3072 pixel bytes, channel-major 32x32), normalised per channel with
 * METHOD.md's mean and std into NCHW float32; training batches are augmented with a seeded random
 * crop (padding 4) and horizontal flip. Options {@code train-size} and {@code test-size} read only the
 * first N records (in file order) of a split: a documented subset, e.g. for timing runs whose epochs
 * would otherwise take an hour on a CPU; the checksums recorded are still those of the whole files.
 */
public final class Cifar10Provider implements DatasetProvider {

    static final int RECORD = 1 + 3 * 32 * 32;
    static final float[] MEAN = {0.4914f, 0.4822f, 0.4465f};
    static final float[] STD = {0.2023f, 0.1994f, 0.2010f};
    static final List<String> TRAIN =
            List.of("data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin");
    static final String TEST = "test_batch.bin";
    static final String ARCHIVE = "cifar-10-binary.tar.gz";
    /** MD5 of cifar-10-binary.tar.gz as published on the CIFAR-10 page (the only checksum it gives). */
    static final String ARCHIVE_MD5 = "c32a1d4ab5d03f1284b67883e8d87530";

    static final List<java.net.URI> MIRRORS = List.of(java.net.URI.create("https://www.cs.toronto.edu/~kriz/"));

    /** Records in every real batch file (data_batch_1..5 and test_batch). */
    static final int RECORDS_PER_BATCH = 10_000;

    private final String archiveMd5;
    private final int recordsPerBatch;

    public Cifar10Provider() {
        this(ARCHIVE_MD5, RECORDS_PER_BATCH);
    }

    /** For tests: an archive with another checksum, batches of another size. */
    Cifar10Provider(String archiveMd5, int recordsPerBatch) {
        this.archiveMd5 = archiveMd5;
        this.recordsPerBatch = recordsPerBatch;
    }

    @Override
    public String id() {
        return "cifar10";
    }

    @Override
    public String description() {
        return "CIFAR-10, 50k/10k 32x32 colour images, 10 classes (binary batches; crop+flip augmentation)";
    }

    @Override
    public Map<String, String> options() {
        return Map.of(
                "train-size",
                "training records: the first N of data_batch_1..5 in file order (default all " + 5 * RECORDS_PER_BATCH
                        + ")",
                "test-size",
                "test records: the first N of test_batch.bin (default all " + RECORDS_PER_BATCH + ")");
    }

    @Override
    public DataLocation locate(DataRequest request) {
        FileSearch.Result result = search(request);
        if (result.hit().isPresent()) {
            if (!result.hit().get().complete()) {
                throw incompleteCache(result.hit().get());
            }
            return DataLocation.found(result.hit().get().directory(), "");
        }
        return DataLocation.missing(
                "no directory with " + String.join(", ", TRAIN) + ", " + TEST + " among " + result.searched()
                        + "; extract cifar-10-binary.tar.gz (from the CIFAR-10 site) into --data-dir or $HYPERPRUNE_DATA,"
                        + " or 'hyperprune data fetch cifar10'");
    }

    private static InputException incompleteCache(FileSearch.Hit hit) {
        return new InputException("the cache " + hit.directory() + " lacks " + String.join(", ", hit.missing())
                + " (it is only ever written whole); delete the directory and run 'hyperprune data fetch cifar10'");
    }

    @Override
    public Dataset load(DataRequest request) {
        DataLocation location = locate(request);
        if (!location.isFound()) {
            if (request.offline()) {
                throw new InputException(
                        "cifar10 data not found and --offline forbids downloading: " + location.detail());
            }
            download(request);
            location = locate(request);
            if (!location.isFound()) {
                throw new InputException(
                        "cifar10: the downloaded archive did not contain the expected files: " + location.detail());
            }
        }
        Path directory = location.directory().get();
        Map<String, String> checksums = new LinkedHashMap<>();
        List<Path> trainFiles = TRAIN.stream().map(directory::resolve).toList();
        for (Path p : trainFiles) {
            checksums.put(p.getFileName().toString(), DataFiles.sha256(p));
        }
        checksums.put(TEST, DataFiles.sha256(directory.resolve(TEST)));
        int trainSize = size(request, "train-size", TRAIN.size() * recordsPerBatch);
        int testSize = size(request, "test-size", recordsPerBatch);
        return new Dataset(
                id(),
                read(trainFiles, recordsPerBatch, trainSize),
                read(List.of(directory.resolve(TEST)), recordsPerBatch, testSize),
                10,
                new long[] {3, 32, 32},
                checksums,
                directory.toString(),
                Optional.of(new CropAndFlip()));
    }

    /** A split's record count from option {@code name}: 1 to all of them, default all. */
    private static int size(DataRequest request, String name, int all) {
        int value = request.options().getInt(name, all);
        if (value < 1 || value > all) {
            throw new InputException("option cifar10." + name + " must be between 1 and " + all
                    + " (the records of that split), got " + value);
        }
        return value;
    }

    /**
     * Downloads cifar-10-binary.tar.gz, checks its MD5, and extracts the batches into
     * {@code <cache>/cifar10/cifar-10-batches-bin} through a temporary directory renamed at the end.
     */
    private void download(DataRequest request) {
        Path target = request.cacheDirectory().resolve(id()).resolve("cifar-10-batches-bin");
        List<java.net.URI> mirrors = request.mirrors().isEmpty() ? MIRRORS : request.mirrors();
        new Downloader().download(mirrors, ARCHIVE, (uri, body) -> {
            String md5 = md5(body);
            if (!md5.equals(archiveMd5)) {
                throw new Downloader.ChecksumException(
                        "downloaded " + uri + " has MD5 " + md5 + ", expected " + archiveMd5
                                + ": the file was altered or is another version; nothing was stored. Try another --mirror");
            }
            Files.createDirectories(target.getParent());
            Path staging = Files.createTempDirectory(target.getParent(), ".extract");
            try (java.io.InputStream tar = new java.util.zip.GZIPInputStream(
                    new java.io.BufferedInputStream(Files.newInputStream(body)), 1 << 16)) {
                // Streamed: no entry is held in memory, and only batch-sized entries are written.
                Tar.extract(tar, "cifar-10-batches-bin/", staging, (long) recordsPerBatch * RECORD);
                Files.move(staging, target, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            } finally {
                if (Files.exists(staging)) {
                    try (var files = Files.list(staging)) {
                        for (Path f : files.toList()) {
                            Files.delete(f);
                        }
                    }
                    Files.delete(staging);
                }
            }
        });
    }

    private static String md5(Path file) throws java.io.IOException {
        try (java.io.InputStream in = Files.newInputStream(file)) {
            java.security.MessageDigest digest = java.security.MessageDigest.getInstance("MD5");
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
            return java.util.HexFormat.of().formatHex(digest.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private FileSearch.Result search(DataRequest request) {
        List<FileSearch.Candidate> candidates = new ArrayList<>(FileSearch.userCandidates(
                request,
                dir -> List.of(
                        dir.resolve(id()).resolve("cifar-10-batches-bin"),
                        dir.resolve(id()),
                        dir.resolve("cifar-10-batches-bin"))));
        candidates.add(new FileSearch.Candidate(
                request.cacheDirectory().resolve(id()).resolve("cifar-10-batches-bin"), FileSearch.Origin.CACHE));
        List<String> names = new ArrayList<>(TRAIN);
        names.add(TEST);
        return FileSearch.search(candidates, names, List::of, "CIFAR-10 batch file");
    }

    /** Reads every record of these batches. */
    static DataSplit read(List<Path> files, int recordsPerBatch) {
        return read(files, recordsPerBatch, files.size() * recordsPerBatch);
    }

    /**
     * Reads the first {@code records} records of binary batches of exactly {@code recordsPerBatch}
     * records each into one normalised NCHW split: a batch cut short, even at a record boundary, is an
     * error, not a smaller data set.
     */
    static DataSplit read(List<Path> files, int recordsPerBatch, int records) {
        long batchBytes = (long) recordsPerBatch * RECORD;
        long n = Math.min((long) files.size() * recordsPerBatch, records);
        if (n * 3072 > IdxReader.MAX_ARRAY) {
            throw new InputException("too many CIFAR-10 records for one array: " + n);
        }
        for (Path file : files) {
            // Raw files first, by their size: a truncated batch is named before any heap check or reading.
            try (DataFiles.Content content = DataFiles.Content.open(file)) {
                long size = Files.size(file);
                if (!content.gzip() && size != batchBytes) {
                    throw wrongSize(file, size, recordsPerBatch);
                }
            } catch (java.io.IOException e) {
                throw new InputException("cannot read " + file + ": " + DataFiles.reason(e), e);
            }
        }
        // The split's floats and one batch's bytes are on the heap together.
        DataFiles.requireFits(
                files.get(0).getParent(),
                n * 3072 * Float.BYTES + batchBytes,
                "holds " + files.size() + " CIFAR-10 batches of " + recordsPerBatch + " records");
        float[] features = new float[(int) n * 3072];
        int[] labels = new int[(int) n];
        int sample = 0;
        for (Path file : files) {
            if (sample == n) {
                break;
            }
            byte[] bytes;
            int wanted = (int) Math.min(recordsPerBatch, n - sample);
            try (DataFiles.Content content = DataFiles.Content.open(file)) {
                bytes = content.next(wanted * RECORD);
                if (bytes.length != (long) wanted * RECORD) {
                    throw wrongSize(file, bytes.length, recordsPerBatch);
                }
                if (wanted == recordsPerBatch) {
                    content.requireEnd(
                            recordsPerBatch + " records of " + RECORD + " bytes, the size of every CIFAR-10 batch");
                }
            }
            for (int offset = 0; offset < bytes.length; offset += RECORD, sample++) {
                int label = bytes[offset] & 0xff;
                if (label > 9) {
                    throw new InputException(file + ": label " + label + " of record " + offset / RECORD
                            + " is out of range [0, 10): the file is corrupt or not a CIFAR-10 batch");
                }
                labels[sample] = label;
                for (int i = 0; i < 3072; i++) {
                    int channel = i / 1024;
                    features[sample * 3072 + i] =
                            ((bytes[offset + 1 + i] & 0xff) / 255f - MEAN[channel]) / STD[channel];
                }
            }
        }
        return new DataSplit(Nd4j.create(features, new long[] {n, 3, 32, 32}, 'c'), Nd4j.createFromArray(labels));
    }

    private static InputException wrongSize(Path file, long length, int recordsPerBatch) {
        return new InputException(file + " holds "
                + (length % RECORD == 0
                        ? length / RECORD + " records"
                        : length + " bytes (" + length / RECORD + " records of " + RECORD + " bytes and "
                                + length % RECORD + " bytes more)")
                + ", expected " + recordsPerBatch + " records of " + RECORD
                + " bytes (1 label + 3072 pixels): the batch is truncated"
                + " or not a CIFAR-10 binary batch; extract cifar-10-binary.tar.gz again");
    }

    /** Random crop of 32x32 from the image padded by 4 zeros on each side, then a horizontal flip with p = 1/2. */
    static final class CropAndFlip implements BatchAugmentation {
        @Override
        public INDArray apply(INDArray batch, SplittableRandom random) {
            int n = (int) batch.size(0);
            float[] in = batch.dup('c').data().asFloat();
            float[] out = new float[in.length];
            for (int s = 0; s < n; s++) {
                int dy = random.nextInt(9) - 4;
                int dx = random.nextInt(9) - 4;
                boolean flip = random.nextBoolean();
                for (int c = 0; c < 3; c++) {
                    int base = s * 3072 + c * 1024;
                    for (int y = 0; y < 32; y++) {
                        int sy = y + dy;
                        for (int x = 0; x < 32; x++) {
                            int sx = (flip ? 31 - x : x) + dx;
                            out[base + y * 32 + x] =
                                    sy < 0 || sy >= 32 || sx < 0 || sx >= 32 ? 0f : in[base + sy * 32 + sx];
                        }
                    }
                }
            }
            return Nd4j.create(out, batch.shape(), 'c');
        }
    }
}
