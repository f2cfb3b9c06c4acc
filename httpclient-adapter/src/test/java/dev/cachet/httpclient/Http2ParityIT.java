package dev.cachet.httpclient;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.ok;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cachet.httpclient.ParityIT.Kind;
import dev.cachet.httpclient.ParityIT.View;
import dev.cachet.storage.Storage;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link ParityIT}'s comparison over HTTP/2, as it is used in practice: TLS to WireMock on
 * 127.0.0.1 with ALPN selecting {@code h2} (see {@link Http2IT}). A plain client and a caching one,
 * both at the JDK's default version, see the same miss and the same hit (but hop-by-hop fields,
 * which HTTP/2 has none of anyway), for every {@code BodyHandler} of the JDK, with a body several
 * times the initial HTTP/2 flow-control window.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class Http2ParityIT {
  static TlsOrigin tls;

  @TempDir static Path keys;
  @TempDir Path dir;
  final MutableClock clock = MutableClock.startingNow();
  private final List<AutoCloseable> toClose = new ArrayList<>();

  @BeforeAll
  static void startOrigin() throws Exception {
    tls = TlsOrigin.start(keys);
  }

  @AfterAll
  static void stopOrigin() {
    tls.stop();
  }

  @BeforeEach
  void resetOrigin() {
    tls.server.resetAll();
  }

  @AfterEach
  void closeClients() throws Exception {
    for (AutoCloseable c : toClose) {
      c.close();
    }
  }

  static Stream<Arguments> handlers() {
    return ParityIT.handlers();
  }

  URI uri(String path) {
    return URI.create("https://127.0.0.1:" + tls.server.httpsPort() + path);
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("handlers")
  void everyBodyHandler_missAndHit_overHttp2_lookAsThroughAPlainClient(
      Setup setup, String name, Kind kind) throws Exception {
    String path = "/h2/" + name.replaceAll("[^A-Za-z]", "");
    tls.server.stubFor(
        get(path)
            .willReturn(
                ok(ParityIT.TEXT.repeat(8))
                    .withHeader("Content-Type", "text/plain; charset=utf-8")
                    .withHeader("Content-Disposition", "attachment; filename=\"data.txt\"")
                    .withHeader("Cache-Control", "max-age=60")));
    HttpClient plain = HttpClient.newBuilder().sslContext(tls.trustingContext()).build();
    if (plain instanceof AutoCloseable closeable) {
      toClose.add(closeable); // Java 21 and later
    }
    Storage storage = setup.newStorage(dir);
    CachingHttpClient cached =
        CachingHttpClient.newBuilder()
            .storage(storage)
            .clock(clock)
            .sslContext(tls.trustingContext())
            .build();
    toClose.add(0, cached);
    HttpRequest request = HttpRequest.newBuilder(uri(path)).build();
    Path plainDir = Files.createDirectories(dir.resolve("plain"));
    Path cachedDir = Files.createDirectories(dir.resolve("cached"));

    View plainFirst = kind.exchange(plain, setup, request, plainDir);
    View miss = kind.exchange(cached, setup, request, cachedDir);
    View plainSecond = kind.exchange(plain, setup, request, plainDir);
    View hit = kind.exchange(cached, setup, request, cachedDir);

    assertThat(plainFirst.version()).isEqualTo(HttpClient.Version.HTTP_2);
    assertThat(miss).isEqualTo(plainFirst);
    ParityIT.assertHitLooksLike(hit, plainSecond);
    assertThat(cached.statistics().hits()).as("the second exchange was a hit").isEqualTo(1);
    assertThat(
            tls.server.countRequestsMatching(getRequestedFor(urlEqualTo(path)).build()).getCount())
        .isEqualTo(3);
  }
}
