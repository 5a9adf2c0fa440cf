package io.hyperprune.plugins.datasets;

import io.hyperprune.api.InputException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;

/**
 * Downloads one data file into a cache directory: tries each base URL with retries, gunzips if
 * needed, verifies the SHA-256 of the content, and only then moves it into place (temp file + atomic
 * rename), so the cache never holds a partial or tampered file.
 */
final class Downloader {

    static final int ATTEMPTS_PER_URL = 3;

    private final HttpClient client = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(20))
            .followRedirects(HttpClient.Redirect.NORMAL)
            .build();

    /** Largest file content we store: the largest known file (MNIST's train images) is 47 MB. */
    static final long MAX_CONTENT = 128L << 20;

    /**
     * @param bases base URLs, each ending with or without '/'
     * @param remoteName the file name on the server (e.g. {@code train-images-idx3-ubyte.gz})
     * @param target where the verified content goes
     * @param sha256 expected SHA-256 of the (decompressed) content
     */
    void fetch(List<URI> bases, String remoteName, Path target, String sha256) {
        download(bases, remoteName, (uri, body) -> store(body, uri, target, sha256));
    }

    /** What to do with a downloaded body (a temporary file); a {@link ChecksumException} stops without retrying. */
    @FunctionalInterface
    interface Sink {
        void accept(URI uri, Path body) throws IOException;
    }

    /** Downloads {@code remoteName} from the first base URL that serves it (with retries) into the sink. */
    void download(List<URI> bases, String remoteName, Sink sink) {
        StringBuilder failures = new StringBuilder();
        for (URI base : bases) {
            URI uri = URI.create(base.toString().endsWith("/") ? base + remoteName : base + "/" + remoteName);
            for (int attempt = 1; attempt <= ATTEMPTS_PER_URL; attempt++) {
                Path body = null;
                try {
                    // Streamed to disk, not the heap: an archive is 163 MB.
                    body = Files.createTempFile("hyperprune-download", ".tmp");
                    HttpResponse<Path> response = client.send(
                            HttpRequest.newBuilder(uri)
                                    .timeout(Duration.ofMinutes(5))
                                    .GET()
                                    .build(),
                            HttpResponse.BodyHandlers.ofFile(body));
                    if (response.statusCode() / 100 != 2) {
                        failures.append("\n  ").append(uri).append(": HTTP ").append(response.statusCode());
                        if (response.statusCode() / 100 == 4) {
                            break; // a client error will not change on retry
                        }
                        continue;
                    }
                    sink.accept(uri, body);
                    return;
                } catch (ChecksumException e) {
                    throw new InputException(e.getMessage());
                } catch (IOException e) {
                    failures.append("\n  ").append(uri).append(": ").append(DataFiles.reason(e));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InputException("download of " + uri + " interrupted");
                } finally {
                    deleteQuietly(body);
                }
            }
        }
        throw new InputException("could not download " + remoteName + ":" + failures
                + "\nput the file into the data directory yourself (--data-dir), or pass --mirror <base URL>");
    }

    private static void deleteQuietly(Path file) {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                // a leftover temp file is harmless
            }
        }
    }

    /** Decompresses (if gzip) into a temp file next to the target, bounded and hashed on the way; moves it in only if the sum matches. */
    private static void store(Path body, URI uri, Path target, String sha256) throws IOException {
        Files.createDirectories(target.getParent());
        Path temp = Files.createTempFile(target.getParent(), "." + target.getFileName(), ".part");
        try {
            String actual;
            try (DataFiles.Content content = DataFiles.Content.open(body);
                    var out = Files.newOutputStream(temp)) {
                for (byte[] chunk; (chunk = content.next(1 << 16)).length > 0; ) {
                    out.write(chunk);
                    if (content.position() > MAX_CONTENT) {
                        throw new ChecksumException(
                                "downloaded " + uri + " decompresses to more than " + MAX_CONTENT
                                        + " bytes, more than any file of this data set: nothing was stored. Try another --mirror");
                    }
                }
                actual = content.sha256();
            } catch (InputException e) {
                throw new ChecksumException(
                        "downloaded " + uri + ": " + e.getMessage() + "; nothing was stored. Try another --mirror");
            }
            if (!actual.equals(sha256)) {
                throw new ChecksumException("downloaded " + uri + " has SHA-256 " + actual + ", expected " + sha256
                        + ": the file was altered or is another version; nothing was stored. Try another --mirror");
            }
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /** A verified checksum mismatch: not retried. */
    static final class ChecksumException extends IOException {
        private static final long serialVersionUID = 1L;

        ChecksumException(String message) {
            super(message);
        }
    }
}
