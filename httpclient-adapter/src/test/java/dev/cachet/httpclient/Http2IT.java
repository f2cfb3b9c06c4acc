package dev.cachet.httpclient;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.ok;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.matching.RequestPatternBuilder;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.cachet.storage.Storage;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * HTTP/2 through the cache: a real TLS connection to WireMock on 127.0.0.1 where ALPN (RFC 7301)
 * selects {@code h2}, with a client that trusts only the origin's own certificate and verifies its
 * host name. Every scenario runs in each {@link Setup}. Bodies are several times the HTTP/2 initial
 * flow-control window (65,535 bytes, RFC 9113 §6.9.2), so a subscriber that stops asking for data
 * would stall the stream; the timeout turns such a stall into a failure.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class Http2IT {
  static final String SETUPS = "dev.cachet.httpclient.Setup#all";

  /** About 290 KB of lines: more than four initial HTTP/2 windows. */
  static final String BODY =
      Stream.iterate(0, i -> i + 1)
          .limit(30_000)
          .map(i -> "line " + i)
          .collect(Collectors.joining("\n"));

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

  /** A caching client asking for HTTP/2, trusting only the origin's certificate. */
  CachingHttpClient client(Setup setup) throws Exception {
    Storage storage = setup.newStorage(dir);
    toClose.add(storage);
    CachingHttpClient client =
        CachingHttpClient.newBuilder()
            .storage(storage)
            .clock(clock)
            .sslContext(tls.trustingContext())
            .version(HttpClient.Version.HTTP_2)
            .build();
    toClose.add(0, client);
    return client;
  }

  URI uri(String path) {
    return URI.create("https://127.0.0.1:" + tls.server.httpsPort() + path);
  }

  HttpRequest getOf(String path) {
    return HttpRequest.newBuilder(uri(path)).build();
  }

  static String cacheStatus(HttpResponse<?> r) {
    return r.headers().firstValue("Cache-Status").orElseThrow();
  }

  static int originRequests(RequestPatternBuilder pattern) {
    return tls.server.countRequestsMatching(pattern.build()).getCount();
  }

  /** The protocol of every request WireMock received, as Jetty names it. */
  static List<String> originProtocols() {
    return tls.server.getAllServeEvents().stream()
        .map(e -> e.getRequest())
        .map(LoggedRequest::getProtocol)
        .distinct()
        .collect(Collectors.toList());
  }

  static String read(InputStream in) throws Exception {
    try (InputStream i = in) {
      return new String(i.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(SETUPS)
  void freshResponse_overHttp2_isStoredThenServedFromCache(Setup setup) throws Exception {
    tls.server.stubFor(
        get("/fresh").willReturn(ok(BODY).withHeader("Cache-Control", "max-age=60")));
    CachingHttpClient client = client(setup);

    HttpResponse<String> miss = setup.send(client, getOf("/fresh"), BodyHandlers.ofString());
    clock.advanceSeconds(5);
    HttpResponse<String> hit = setup.send(client, getOf("/fresh"), BodyHandlers.ofString());

    assertThat(miss.version()).isEqualTo(HttpClient.Version.HTTP_2);
    assertThat(miss.sslSession()).isPresent();
    assertThat(miss.body()).isEqualTo(BODY);
    assertThat(cacheStatus(miss)).isEqualTo("Cachet; fwd=uri-miss; fwd-status=200; stored; ttl=60");
    assertThat(hit.statusCode()).isEqualTo(200);
    assertThat(hit.body()).isEqualTo(BODY);
    assertThat(cacheStatus(hit)).isEqualTo("Cachet; hit; ttl=55");
    assertThat(originRequests(getRequestedFor(urlEqualTo("/fresh")))).isEqualTo(1);
    assertThat(originProtocols()).containsExactly("HTTP/2.0");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(SETUPS)
  void V_01_V_02_revalidationOverHttp2_304_servesStoredBodyAs200(Setup setup) throws Exception {
    tls.server.stubFor(
        get("/etag")
            .willReturn(
                ok(BODY).withHeader("Cache-Control", "max-age=0").withHeader("ETag", "\"v1\"")));
    tls.server.stubFor(
        get("/etag")
            .withHeader("If-None-Match", equalTo("\"v1\""))
            .atPriority(1)
            .willReturn(
                aResponse()
                    .withStatus(304)
                    .withHeader("Cache-Control", "max-age=0")
                    .withHeader("ETag", "\"v1\"")));
    CachingHttpClient client = client(setup);

    HttpResponse<String> miss = setup.send(client, getOf("/etag"), BodyHandlers.ofString());
    clock.advanceSeconds(1);
    HttpResponse<String> revalidated = setup.send(client, getOf("/etag"), BodyHandlers.ofString());

    assertThat(miss.version()).isEqualTo(HttpClient.Version.HTTP_2);
    assertThat(cacheStatus(miss)).contains("stored");
    assertThat(revalidated.statusCode()).isEqualTo(200);
    assertThat(revalidated.body()).isEqualTo(BODY);
    assertThat(revalidated.version()).isEqualTo(HttpClient.Version.HTTP_2);
    assertThat(cacheStatus(revalidated)).startsWith("Cachet; fwd=stale; fwd-status=304");
    assertThat(
            originRequests(
                getRequestedFor(urlEqualTo("/etag"))
                    .withHeader("If-None-Match", equalTo("\"v1\""))))
        .isEqualTo(1);
    assertThat(originRequests(getRequestedFor(urlEqualTo("/etag")))).isEqualTo(2);
    assertThat(client.statistics().notModified()).isEqualTo(1);
    assertThat(originProtocols()).containsExactly("HTTP/2.0");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(SETUPS)
  void R4_03_I_01_postOverHttp2_isWrittenThrough_andInvalidatesTheStoredGet(Setup setup)
      throws Exception {
    tls.server.stubFor(get("/item").willReturn(ok(BODY).withHeader("Cache-Control", "max-age=60")));
    tls.server.stubFor(post("/item").willReturn(ok("updated")));
    CachingHttpClient client = client(setup);

    setup.send(client, getOf("/item"), BodyHandlers.ofString());
    HttpResponse<String> hit = setup.send(client, getOf("/item"), BodyHandlers.ofString());
    HttpResponse<String> posted =
        setup.send(
            client,
            HttpRequest.newBuilder(uri("/item")).POST(BodyPublishers.ofString("new")).build(),
            BodyHandlers.ofString());
    HttpResponse<String> after = setup.send(client, getOf("/item"), BodyHandlers.ofString());

    assertThat(cacheStatus(hit)).startsWith("Cachet; hit");
    assertThat(posted.statusCode()).isEqualTo(200);
    assertThat(posted.version()).isEqualTo(HttpClient.Version.HTTP_2);
    assertThat(posted.body()).isEqualTo("updated");
    assertThat(after.body()).isEqualTo(BODY);
    assertThat(cacheStatus(after)).startsWith("Cachet; fwd=uri-miss; fwd-status=200; stored");
    assertThat(
            originRequests(postRequestedFor(urlEqualTo("/item")).withRequestBody(equalTo("new"))))
        .isEqualTo(1);
    assertThat(originRequests(getRequestedFor(urlEqualTo("/item")))).isEqualTo(2);
    assertThat(originProtocols()).containsExactly("HTTP/2.0");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(SETUPS)
  void inputStreamOverHttp2_onMissAndHit_readsTheWholeBody(Setup setup) throws Exception {
    tls.server.stubFor(
        get("/stream").willReturn(ok(BODY).withHeader("Cache-Control", "max-age=60")));
    CachingHttpClient client = client(setup);

    HttpResponse<InputStream> miss =
        setup.send(client, getOf("/stream"), BodyHandlers.ofInputStream());
    String missBody = read(miss.body());
    HttpResponse<InputStream> hit =
        setup.send(client, getOf("/stream"), BodyHandlers.ofInputStream());
    String hitBody = read(hit.body());

    assertThat(miss.version()).isEqualTo(HttpClient.Version.HTTP_2);
    assertThat(missBody).isEqualTo(BODY);
    // Stored only because the streamed body arrived whole and matched its Content-Length.
    assertThat(cacheStatus(miss)).contains("stored");
    assertThat(cacheStatus(hit)).startsWith("Cachet; hit");
    assertThat(hitBody).isEqualTo(BODY);
    assertThat(originRequests(getRequestedFor(urlEqualTo("/stream")))).isEqualTo(1);
    assertThat(client.statistics().stores()).isEqualTo(1);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(SETUPS)
  void linesOverHttp2_onMissAndHit_readsEveryLine(Setup setup) throws Exception {
    tls.server.stubFor(
        get("/lines").willReturn(ok(BODY).withHeader("Cache-Control", "max-age=60")));
    CachingHttpClient client = client(setup);

    HttpResponse<Stream<String>> miss = setup.send(client, getOf("/lines"), BodyHandlers.ofLines());
    List<String> missLines;
    try (Stream<String> lines = miss.body()) {
      missLines = lines.collect(Collectors.toList());
    }
    HttpResponse<Stream<String>> hit = setup.send(client, getOf("/lines"), BodyHandlers.ofLines());
    List<String> hitLines;
    try (Stream<String> lines = hit.body()) {
      hitLines = lines.collect(Collectors.toList());
    }

    assertThat(miss.version()).isEqualTo(HttpClient.Version.HTTP_2);
    assertThat(missLines).hasSize(30_000).startsWith("line 0").endsWith("line 29999");
    assertThat(hitLines).isEqualTo(missLines);
    assertThat(cacheStatus(hit)).startsWith("Cachet; hit");
    assertThat(originRequests(getRequestedFor(urlEqualTo("/lines")))).isEqualTo(1);
  }

  /**
   * A hit reports the version its stored response arrived in (here HTTP/2), as a plain client's
   * response to that exchange did, whatever version the hit's own request asks for: nothing is
   * negotiated for a hit.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource(SETUPS)
  void hitVersion_isTheVersionTheStoredResponseArrivedIn(Setup setup) throws Exception {
    tls.server.stubFor(
        get("/version").willReturn(ok("v").withHeader("Cache-Control", "max-age=60")));
    CachingHttpClient client = client(setup);

    HttpResponse<String> miss = setup.send(client, getOf("/version"), BodyHandlers.ofString());
    HttpResponse<String> hit = setup.send(client, getOf("/version"), BodyHandlers.ofString());
    HttpResponse<String> hitAsked11 =
        setup.send(
            client,
            HttpRequest.newBuilder(uri("/version")).version(HttpClient.Version.HTTP_1_1).build(),
            BodyHandlers.ofString());

    assertThat(miss.version()).isEqualTo(HttpClient.Version.HTTP_2);
    assertThat(cacheStatus(hit)).startsWith("Cachet; hit");
    assertThat(hit.version()).isEqualTo(HttpClient.Version.HTTP_2);
    assertThat(hit.sslSession()).isEmpty();
    assertThat(cacheStatus(hitAsked11)).startsWith("Cachet; hit");
    assertThat(hitAsked11.version()).isEqualTo(HttpClient.Version.HTTP_2);
    assertThat(originRequests(getRequestedFor(urlEqualTo("/version")))).isEqualTo(1);
  }

  /** sendAsync with a push-promise handler still goes over HTTP/2 and is cached. */
  @ParameterizedTest(name = "{0}")
  @EnumSource(Storages.Kind.class)
  void sendAsyncWithPushPromiseHandler_overHttp2_isCached(Storages.Kind storage) throws Exception {
    Setup setup = new Setup(storage, true);
    tls.server.stubFor(get("/push").willReturn(ok(BODY).withHeader("Cache-Control", "max-age=60")));
    CachingHttpClient client = client(setup);
    List<HttpRequest> promised = new ArrayList<>();
    HttpResponse.PushPromiseHandler<String> push =
        (initiating, pushed, acceptor) -> promised.add(pushed);

    HttpResponse<String> miss =
        client.sendAsync(getOf("/push"), BodyHandlers.ofString(), push).get(20, TimeUnit.SECONDS);
    HttpResponse<String> hit =
        client.sendAsync(getOf("/push"), BodyHandlers.ofString(), push).get(20, TimeUnit.SECONDS);

    assertThat(miss.version()).isEqualTo(HttpClient.Version.HTTP_2);
    assertThat(miss.body()).isEqualTo(BODY);
    assertThat(hit.body()).isEqualTo(BODY);
    assertThat(cacheStatus(hit)).startsWith("Cachet; hit");
    // WireMock pushes nothing; the handler is there to take the JDK's push-enabled path.
    assertThat(promised).isEmpty();
    assertThat(originRequests(getRequestedFor(urlEqualTo("/push")))).isEqualTo(1);
  }
}
