package dev.cachet.proxy;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.cachet.storage.MemoryStorage;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Clock;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What the proxy adds as a proxy, over real sockets on 127.0.0.1: the request target kept inside
 * the origin's prefix, hop-by-hop fields, {@code Via} and forwarding fields, the origin's {@code
 * Date} and reason phrase, interim responses, pipelining, limits on the request head, and the
 * origin's malformed responses.
 */
class ProxyProtocolIT {
  /** Set {@code -Dcachet.proxy.it.cache=false} to run these with the cache off. */
  static final boolean CACHE =
      Boolean.parseBoolean(System.getProperty("cachet.proxy.it.cache", "true"));

  private static WireMockServer origin;
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
    origin.stubFor(any(anyUrl()).willReturn(aResponse().withBody("from the origin")));
    proxy = start(origin.baseUrl() + "/app", b -> b);
  }

  private ReverseProxy start(String originUrl, UnaryOperator<ProxyOptions.Builder> more)
      throws IOException {
    storage = MemoryStorage.newBuilder().maximumBytes(16L << 20).build();
    return ReverseProxy.start(
        more.apply(
                ProxyOptions.newBuilder(URI.create(originUrl))
                    .listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                    .cache(CACHE))
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

  private RawClient.Response fetch(String raw) throws IOException {
    try (RawClient c = new RawClient(proxy.address())) {
      return c.send(raw).read();
    }
  }

  private static String req(String target, String... fields) {
    return "GET " + target + " HTTP/1.1\r\nHost: proxy\r\n" + String.join("", fields) + "\r\n";
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "/../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2E%2e/secret.txt",
        "/a/../../secret.txt",
        "/a/%2e%2e/%2e%2e/secret.txt",
        "/./.././secret.txt",
        "http://proxy/../secret.txt"
      })
  void targetsThatClimb_neverLeaveTheOriginPrefix(String target) throws IOException {
    RawClient.Response r = fetch(req(target));

    assertThat(r.status()).isIn(200, 400);
    List<LoggedRequest> seen = origin.findAll(getRequestedFor(urlPathMatching(".*")));
    assertThat(seen).allSatisfy(req -> assertThat(req.getUrl()).startsWith("/app/"));
    assertThat(seen).noneSatisfy(req -> assertThat(req.getUrl()).contains(".."));
  }

  @Test
  void dotSegments_areRemovedBeforeForwarding() throws IOException {
    fetch(req("/a/./b/../c/%7Euser?q=%2e"));

    origin.verify(getRequestedFor(urlEqualTo("/app/a/c/~user?q=%2e")));
  }

  @ParameterizedTest
  @ValueSource(strings = {"/%zz", "/a%2fb", "/a%5cb", "/%00", "/x#frag", "nothing", "/a\\b"})
  void invalidTargets_are400_andNeverReachTheOrigin(String target) throws IOException {
    RawClient.Response r = fetch(req(target));

    assertThat(r.status()).isEqualTo(400);
    assertThat(r.header("Cache-Status")).startsWith("Cachet;");
    assertThat(origin.getAllServeEvents()).isEmpty();
  }

  @Test
  void hopByHopFields_areNotForwarded_andViaAndXForwardedAreAdded() throws IOException {
    RawClient.Response r =
        fetch(
            req(
                "/hop",
                "Connection: X-Secret, keep-alive\r\n",
                "X-Secret: 1\r\n",
                "Keep-Alive: timeout=5\r\n",
                "Proxy-Authorization: Basic eDp5\r\n",
                "TE: trailers\r\n",
                "X-Forwarded-For: 10.9.8.7\r\n",
                "X-End-To-End: kept\r\n"));

    assertThat(r.header("Via")).endsWith("1.1 cachet");
    origin.verify(
        getRequestedFor(urlEqualTo("/app/hop"))
            .withHeader("X-End-To-End", equalTo("kept"))
            .withHeader("X-Secret", absent())
            .withHeader("Keep-Alive", absent())
            .withHeader("Proxy-Authorization", absent())
            .withHeader("TE", absent())
            .withHeader("Via", equalTo("1.1 cachet"))
            .withHeader("X-Forwarded-For", equalTo("10.9.8.7, 127.0.0.1"))
            .withHeader("X-Forwarded-Proto", equalTo("http"))
            .withHeader("X-Forwarded-Host", equalTo("proxy")));
  }

  @Test
  void forwardedStyle_sendsRfc7239Forwarded() throws IOException {
    proxy.close();
    proxy = start(origin.baseUrl(), b -> b.forwarded(ProxyOptions.ForwardedStyle.FORWARDED));

    fetch(req("/fwd"));

    origin.verify(
        getRequestedFor(urlEqualTo("/fwd"))
            .withHeader("Forwarded", equalTo("for=127.0.0.1;proto=http;host=\"proxy\""))
            .withHeader("X-Forwarded-For", absent()));
  }

  @Test
  void pipelinedRequests_areAnsweredInOrder() throws IOException {
    origin.stubFor(
        get(urlPathMatching("/app/p/.*"))
            .willReturn(
                aResponse().withBody("{{request.path}}").withTransformers("response-template")));
    try (RawClient c = new RawClient(proxy.address())) {
      c.send(req("/p/1") + req("/p/2") + req("/p/3"));
      assertThat(c.read().body()).isEqualTo("/app/p/1");
      assertThat(c.read().body()).isEqualTo("/app/p/2");
      assertThat(c.read().body()).isEqualTo("/app/p/3");
    }
  }

  @Test
  void theOriginsDateAndReasonPhrase_passThrough() throws IOException {
    String date = "Sun, 06 Nov 1994 08:49:37 GMT";
    try (RawOrigin raw =
        new RawOrigin(
            head ->
                "HTTP/1.1 200 Splendidly Done\r\nDate: "
                    + date
                    + "\r\nCache-Control: no-store\r\nContent-Length: 2\r\nConnection: close"
                    + "\r\n\r\nok")) {
      proxy.close();
      proxy = start(raw.baseUrl(), b -> b);
      try (RawClient c = new RawClient(proxy.address())) {
        c.send(req("/dated"));
        String statusLine = c.statusLine();
        RawClient.Response r = c.readAfterStatusLine(statusLine, false);
        assertThat(statusLine).isEqualTo("HTTP/1.1 200 Splendidly Done");
        assertThat(r.headers("Date")).containsExactly(date);
        assertThat(r.body()).isEqualTo("ok");
      }
    }
  }

  @Test
  void RP_03_aStoredResponse_isServedWithTheOriginsReasonPhrase() throws IOException {
    try (RawOrigin raw =
        new RawOrigin(
            head ->
                "HTTP/1.1 200 Splendidly Done\r\nCache-Control: max-age=60\r\nETag: \"r1\"\r\n"
                    + "Content-Length: 2\r\nConnection: close\r\n\r\nok")) {
      proxy.close();
      proxy = start(raw.baseUrl(), b -> b);
      try (RawClient c = new RawClient(proxy.address())) {
        c.send(req("/reasoned"));
        String missLine = c.statusLine();
        RawClient.Response miss = c.readAfterStatusLine(missLine, false);
        c.send(req("/reasoned"));
        String hitLine = c.statusLine();
        RawClient.Response hit = c.readAfterStatusLine(hitLine, false);
        c.send("GET /reasoned HTTP/1.1\r\nHost: h\r\nIf-None-Match: \"r1\"\r\n\r\n");
        String notModifiedLine = c.statusLine();
        c.readAfterStatusLine(notModifiedLine, true);

        assertThat(missLine).isEqualTo("HTTP/1.1 200 Splendidly Done");
        assertThat(miss.header("Cache-Status")).contains("stored");
        assertThat(hitLine).isEqualTo("HTTP/1.1 200 Splendidly Done");
        assertThat(hit.header("Cache-Status")).contains("hit");
        assertThat(hit.body()).isEqualTo("ok");
        // The stored reason belongs to the stored status: a 304 made from it has its own.
        assertThat(notModifiedLine).isEqualTo("HTTP/1.1 304 Not Modified");
      }
      assertThat(raw.heads()).hasSize(1);
    }
  }

  @Test
  void interimResponses_areForwarded_beforeTheFinalResponse() throws IOException {
    try (RawOrigin raw =
        new RawOrigin(
            head ->
                "HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\n"
                    + "HTTP/1.1 102 Processing\r\n\r\n<pause>"
                    + "HTTP/1.1 200 OK\r\nCache-Control: max-age=60\r\nContent-Length: 5\r\n"
                    + "Connection: close\r\n\r\nhello")) {
      proxy.close();
      proxy = start(raw.baseUrl(), b -> b);
      try (RawClient c = new RawClient(proxy.address())) {
        c.send(req("/hints"));
        RawClient.Response early = c.read();
        RawClient.Response processing = c.read();
        RawClient.Response last = c.read();
        assertThat(early.status()).isEqualTo(103);
        assertThat(early.header("Link")).isEqualTo("</style.css>; rel=preload");
        assertThat(processing.status()).isEqualTo(102);
        assertThat(last.status()).isEqualTo(200);
        assertThat(last.body()).isEqualTo("hello");
        if (CACHE) {
          // The stored response is the final one: a hit has no interim response before it.
          RawClient.Response hit = c.send(req("/hints")).read();
          assertThat(hit.status()).isEqualTo(200);
          assertThat(hit.header("Cache-Status")).startsWith("Cachet; hit");
        }
      }
    }
  }

  @Test
  void expect100Continue_goesToTheOrigin_andItsContinueComesBack() throws IOException {
    try (RawOrigin raw =
        new RawOrigin(
            head ->
                head.contains("Expect: 100-continue")
                    ? "HTTP/1.1 100 Continue\r\n\r\n<pause>HTTP/1.1 201 Created\r\n"
                        + "Content-Length: 2\r\nConnection: close\r\n\r\nok"
                    : "HTTP/1.1 417 Expectation Failed\r\nContent-Length: 0\r\n\r\n")) {
      proxy.close();
      proxy = start(raw.baseUrl(), b -> b);
      try (RawClient c = new RawClient(proxy.address())) {
        c.send(
            "POST /upload HTTP/1.1\r\nHost: proxy\r\nContent-Length: 5\r\n"
                + "Expect: 100-continue\r\n\r\n");
        RawClient.Response go = c.read();
        c.send("hello");
        RawClient.Response done = c.read();

        assertThat(go.status()).isEqualTo(100);
        assertThat(done.status()).isEqualTo(201);
        assertThat(done.body()).isEqualTo("ok");
      }
    }
  }

  @Test
  void anOriginTooSlowToAnswer_is504_withCacheStatus() throws IOException {
    origin.stubFor(
        any(urlPathMatching("/app/slow"))
            .willReturn(aResponse().withFixedDelay(3000).withBody("late")));
    proxy.close();
    proxy =
        start(origin.baseUrl() + "/app", b -> b.originTimeout(java.time.Duration.ofMillis(500)));

    RawClient.Response r = fetch(req("/slow"));

    assertThat(r.status()).isEqualTo(504);
    assertThat(r.header("Cache-Status")).startsWith("Cachet; fwd=");
  }

  @Test
  void duplicateContentLengthFromTheOrigin_is502() throws IOException {
    try (RawOrigin raw =
        new RawOrigin(
            head ->
                "HTTP/1.1 200 OK\r\nCache-Control: max-age=60\r\nContent-Length: 5\r\n"
                    + "Content-Length: 7\r\nConnection: close\r\n\r\nhello!!")) {
      proxy.close();
      proxy = start(raw.baseUrl(), b -> b);
      RawClient.Response r = fetch(req("/twice"));

      assertThat(r.status()).isEqualTo(502);
      assertThat(r.header("Cache-Status")).startsWith("Cachet; fwd=");
    }
  }

  @Test
  void aBodyTheOriginCutsShort_reachesTheClientIncomplete_andIsNeverStored() throws IOException {
    try (RawOrigin raw =
        new RawOrigin(
            head ->
                "HTTP/1.1 200 OK\r\nCache-Control: max-age=60\r\nContent-Length: 100\r\n"
                    + "Connection: close\r\n\r\nonly part of it")) {
      proxy.close();
      proxy = start(raw.baseUrl(), b -> b);
      for (int i = 0; i < 2; i++) {
        try (RawClient c = new RawClient(proxy.address())) {
          c.send(req("/cut"));
          assertThat(c.readHeadOnly().status()).isEqualTo(200);
          assertThat(c.drain()).isLessThan(100);
        }
      }
      assertThat(raw.heads()).hasSize(2);
      assertThat(proxy.statistics().stores()).isZero();
    }
  }

  @Test
  void aLongRequestLine_is414_andTooManyOrTooLargeFields_are431() throws IOException {
    assertThat(fetch(req("/" + "a".repeat(9000))).status()).isEqualTo(414);
    assertThat(fetch(req("/x", "X-A: 1\r\n".repeat(150))).status()).isEqualTo(431);
    assertThat(fetch(req("/x", "X-A: " + "a".repeat(20_000) + "\r\n")).status()).isEqualTo(431);
    assertThat(origin.getAllServeEvents()).isEmpty();
  }

  /**
   * RP-12, RFC 9112 §6.3: a request with both {@code Content-Length} and {@code Transfer-Encoding}
   * is the shape of request smuggling; the proxy refuses it (which §6.3 allows) and closes the
   * connection (which it requires), so the bytes after it are never read as another request.
   */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "Content-Length: 44\r\nTransfer-Encoding: chunked\r\n",
        "Transfer-Encoding: chunked\r\nContent-Length: 44\r\n",
        "Content-Length: 44\r\nTransfer-Encoding: gzip, chunked\r\n",
        "Transfer-Encoding: chunked\r\nContent-Length: 5\r\nContent-Length: 5\r\n"
      })
  void RP_12_aRequestWithBothContentLengthAndTransferEncoding_is400_andClosesTheConnection(
      String framing) throws IOException {
    String smuggled =
        "POST /form HTTP/1.1\r\nHost: proxy\r\n"
            + framing
            + "\r\n0\r\n\r\n"
            + "GET /admin HTTP/1.1\r\nHost: proxy\r\n\r\n";
    try (RawClient c = new RawClient(proxy.address())) {
      RawClient.Response r = c.send(smuggled).read();
      assertThat(r.status()).isEqualTo(400);
      assertThat(r.header("Cache-Status")).startsWith("Cachet;");
      assertThat(c.isClosedByServer()).isTrue();
    }
    assertThat(origin.getAllServeEvents()).isEmpty();
  }

  @Test
  void malformedRequests_are400_andCloseTheConnection() throws IOException {
    for (String raw :
        List.of(
            "GET / HTTP/1.1\r\n\r\n",
            "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
            "GET / HTTP/1.1\r\nHost: x\r\nExpect: teapot\r\n\r\n")) {
      try (RawClient c = new RawClient(proxy.address())) {
        RawClient.Response r = c.send(raw).read();
        assertThat(r.status()).as(raw).isIn(400, 417);
        assertThat(c.isClosedByServer()).isTrue();
      }
    }
    assertThat(origin.getAllServeEvents()).isEmpty();
  }
}
