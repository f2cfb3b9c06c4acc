package dev.cachet.proxy;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.cachet.core.CacheKey;
import dev.cachet.core.CacheOptions;
import dev.cachet.storage.MemoryStorage;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The reverse proxy (a shared cache) attacked over real sockets as one client would attack the
 * others: cookies and private responses replayed, errors provoked for everyone, a flood of
 * variants, and a request body that never finishes. Each test asserts what the other clients get.
 */
class ProxySafetyIT {
  private static WireMockServer origin;

  private final SteppedClock clock = new SteppedClock();
  private MemoryStorage storage;
  private ReverseProxy proxy;

  /** A clock the test moves forward. */
  private static final class SteppedClock extends Clock {
    private volatile Instant now = Instant.now();

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  }

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
  void startProxy() throws IOException {
    origin.resetAll();
    storage = MemoryStorage.newBuilder().maximumBytes(64L << 20).build();
    ProxyOptions options =
        ProxyOptions.newBuilder(URI.create(origin.baseUrl()))
            .listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
            .maxBytes(64L << 20)
            .build();
    proxy = ReverseProxy.start(options, storage, clock, line -> {});
  }

  @AfterEach
  void stopProxy() {
    proxy.close();
    storage.close();
  }

  private RawClient client() throws IOException {
    return new RawClient(proxy.address());
  }

  private static String request(String path, String... fields) {
    StringBuilder sb = new StringBuilder("GET " + path + " HTTP/1.1\r\nHost: proxy\r\n");
    for (String f : fields) {
      sb.append(f).append("\r\n");
    }
    return sb.append("\r\n").toString();
  }

  private RawClient.Response fetch(String path, String... fields) throws IOException {
    try (RawClient c = client()) {
      return c.send(request(path, fields)).read();
    }
  }

  @Test
  void O_05_cdnCacheControlIsHonouredBeforeCacheControl() throws IOException {
    origin.stubFor(
        get("/edge")
            .willReturn(
                aResponse()
                    .withHeader("Cache-Control", "no-store")
                    .withHeader("CDN-Cache-Control", "max-age=60")
                    .withBody("edge")));

    fetch("/edge");
    RawClient.Response second = fetch("/edge");

    assertThat(second.header("Cache-Status")).startsWith("Cachet; hit");
    // The origin's fields reach the client as sent: Cache-Control still says no-store to it.
    assertThat(second.header("Cache-Control")).isEqualTo("no-store");
    origin.verify(1, getRequestedFor(urlEqualTo("/edge")));
  }

  @Test
  void SEC_01_a304ThatTurnsPrivate_neverHandsUserCsCookieToUsersDAndE() throws IOException {
    origin.stubFor(
        get("/account")
            .withHeader("If-None-Match", absent())
            .willReturn(
                aResponse()
                    .withHeader("Cache-Control", "public, max-age=1")
                    .withHeader("ETag", "\"v1\"")
                    .withBody("public page")));
    origin.stubFor(
        get("/account")
            .withHeader("If-None-Match", equalTo("\"v1\""))
            .willReturn(
                aResponse()
                    .withStatus(304)
                    .withHeader("ETag", "\"v1\"")
                    .withHeader("Cache-Control", "private, max-age=600")
                    .withHeader("Set-Cookie", "session=C")));
    fetch("/account");
    clock.advance(Duration.ofSeconds(10));

    RawClient.Response c = fetch("/account", "Cookie: user=C");
    RawClient.Response d = fetch("/account", "Cookie: user=D");
    RawClient.Response e = fetch("/account", "Cookie: user=E");

    assertThat(c.headers("Set-Cookie")).containsExactly("session=C");
    for (RawClient.Response later : List.of(d, e)) {
      assertThat(later.headers("Set-Cookie")).doesNotContain("session=C");
      assertThat(later.body()).isEqualTo("public page");
    }
    assertThat(d.header("Cache-Status")).doesNotStartWith("Cachet; hit");
  }

  @Test
  void SEC_02_aCookieA304Brings_isNotStoredWhenThe200NamedItPrivate() throws IOException {
    origin.stubFor(
        get("/named")
            .withHeader("If-None-Match", absent())
            .willReturn(
                aResponse()
                    .withHeader("Cache-Control", "public, max-age=5, private=\"Set-Cookie\"")
                    .withHeader("ETag", "\"v1\"")
                    .withBody("page")));
    origin.stubFor(
        get("/named")
            .withHeader("If-None-Match", equalTo("\"v1\""))
            .willReturn(
                aResponse()
                    .withStatus(304)
                    .withHeader("ETag", "\"v1\"")
                    .withHeader("Set-Cookie", "session=C")));
    fetch("/named");
    clock.advance(Duration.ofSeconds(10));

    RawClient.Response c = fetch("/named");
    RawClient.Response d = fetch("/named");

    assertThat(c.headers("Set-Cookie")).containsExactly("session=C");
    assertThat(d.header("Cache-Status")).startsWith("Cachet; hit");
    assertThat(d.headers("Set-Cookie")).isEmpty();
  }

  @Test
  void SEC_05_aMalformedVary_isNeverServedToAnotherClient() throws IOException {
    origin.stubFor(
        get("/lang")
            .willReturn(
                aResponse()
                    .withHeader("Cache-Control", "max-age=60")
                    .withHeader("Vary", "\"*\"")
                    .withBody("{{request.headers.Accept-Language}}")
                    .withTransformers("response-template")));

    fetch("/lang", "Accept-Language: de");
    RawClient.Response fr = fetch("/lang", "Accept-Language: fr");

    assertThat(fr.body()).isEqualTo("fr");
    assertThat(fr.header("Cache-Status")).doesNotStartWith("Cachet; hit");
  }

  @Test
  void SEC_09_aResponseThatCouldNeverBeReused_doesNotChurnTheCache() throws IOException {
    origin.stubFor(get("/nothing").willReturn(aResponse().withStatus(404).withBody("no")));

    RawClient.Response r = fetch("/nothing");

    assertThat(r.header("Cache-Status")).contains("SEC-09").doesNotContain("stored");
    assertThat(proxy.statistics().stores()).isZero();
  }

  @Test
  void SEC_03_oneUsersSessionCookie_isNeverReplayed() throws IOException {
    origin.stubFor(
        get("/login")
            .willReturn(
                aResponse()
                    .withHeader("Cache-Control", "max-age=60")
                    .withHeader("Set-Cookie", "session=A")
                    .withBody("welcome")));

    RawClient.Response a = fetch("/login");
    RawClient.Response b = fetch("/login");

    assertThat(a.headers("Set-Cookie")).containsExactly("session=A");
    assertThat(b.header("Cache-Status")).doesNotStartWith("Cachet; hit");
    origin.verify(2, getRequestedFor(urlEqualTo("/login")));
  }

  @Test
  void SEC_04_errorsOneClientProvoked_areNeverServedToOthers() throws IOException {
    origin.stubFor(
        get(urlPathEqualTo("/doc"))
            .willReturn(
                aResponse().withHeader("Cache-Control", "max-age=60").withBody("document")));
    origin.stubFor(
        get(urlPathEqualTo("/doc"))
            .withHeader("If-Match", matching(".*"))
            .willReturn(aResponse().withStatus(412).withHeader("Cache-Control", "max-age=60")));
    origin.stubFor(
        get(urlPathEqualTo("/doc"))
            .withHeader("Range", matching(".*"))
            .willReturn(
                aResponse()
                    .withStatus(416)
                    .withHeader("Cache-Control", "max-age=60")
                    .withHeader("Content-Range", "bytes */8")));

    RawClient.Response precondition = fetch("/doc?a", "If-Match: \"nope\"");
    RawClient.Response afterPrecondition = fetch("/doc?a");
    RawClient.Response range = fetch("/doc?b", "Range: bytes=1000-");
    RawClient.Response afterRange = fetch("/doc?b");

    assertThat(precondition.status()).isEqualTo(412);
    assertThat(range.status()).isEqualTo(416);
    for (RawClient.Response r : List.of(afterPrecondition, afterRange)) {
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.body()).isEqualTo("document");
      assertThat(r.header("Cache-Status")).doesNotStartWith("Cachet; hit");
    }
  }

  @Test
  void SEC_06_aFloodOfVariants_staysBoundedAndEveryAnswerIsRight() throws IOException {
    origin.stubFor(
        get("/v")
            .willReturn(
                aResponse()
                    .withHeader("Cache-Control", "max-age=600")
                    .withHeader("Vary", "Accept-Language")
                    .withBody("{{request.headers.Accept-Language}}")
                    .withTransformers("response-template")));
    origin.stubFor(
        get("/other")
            .willReturn(aResponse().withHeader("Cache-Control", "max-age=600").withBody("o")));
    fetch("/other");
    try (RawClient flood = client()) {
      for (int i = 0; i < 5_000; i++) {
        RawClient.Response r = flood.send(request("/v", "Accept-Language: x-" + i)).read();
        assertThat(r.body()).isEqualTo("x-" + i);
      }
    }

    RawClient.Response other = fetch("/other");
    RawClient.Response recent = fetch("/v", "Accept-Language: x-4999");

    assertThat(other.header("Cache-Status")).startsWith("Cachet; hit");
    assertThat(recent.header("Cache-Status")).startsWith("Cachet; hit");
    assertThat(recent.body()).isEqualTo("x-4999");
    assertThat(storage.find(CacheKey.of(URI.create(origin.baseUrl() + "/v"))))
        .hasSizeLessThanOrEqualTo(CacheOptions.DEFAULT_MAXIMUM_VARIANTS_PER_KEY);
  }

  @Test
  void SEC_07_aClientThatNeverFinishesItsBody_delaysNoOtherClient() throws IOException {
    origin.stubFor(
        get("/x").willReturn(aResponse().withHeader("Cache-Control", "max-age=60").withBody("x")));
    try (RawClient stalled = client()) {
      stalled.send("GET /x HTTP/1.1\r\nHost: proxy\r\nContent-Length: 1000\r\n\r\nx");
      List<RawClient.Response> others = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        others.add(fetch("/x"));
      }
      assertThat(others).allSatisfy(r -> assertThat(r.body()).isEqualTo("x"));
      // No one waited behind the stalled request (a follower counts as collapsed even when it
      // goes to the origin itself after its wait).
      assertThat(proxy.statistics().collapsed()).isZero();
      assertThat(others)
          .noneSatisfy(r -> assertThat(r.header("Cache-Status")).contains("collapsed"));
    }
  }
}
