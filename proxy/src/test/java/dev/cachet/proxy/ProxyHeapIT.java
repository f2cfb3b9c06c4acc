package dev.cachet.proxy;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;

/**
 * SEC-08 on the proxy: the packaged proxy in a JVM of 512 MiB with a 64 MiB memory store, and a
 * hundred clients asking at once for distinct 8 MB bodies. Bodies being stored count against the
 * store's bound, so the heap holds and every client gets its body whole.
 */
class ProxyHeapIT {
  private static final Path JAR = Path.of("target", "cachet-proxy.jar");

  @Test
  void SEC_08_hundredConcurrent8MbMisses_allCompleteInA512MiBProxy() throws Exception {
    byte[] body = new byte[8_000_000];
    new Random(8).nextBytes(body);
    CRC32 expected = new CRC32();
    expected.update(body);
    WireMockServer origin =
        new WireMockServer(
            wireMockConfig().bindAddress("127.0.0.1").dynamicPort().containerThreads(160));
    origin.start();
    origin.stubFor(
        get(urlPathMatching("/big/.*"))
            .willReturn(
                aResponse().withBody(body).withHeader("Cache-Control", "public, max-age=600")));
    Path log = Files.createTempFile("proxy-heap", ".txt");
    List<String> command =
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx512m",
            "-XX:+ExitOnOutOfMemoryError",
            "-jar",
            JAR.toString(),
            "--listen",
            "127.0.0.1:0",
            "--origin",
            origin.baseUrl(),
            "--max-bytes",
            "64m");
    Process proxy =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    try {
      String banner = awaitLine(log, "Cachet proxy on ");
      String base = banner.split(" ")[3];
      HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      List<CompletableFuture<long[]>> all = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        HttpRequest r = HttpRequest.newBuilder(URI.create(base + "/big/" + i)).build();
        all.add(client.sendAsync(r, info -> new Checksum()).thenApply(HttpResponse::body));
      }
      int whole = 0;
      for (CompletableFuture<long[]> f : all) {
        long[] got = f.get(5, TimeUnit.MINUTES);
        if (got[0] == body.length && got[1] == expected.getValue()) {
          whole++;
        }
      }
      String output = Files.readString(log, StandardCharsets.UTF_8);
      assertThat(proxy.isAlive()).as(output).isTrue();
      assertThat(whole).as(output).isEqualTo(100);
    } finally {
      proxy.destroy();
      proxy.waitFor(30, TimeUnit.SECONDS);
      proxy.destroyForcibly();
      origin.stop();
      Files.deleteIfExists(log);
    }
  }

  /** The proxy's banner line, once it is listening. */
  static String awaitBanner(Path log) throws Exception {
    return awaitLine(log, "Cachet proxy on ");
  }

  /** Waits up to 60 s for a line starting with {@code prefix} in the proxy's output. */
  private static String awaitLine(Path file, String prefix) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        if (line.startsWith(prefix)) {
          return line;
        }
      }
      Thread.sleep(50); // polling a child process's output file; there is nothing to wait on
    }
    throw new AssertionError("no line starting with '" + prefix + "' within 60 s");
  }

  /** Counts and checksums a body as it streams; yields {length, crc32}. */
  private static final class Checksum implements HttpResponse.BodySubscriber<long[]> {
    private final CompletableFuture<long[]> result = new CompletableFuture<>();
    private final CRC32 crc = new CRC32();
    private long length;
    private Flow.Subscription subscription;

    @Override
    public CompletionStage<long[]> getBody() {
      return result;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      subscription = s;
      s.request(1);
    }

    @Override
    public void onNext(List<ByteBuffer> items) {
      for (ByteBuffer b : items) {
        length += b.remaining();
        crc.update(b);
      }
      subscription.request(1);
    }

    @Override
    public void onError(Throwable t) {
      result.completeExceptionally(t);
    }

    @Override
    public void onComplete() {
      result.complete(new long[] {length, crc.getValue()});
    }
  }
}
