package dev.cachet.proxy;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.cachet.storage.MemoryStorage;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The admin listener (health, statistics, Prometheus metrics, purge by URL and by prefix) and the
 * proxy's clean shutdown, over real sockets.
 */
class ProxyAdminIT {
  private static WireMockServer origin;
  private final HttpClient http = HttpClient.newHttpClient();
  private MemoryStorage storage;
  private ReverseProxy proxy;

  @BeforeAll
  static void startOrigin() {
    origin = new WireMockServer(wireMockConfig().bindAddress("127.0.0.1").dynamicPort());
    origin.start();
  }

  @AfterAll
  static void stopOrigin() {
    origin.stop();
  }

  @BeforeEach
  void start() throws IOException {
    origin.resetAll();
    origin.stubFor(
        any(anyUrl())
            .willReturn(aResponse().withHeader("Cache-Control", "max-age=600").withBody("kept")));
    storage = MemoryStorage.newBuilder().maximumBytes(16L << 20).build();
    proxy =
        ReverseProxy.start(
            ProxyOptions.newBuilder(URI.create(origin.baseUrl()))
                .listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .admin(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .cache(ProxyProtocolIT.CACHE)
                .build(),
            storage,
            Clock.systemUTC(),
            line -> {});
  }

  @AfterEach
  void stop() {
    proxy.close();
    storage.close();
  }

  private HttpResponse<String> admin(String method, String path) throws Exception {
    InetSocketAddress a = proxy.adminAddress().orElseThrow();
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + a.getPort() + path))
            .method(method, HttpRequest.BodyPublishers.noBody())
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> through(String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.address().getPort() + path))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void adminListener_isOnLoopback_andOffUnlessAsked() throws Exception {
    assertThat(proxy.adminAddress().orElseThrow().getAddress().isLoopbackAddress()).isTrue();
    ProxyOptions defaults = ProxyOptions.newBuilder(URI.create(origin.baseUrl())).build();
    assertThat(defaults.admin()).isEmpty();
  }

  @Test
  void health_stats_andPrometheusMetrics() throws Exception {
    through("/a");

    HttpResponse<String> health = admin("GET", "/health");
    HttpResponse<String> stats = admin("GET", "/stats");
    HttpResponse<String> metrics = admin("GET", "/metrics");

    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(health.body()).isEqualTo("ok\n");
    assertThat(stats.body()).startsWith("{\"requests\":").contains("\"hitRate\":");
    assertThat(metrics.body()).contains("cachet_proxy_connections");
    if (ProxyProtocolIT.CACHE) {
      assertThat(metrics.body())
          .contains("cachet_requests_total{cache=\"Cachet\",result=\"miss\"}");
    }
    assertThat(admin("GET", "/nothing").statusCode()).isEqualTo(404);
  }

  @Test
  void purgeByUrl_andByPrefix_makeTheNextRequestsGoToTheOrigin() throws Exception {
    assumeTrue(ProxyProtocolIT.CACHE, "purging needs the cache");
    for (String p : new String[] {"/img/a", "/img/b", "/doc"}) {
      through(p);
      assertThat(through(p).headers().firstValue("Cache-Status"))
          .get()
          .asString()
          .startsWith("Cachet; hit");
    }

    HttpResponse<String> byUrl = admin("POST", "/purge?url=/doc");
    HttpResponse<String> byPrefix = admin("POST", "/purge?prefix=/img/");

    assertThat(byUrl.statusCode()).isEqualTo(200);
    assertThat(byPrefix.body()).isEqualTo("{\"purged\":2}\n");
    for (String p : new String[] {"/img/a", "/img/b", "/doc"}) {
      assertThat(through(p).headers().firstValue("Cache-Status"))
          .get()
          .asString()
          .doesNotContain("hit");
      origin.verify(2, getRequestedFor(urlEqualTo(p)));
    }
    assertThat(admin("POST", "/purge").statusCode()).isEqualTo(400);
  }

  @Test
  void close_finishesTheExchangeInFlight_andRefusesNewOnes() throws Exception {
    origin.stubFor(
        any(urlEqualTo("/slow")).willReturn(aResponse().withFixedDelay(1500).withBody("finished")));
    CompletableFuture<HttpResponse<String>> inFlight =
        http.sendAsync(
            HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + proxy.address().getPort() + "/slow"))
                .timeout(Duration.ofSeconds(30))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (origin.getAllServeEvents().isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(10); // until the origin has the request; WireMock offers nothing to wait on
    }

    proxy.close();

    HttpResponse<String> r = inFlight.get(10, TimeUnit.SECONDS);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("finished");
    assertThat(
            HttpClient.newHttpClient()
                .sendAsync(
                    HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + proxy.address().getPort() + "/x"))
                        .build(),
                    HttpResponse.BodyHandlers.ofString()))
        .failsWithin(Duration.ofSeconds(10));
  }
}
