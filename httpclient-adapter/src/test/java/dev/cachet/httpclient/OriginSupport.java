package dev.cachet.httpclient;

import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.matching.RequestPatternBuilder;
import dev.cachet.storage.Storage;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real WireMock origin on loopback for a test class, reset before each test, and the clients a
 * test builds, closed after it.
 */
abstract class OriginSupport {
  static WireMockServer origin;

  @TempDir Path dir;
  final MutableClock clock = MutableClock.startingNow();
  private final List<AutoCloseable> toClose = new ArrayList<>();

  @BeforeAll
  static void startOrigin() {
    origin = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
    origin.start();
  }

  @AfterAll
  static void stopOrigin() {
    origin.stop();
  }

  @BeforeEach
  void resetOrigin() {
    origin.resetAll();
  }

  @AfterEach
  void closeClients() throws Exception {
    for (AutoCloseable c : toClose) {
      c.close();
    }
  }

  URI uri(String path) {
    return URI.create("http://127.0.0.1:" + origin.port() + path);
  }

  HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(uri(path));
  }

  /** A client on a new storage of the setup's kind, with the test's clock, over HTTP/1.1. */
  CachingHttpClient client(Setup setup) throws IOException {
    return client(setup, b -> {});
  }

  CachingHttpClient client(Setup setup, Consumer<CachingHttpClient.Builder> config)
      throws IOException {
    return client(setup, config, false);
  }

  /**
   * A client for this test. Clients speak HTTP/1.1 to the origin: WireMock's Jetty fails the JDK
   * client's cleartext HTTP/2 upgrade now and then (wiremock/wiremock#2459, #2637). HTTP/2 over TLS
   * has its own tests in {@link Http2IT}.
   */
  CachingHttpClient client(
      Setup setup, Consumer<CachingHttpClient.Builder> config, boolean wrapsAClient)
      throws IOException {
    Storage storage = setup.newStorage(dir);
    toClose.add(storage);
    return client(storage, config, wrapsAClient);
  }

  /** A client over this storage, with the test's clock, over HTTP/1.1; closed after the test. */
  CachingHttpClient clientOver(Storage storage) {
    return client(storage, b -> {}, false);
  }

  private CachingHttpClient client(
      Storage storage, Consumer<CachingHttpClient.Builder> config, boolean wrapsAClient) {
    CachingHttpClient.Builder b = CachingHttpClient.newBuilder().storage(storage).clock(clock);
    if (!wrapsAClient) {
      b.version(HttpClient.Version.HTTP_1_1);
    }
    config.accept(b);
    CachingHttpClient client = b.build();
    toClose.add(0, client);
    return client;
  }

  static int originRequests(RequestPatternBuilder pattern) {
    return origin.countRequestsMatching(pattern.build()).getCount();
  }

  static int originGets(String path) {
    return originRequests(getRequestedFor(urlEqualTo(path)));
  }
}
