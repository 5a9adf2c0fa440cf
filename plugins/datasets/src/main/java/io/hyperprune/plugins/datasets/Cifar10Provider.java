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
 * crop (padding 4) and horizontal flip.
 */
public final class Cifar10Provider implements DatasetProvider {

    static final int RECORD = 1 + 3 * 32 * 32;
    static final float[] MEAN = {0.4914f, 0.4822f, 0.4465f};
    static final float[] STD = {0.2023f, 0.1994f, 0.2010f};
    static final List<String> TRAIN = List.of("data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin",
            "data_batch_5.bin");
    static final String TEST = "test_batch.bin";
    static final String ARCHIVE = "cifar-10-binary.tar.gz";
    /** MD5 of cifar-10-binary.tar.gz as published on the CIFAR-10 page (the only checksum it gives). */
    static final String ARCHIVE_MD5 = "c32a1d4ab5d03f1284b67883e8d87530";
    static final List<java.net.URI> MIRRORS = List.of(java.net.URI.create("https://www.cs.toronto.edu/~kriz/"));

    private final String archiveMd5;

    public Cifar10Provider() {
        this(ARCHIVE_MD5);
    }

    /** For tests: an archive with another checksum. */
    Cifar10Provider(String archiveMd5) {
        this.archiveMd5 = archiveMd5;
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
    public DataLocation locate(DataRequest request) {
        List<Path> searched = new ArrayList<>();
        for (Path directory : candidates(request)) {
            searched.add(directory);
            if (Files.isRegularFile(directory.resolve(TEST)) && TRAIN.stream().allMatch(f -> Files.isRegularFile(directory.resolve(f)))) {
                return DataLocation.found(directory, "");
            }
        }
        return DataLocation.missing("no directory with " + String.join(", ", TRAIN) + ", " + TEST + " among " + searched
                + "; extract cifar-10-binary.tar.gz (from the CIFAR-10 site) into --data-dir or $HYPERPRUNE_DATA");
    }

    @Override
    public Dataset load(DataRequest request) {
        DataLocation location = locate(request);
        if (!location.isFound()) {
            if (request.offline()) {
                throw new InputException("cifar10 data not found and --offline forbids downloading: " + location.detail());
            }
            download(request);
            location = locate(request);
            if (!location.isFound()) {
                throw new InputException("cifar10: the downloaded archive did not contain the expected files: " + location.detail());
            }
        }
        Path directory = location.directory().get();
        Map<String, String> checksums = new LinkedHashMap<>();
        List<Path> trainFiles = TRAIN.stream().map(directory::resolve).toList();
        for (Path p : trainFiles) {
            checksums.put(p.getFileName().toString(), DataFiles.sha256(p));
        }
        checksums.put(TEST, DataFiles.sha256(directory.resolve(TEST)));
        return new Dataset(id(), read(trainFiles), read(List.of(directory.resolve(TEST))), 10, new long[] {3, 32, 32},
                checksums, directory.toString(), Optional.of(new CropAndFlip()));
    }

    /**
     * Downloads cifar-10-binary.tar.gz, checks its MD5, and extracts the batches into
     * {@code <cache>/cifar10/cifar-10-batches-bin} through a temporary directory renamed at the end.
     */
    private void download(DataRequest request) {
        Path target = request.cacheDirectory().resolve(id()).resolve("cifar-10-batches-bin");
        List<java.net.URI> mirrors = request.mirrors().isEmpty() ? MIRRORS : request.mirrors();
        new Downloader().download(mirrors, ARCHIVE, (uri, body) -> {
            String md5;
            try {
                md5 = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("MD5").digest(body));
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
            if (!md5.equals(archiveMd5)) {
                throw new Downloader.ChecksumException("downloaded " + uri + " has MD5 " + md5 + ", expected " + archiveMd5
                        + ": the file was altered or is another version; nothing was stored. Try another --mirror");
            }
            Path temp = Files.createTempFile("cifar10", ".tar.gz");
            byte[] tar;
            try {
                Files.write(temp, body);
                tar = DataFiles.read(temp);
            } finally {
                Files.deleteIfExists(temp);
            }
            Files.createDirectories(target.getParent());
            Path staging = Files.createTempDirectory(target.getParent(), ".extract");
            try {
                Tar.extract(tar, "cifar-10-batches-bin/", staging);
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

    private List<Path> candidates(DataRequest request) {
        List<Path> result = new ArrayList<>();
        for (Path directory : request.searchDirectories()) {
            for (Path base : List.of(directory, directory.resolve(id()))) {
                result.add(base);
                result.add(base.resolve("cifar-10-batches-bin"));
            }
        }
        result.add(request.cacheDirectory().resolve(id()).resolve("cifar-10-batches-bin"));
        return result;
    }

    /** Reads binary batches into one normalised NCHW split. */
    static DataSplit read(List<Path> files) {
        List<byte[]> contents = new ArrayList<>();
        long records = 0;
        for (Path file : files) {
            byte[] bytes = DataFiles.read(file);
            if (bytes.length == 0 || bytes.length % RECORD != 0) {
                throw new InputException(file + " has " + bytes.length + " bytes, not a multiple of the " + RECORD
                        + "-byte CIFAR-10 record (1 label + 3072 pixels): the file is truncated or not a CIFAR-10 binary batch");
            }
            records += bytes.length / RECORD;
            contents.add(bytes);
        }
        if (records > Integer.MAX_VALUE / 3072) {
            throw new InputException("too many CIFAR-10 records: " + records);
        }
        int n = (int) records;
        float[] features = new float[n * 3072];
        int[] labels = new int[n];
        int sample = 0;
        for (int f = 0; f < contents.size(); f++) {
            byte[] bytes = contents.get(f);
            for (int offset = 0; offset < bytes.length; offset += RECORD, sample++) {
                int label = bytes[offset] & 0xff;
                if (label > 9) {
                    throw new InputException(files.get(f) + ": label " + label + " of record " + offset / RECORD
                            + " is out of range [0, 10): the file is corrupt or not a CIFAR-10 batch");
                }
                labels[sample] = label;
                for (int i = 0; i < 3072; i++) {
                    int channel = i / 1024;
                    features[sample * 3072 + i] = ((bytes[offset + 1 + i] & 0xff) / 255f - MEAN[channel]) / STD[channel];
                }
            }
        }
        return new DataSplit(Nd4j.create(features, new long[] {n, 3, 32, 32}, 'c'), Nd4j.createFromArray(labels));
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
                            out[base + y * 32 + x] = sy < 0 || sy >= 32 || sx < 0 || sx >= 32 ? 0f : in[base + sy * 32 + sx];
                        }
                    }
                }
            }
            return Nd4j.create(out, batch.shape(), 'c');
        }
    }
}
