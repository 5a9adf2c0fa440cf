package io.hyperprune.plugins.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.hyperprune.api.InputException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Downloads against a loopback HTTP server started by the test. */
class DownloadTest {

    private HttpServer server;
    private final AtomicInteger requests = new AtomicInteger();
    private final byte[] content = IdxFiles.labels(100, 3);

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/good/", exchange -> {
            requests.incrementAndGet();
            byte[] body = IdxFiles.gzip(content);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.createContext("/tampered/", exchange -> {
            byte[] body = content.clone();
            body[20] ^= 1;
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.createContext("/broken/", exchange -> {
            requests.incrementAndGet();
            exchange.sendResponseHeaders(500, -1);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private URI base(String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/" + path + "/");
    }

    @Test
    void aGoodDownloadIsVerifiedDecompressedAndStored(@TempDir Path cache) throws Exception {
        Path target = cache.resolve("mnist/train-labels-idx1-ubyte");
        new Downloader().fetch(List.of(base("good")), "train-labels-idx1-ubyte.gz", target, DataFiles.sha256(content));
        assertThat(Files.readAllBytes(target)).isEqualTo(content);
        try (var files = Files.list(target.getParent())) {
            assertThat(files.toList()).containsExactly(target);
        }
    }

    @Test
    void aTamperedFileFailsTheChecksumAndLeavesNothing(@TempDir Path cache) throws Exception {
        Path target = cache.resolve("mnist/train-labels-idx1-ubyte");
        assertThatThrownBy(() ->
                        new Downloader().fetch(List.of(base("tampered")), "x.gz", target, DataFiles.sha256(content)))
                .isInstanceOf(InputException.class)
                .hasMessageContaining("SHA-256")
                .hasMessageContaining("nothing was stored");
        assertThat(target).doesNotExist();
        if (Files.exists(target.getParent())) {
            try (var files = Files.list(target.getParent())) {
                assertThat(files.toList()).isEmpty();
            }
        }
    }

    @Test
    void anUnreachableServerIsNamedWithTheCauseNeverNull(@TempDir Path cache) throws Exception {
        int port;
        try (java.net.ServerSocket closed =
                new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            port = closed.getLocalPort(); // nobody listens once it is closed: connections are refused
        }
        URI base = URI.create("http://127.0.0.1:" + port + "/mnist/");
        assertThatThrownBy(() ->
                        new Downloader().fetch(List.of(base), "x.gz", cache.resolve("x"), DataFiles.sha256(content)))
                .isInstanceOf(InputException.class)
                .hasMessageContaining("http://127.0.0.1:" + port + "/mnist/x.gz: ConnectException")
                .hasMessageNotContaining("null");
    }

    @Test
    void aServerErrorIsRetriedThenTheNextMirrorIsUsed(@TempDir Path cache) throws Exception {
        Path target = cache.resolve("mnist/labels");
        assertThatThrownBy(() ->
                        new Downloader().fetch(List.of(base("broken")), "x.gz", target, DataFiles.sha256(content)))
                .isInstanceOf(InputException.class)
                .hasMessageContaining("HTTP 500")
                .hasMessageContaining("--mirror");
        assertThat(requests.get()).isEqualTo(Downloader.ATTEMPTS_PER_URL);
        new Downloader().fetch(List.of(base("broken"), base("good")), "x.gz", target, DataFiles.sha256(content));
        assertThat(Files.readAllBytes(target)).isEqualTo(content);
    }
}
