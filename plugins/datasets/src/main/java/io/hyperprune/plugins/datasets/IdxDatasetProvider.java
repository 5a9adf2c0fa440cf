package io.hyperprune.plugins.datasets;

import io.hyperprune.api.DataLocation;
import io.hyperprune.api.DataRequest;
import io.hyperprune.api.Dataset;
import io.hyperprune.api.DatasetProvider;
import io.hyperprune.api.InputException;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * MNIST-format data sets (MNIST, Fashion-MNIST): the four IDX files, raw or gzip, found offline first
 * (request directories with the id appended and as is, well-known system directories, the cache; see
 * {@link FileSearch} for why a broken set is an error), downloaded into the cache only if absent
 * everywhere and allowed.
 */
abstract class IdxDatasetProvider implements DatasetProvider {

    static final List<String> FILES = List.of(
            "train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte");

    /** SHA-256 of each file's raw (decompressed) content, of the original data set. */
    abstract Map<String, String> checksums();

    abstract List<URI> defaultMirrors();

    abstract List<Path> systemDirectories();

    /** Option: every file must be the original data set's ('data verify' sets it). */
    static final String STRICT = "strict";

    @Override
    public Map<String, String> options() {
        return Map.of(
                STRICT,
                "true: every file's content must match the original " + id()
                        + "'s SHA-256 (default false: any valid IDX files of this shape are accepted; 'data verify' sets it)");
    }

    @Override
    public DataLocation locate(DataRequest request) {
        FileSearch.Result result = search(request);
        if (result.hit().isPresent() && result.hit().get().complete()) {
            return DataLocation.found(result.hit().get().directory(), "");
        }
        String incomplete = result.hit()
                .map(hit -> "; the cache " + hit.directory() + " lacks " + String.join(", ", hit.missing()))
                .orElse("");
        return DataLocation.missing("no directory with " + String.join(", ", FILES) + " (raw or .gz) among "
                + result.searched() + incomplete + "; use --data-dir, set HYPERPRUNE_DATA, or 'hyperprune data fetch "
                + id() + "'");
    }

    @Override
    public Dataset load(DataRequest request) {
        boolean strict = Boolean.parseBoolean(request.options().getString(STRICT, "false"));
        FileSearch.Result result = search(request);
        Map<String, Path> files;
        Path directory;
        if (result.hit().isPresent() && result.hit().get().complete()) {
            directory = result.hit().get().directory();
            files = result.hit().get().files();
        } else if (request.offline()) {
            throw new InputException(id() + " data not found and --offline forbids downloading: "
                    + locate(request).detail());
        } else {
            directory = request.cacheDirectory().resolve(id());
            List<URI> mirrors = request.mirrors().isEmpty() ? defaultMirrors() : request.mirrors();
            Downloader downloader = new Downloader();
            Map<String, Path> present = result.hit().map(FileSearch.Hit::files).orElse(Map.of());
            files = new LinkedHashMap<>();
            for (String name : FILES) {
                Path file = present.get(name);
                if (file == null) {
                    file = directory.resolve(name);
                    downloader.fetch(mirrors, name + ".gz", file, checksums().get(name));
                }
                files.put(name, file);
            }
        }
        Map<String, String> checksums = new LinkedHashMap<>();
        Map<Path, String> expected = new java.util.HashMap<>();
        for (String name : FILES) {
            Path p = files.get(name);
            checksums.put(p.getFileName().toString(), DataFiles.sha256(p));
            if (strict) {
                expected.put(p, checksums().get(name));
            }
        }
        return new Dataset(
                id(),
                IdxReader.read(files.get(FILES.get(0)), files.get(FILES.get(1)), 28, 28, 10, expected),
                IdxReader.read(files.get(FILES.get(2)), files.get(FILES.get(3)), 28, 28, 10, expected),
                10,
                new long[] {784},
                checksums,
                directory.toString(),
                Optional.empty());
    }

    private FileSearch.Result search(DataRequest request) {
        List<FileSearch.Candidate> candidates =
                new ArrayList<>(FileSearch.userCandidates(request, dir -> List.of(dir.resolve(id()))));
        for (Path system : systemDirectories()) {
            candidates.add(new FileSearch.Candidate(system, FileSearch.Origin.SYSTEM));
        }
        candidates.add(new FileSearch.Candidate(request.cacheDirectory().resolve(id()), FileSearch.Origin.CACHE));
        return FileSearch.search(candidates, FILES, name -> List.of(name, name + ".gz"), id() + " data file");
    }
}
