package io.hyperprune.plugins.datasets;

import io.hyperprune.api.DataLocation;
import io.hyperprune.api.DataRequest;
import io.hyperprune.api.Dataset;
import io.hyperprune.api.DatasetProvider;
import io.hyperprune.api.InputException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * MNIST-format data sets (MNIST, Fashion-MNIST): the four IDX files, raw or gzip, found offline first
 * (request directories as is and with the id appended, well-known system directories, the cache),
 * downloaded into the cache only if absent and allowed.
 */
abstract class IdxDatasetProvider implements DatasetProvider {

    static final List<String> FILES = List.of("train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte",
            "t10k-labels-idx1-ubyte");

    /** SHA-256 of each file's raw (decompressed) content. */
    abstract Map<String, String> checksums();

    abstract List<URI> defaultMirrors();

    abstract List<Path> systemDirectories();

    @Override
    public DataLocation locate(DataRequest request) {
        List<Path> searched = new ArrayList<>();
        for (Path directory : candidates(request)) {
            searched.add(directory);
            if (FILES.stream().allMatch(name -> file(directory, name).isPresent())) {
                return DataLocation.found(directory, "");
            }
        }
        return DataLocation.missing("no directory with " + String.join(", ", FILES) + " (raw or .gz) among " + searched
                + "; use --data-dir, set HYPERPRUNE_DATA, or 'hyperprune data fetch " + id() + "'");
    }

    @Override
    public Dataset load(DataRequest request) {
        DataLocation location = locate(request);
        Path directory;
        if (location.isFound()) {
            directory = location.directory().get();
        } else if (request.offline()) {
            throw new InputException(id() + " data not found and --offline forbids downloading: " + location.detail());
        } else {
            directory = request.cacheDirectory().resolve(id());
            List<URI> mirrors = request.mirrors().isEmpty() ? defaultMirrors() : request.mirrors();
            Downloader downloader = new Downloader();
            for (String name : FILES) {
                if (file(directory, name).isEmpty()) {
                    downloader.fetch(mirrors, name + ".gz", directory.resolve(name), checksums().get(name));
                }
            }
        }
        Path trainImages = file(directory, FILES.get(0)).orElseThrow();
        Path trainLabels = file(directory, FILES.get(1)).orElseThrow();
        Path testImages = file(directory, FILES.get(2)).orElseThrow();
        Path testLabels = file(directory, FILES.get(3)).orElseThrow();
        Map<String, String> checksums = new LinkedHashMap<>();
        for (Path p : List.of(trainImages, trainLabels, testImages, testLabels)) {
            checksums.put(p.getFileName().toString(), DataFiles.sha256(p));
        }
        return new Dataset(id(), IdxReader.read(trainImages, trainLabels, 28, 28, 10), IdxReader.read(testImages, testLabels, 28, 28, 10),
                10, new long[] {784}, checksums, directory.toString(), Optional.empty());
    }

    private List<Path> candidates(DataRequest request) {
        List<Path> result = new ArrayList<>();
        for (Path directory : request.searchDirectories()) {
            result.add(directory);
            result.add(directory.resolve(id()));
        }
        result.addAll(systemDirectories());
        result.add(request.cacheDirectory().resolve(id()));
        return result;
    }

    /** The file, raw or with .gz appended. */
    static Optional<Path> file(Path directory, String name) {
        for (String candidate : List.of(name, name + ".gz")) {
            Path p = directory.resolve(candidate);
            if (Files.isRegularFile(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }
}
