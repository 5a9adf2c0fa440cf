package io.hyperprune.plugins.datasets;

import io.hyperprune.api.DataRequest;
import io.hyperprune.api.InputException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Finds a data set's files among candidate directories, in order. A directory holding none of the
 * files is skipped; the first holding any of them is where the data set is: problems with what it
 * holds (a directory, a dangling symlink or a symlink loop under a data file's name, a missing file
 * of the set) are errors, never a reason to go on to the next location, the cache or a download,
 * which would give other data than the user pointed at. Only the cache may hold part of a set (the
 * rest is downloaded).
 */
final class FileSearch {

    /** Where a candidate directory comes from: a user-named one must exist. */
    enum Origin {
        USER_ROOT,
        USER,
        SYSTEM,
        CACHE
    }

    record Candidate(Path directory, Origin origin) {}

    /** The directory where files were found: each present file by name, and the names missing. */
    record Hit(Path directory, Origin origin, Map<String, Path> files, List<String> missing) {
        boolean complete() {
            return missing.isEmpty();
        }
    }

    /** The outcome: the hit, if any, and every directory searched (for the "not found" message). */
    record Result(java.util.Optional<Hit> hit, List<Path> searched) {}

    private FileSearch() {}

    /**
     * @param names the file names of the set
     * @param variants the names a file may have on disk (e.g. raw and {@code .gz})
     * @param what e.g. "mnist data file", for messages
     */
    static Result search(
            List<Candidate> candidates, List<String> names, Function<String, List<String>> variants, String what) {
        List<Path> searched = new ArrayList<>();
        for (Candidate candidate : candidates) {
            Path directory = candidate.directory();
            searched.add(directory);
            if (!Files.isDirectory(directory)) {
                boolean exists = Files.exists(directory, LinkOption.NOFOLLOW_LINKS);
                if (candidate.origin() == Origin.USER_ROOT) {
                    throw new InputException("data directory " + directory + " (from --data-dir or $HYPERPRUNE_DATA) "
                            + (exists
                                    ? DataFiles.problem(directory) == null
                                            ? "is a file, not a directory"
                                            : DataFiles.problem(directory)
                                    : "does not exist")
                            + "; point it at the directory holding the data files");
                }
                if (exists && candidate.origin() == Origin.USER) {
                    throw new InputException(directory + " "
                            + (DataFiles.problem(directory) == null ? "is a file" : DataFiles.problem(directory))
                            + ", but it is where the " + what
                            + "s are looked for; make it a directory holding them, or remove it");
                }
                continue;
            }
            Map<String, Path> files = new LinkedHashMap<>();
            List<String> missing = new ArrayList<>();
            for (String name : names) {
                DataFiles.find(directory, variants.apply(name), what)
                        .ifPresentOrElse(p -> files.put(name, p), () -> missing.add(name));
            }
            if (files.isEmpty()) {
                continue;
            }
            if (!missing.isEmpty() && candidate.origin() != Origin.CACHE) {
                throw new InputException(directory + " holds " + String.join(", ", files.keySet()) + " but not "
                        + String.join(", ", missing)
                        + " (" + String.join(" or ", variants.apply("<name>")) + "): a " + what.replace(" file", "")
                        + " set needs all of " + String.join(", ", names) + "; add the missing files");
            }
            return new Result(java.util.Optional.of(new Hit(directory, candidate.origin(), files, missing)), searched);
        }
        return new Result(java.util.Optional.empty(), searched);
    }

    /** The request's directories, each as given (it must exist) and with the sub-directories tried before it. */
    static List<Candidate> userCandidates(DataRequest request, Function<Path, List<Path>> subdirectories) {
        List<Candidate> result = new ArrayList<>();
        for (Path directory : request.searchDirectories()) {
            if (!Files.isDirectory(directory)) {
                // Checked first: a mistyped --data-dir must not fall through to the cache or a download.
                result.add(new Candidate(directory, Origin.USER_ROOT));
                continue;
            }
            // The more specific directory first: DIR/fashion-mnist over MNIST's files of the same names in DIR.
            for (Path sub : subdirectories.apply(directory)) {
                result.add(new Candidate(sub, Origin.USER));
            }
            result.add(new Candidate(directory, Origin.USER_ROOT));
        }
        return result;
    }
}
