package io.hyperprune.api;

/**
 * A source of a labelled classification data set (METHOD.md, "Given": the sample D of m pairs).
 *
 * <p>A provider finds its files offline first: in the request's search directories (each directory
 * itself and its {@code <id>} sub-directory), then in well-known system locations it knows of, then in
 * the cache; only if nothing is found and {@link DataRequest#offline()} is false may it download into
 * {@link DataRequest#cacheDirectory()}, verifying known checksums and writing atomically. Every
 * problem with the files is an {@link InputException} naming the file, what was expected, what was
 * found and the fix; a provider never returns silently wrong data.
 */
public interface DatasetProvider extends Component {

    /** Where the files are, or why they were not found; never downloads. */
    DataLocation locate(DataRequest request);

    /** Reads, validates and preprocesses the data (downloading it if allowed and needed). */
    Dataset load(DataRequest request);
}
