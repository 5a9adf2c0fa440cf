package io.hyperprune.plugins.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.hyperprune.api.ComponentOptions;
import io.hyperprune.api.DataRequest;
import io.hyperprune.api.Dataset;
import io.hyperprune.api.InputException;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** CIFAR-10's archive download (MD5-checked, extracted atomically) against a loopback server. */
class CifarDownloadTest {

    static byte[] archive() throws Exception {
        ByteArrayOutputStream tar = new ByteArrayOutputStream();
        List<String> names = new java.util.ArrayList<>(Cifar10Provider.TRAIN);
        names.add(Cifar10Provider.TEST);
        for (String name : names) {
            byte[] content = new byte[2 * Cifar10Provider.RECORD];
            content[0] = 3;
            content[Cifar10Provider.RECORD] = 7;
            byte[] header = new byte[512];
            byte[] path = ("cifar-10-batches-bin/" + name).getBytes(StandardCharsets.US_ASCII);
            System.arraycopy(path, 0, header, 0, path.length);
            byte[] size = String.format("%011o", content.length).getBytes(StandardCharsets.US_ASCII);
            System.arraycopy(size, 0, header, 124, size.length);
            header[156] = '0';
            tar.write(header);
            tar.write(content);
            tar.write(new byte[(512 - content.length % 512) % 512]);
        }
        tar.write(new byte[1024]);
        return IdxFiles.gzip(tar.toByteArray());
    }

    @Test
    void downloadsVerifiesAndExtractsTheArchive(@TempDir Path cache) throws Exception {
        byte[] archive = archive();
        String md5 = HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(archive));
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            exchange.sendResponseHeaders(200, archive.length);
            exchange.getResponseBody().write(archive);
            exchange.close();
        });
        server.start();
        try {
            URI base = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
            DataRequest request =
                    new DataRequest(List.of(), cache, false, List.of(base), 0, ComponentOptions.none("cifar10"));
            assertThatThrownBy(() -> new Cifar10Provider("0".repeat(32), 2).load(request))
                    .isInstanceOf(InputException.class)
                    .hasMessageContaining("MD5")
                    .hasMessageContaining("nothing was stored");
            assertThat(cache.resolve("cifar10/cifar-10-batches-bin")).doesNotExist();
            Dataset data = new Cifar10Provider(md5, 2).load(request);
            assertThat(data.train().size()).isEqualTo(10);
            assertThat(data.test().labels().toIntVector()).containsExactly(3, 7);
            assertThat(Files.list(cache.resolve("cifar10/cifar-10-batches-bin")).count())
                    .isEqualTo(6);
        } finally {
            server.stop(0);
        }
    }
}
