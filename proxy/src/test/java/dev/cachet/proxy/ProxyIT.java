package dev.cachet.proxy;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.ok;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.http.Fault;
import dev.cachet.storage.MemoryStorage;
import dev.cachet.storage.Storage;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reverse proxy in front of a WireMock origin on 127.0.0.1, spoken to in raw HTTP/1.1 so the
 * test sees exactly what a client would. Origin requests are counted by WireMock.
 */
class ProxyIT {
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
  void startProxy() throws IOException {
    origin.resetAll();
    storage = MemoryStorage.newBuilder().maximumBytes(16L << 20).build();
    ProxyOptions options =
        ProxyOptions.newBuilder(URI.create(origin.baseUrl()))
            .listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
            .maxBytes(16L << 20)
            .build();
    proxy = ReverseProxy.start(options, storage, Clock.systemUTC(), line -> {});
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
    return "GET " + path + " HTTP/1.1\r\nHost: proxy\r\n" + String.join("", fields) + "\r\n";
  }

  @Test
  void R4_01_freshResponse_isServedWithoutReachingTheOrigin() throws IOException {
    origin.stubFor(
        get("/fresh")
            .willReturn(aResponse().withHeader("Cache-Control", "max-age=60").withBody("fresh")));
    try (RawClient a = client();
        RawClient b = client()) {
      RawClient.Response first = a.send(request("/fresh")).read();
      RawClient.Response second = b.send(request("/fresh")).read();
      assertThat(first.header("Cache-Status")).contains("Cachet; fwd=uri-miss").contains("stored");
      assertThat(second.status()).isEqualTo(200);
      assertThat(second.body()).isEqualTo("fresh");
      assertThat(second.header("Cache-Status")).startsWith("Cachet; hit");
      assertThat(second.header("Age")).isNotNull();
    }
    origin.verify(1, getRequestedFor(urlEqualTo("/fresh")));
    assertThat(proxy.statistics().hits()).isEqualTo(1);
  }

  @Test
  void R4_01_fileStorage_servesAHitAfterTheProxyRestarts(@TempDir Path dir) throws IOException {
    origin.stubFor(
        get("/kept")
            .willReturn(aResponse().withHeader("Cache-Control", "max-age=600").withBody("kept")));
    ProxyOptions options =
        ProxyOptions.newBuilder(URI.create(origin.baseUrl()))
            .listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
            .maxBytes(1L << 20)
            .storageDirectory(dir)
            .build();
    for (int run = 0; run < 2; run++) {
      try (Storage files = ReverseProxy.storage(options.storageDirectory(), options.maxBytes());
          ReverseProxy onDisk = ReverseProxy.start(options, files, Clock.systemUTC(), line -> {});
          RawClient c = new RawClient(onDisk.address())) {
        RawClient.Response r = c.send(request("/kept")).read();
        assertThat(r.body()).isEqualTo("kept");
        if (run == 1) {
          assertThat(r.header("Cache-Status")).startsWith("Cachet; hit");
        }
      }
    }
    origin.verify(1, getRequestedFor(urlEqualTo("/kept")));
  }

  @Test
  void S3_05_privateResponse_isNotSharedBetweenTwoClients() throws IOException {
    origin.stubFor(
        get("/account")
            .willReturn(
                aResponse()
                    .withHeader("Cache-Control", "private, max-age=60")
                    .withBody("alice's account")));
    try (RawClient alice = client();
        RawClient bob = client()) {
      RawClient.Response forAlice = alice.send(request("/account")).read();
      RawClient.Response forBob = bob.send(request("/account")).read();
      assertThat(forAlice.header("Cache-Status")).doesNotContain("stored");
      assertThat(forBob.header("Cache-Status")).doesNotContain("hit");
    }
    origin.verify(2, getRequestedFor(urlEqualTo("/account")));
  }

  @Test
  void V_06_conditionalRequest_isAnswered304FromTheCache() throws IOException {
    origin.stubFor(
        get("/etag")
            .willReturn(
                aResponse()
                    .withHeader("Cache-Control", "max-age=60")
                    .withHeader("ETag", "\"abc\"")
                    .withBody("tagged")));
    try (RawClient c = client()) {
      assertThat(c.send(request("/etag")).read().body()).isEqualTo("tagged");
      RawClient.Response conditional =
          c.send(request("/etag", "If-None-Match: W/\"abc\"\r\n")).read();
      assertThat(conditional.status()).isEqualTo(304);
      assertThat(conditional.header("ETag")).isEqualTo("\"abc\"");
      // The connection is still in step: a 304 has no body.
      assertThat(c.send(request("/etag")).read().body()).isEqualTo("tagged");
    }
    origin.verify(1, getRequestedFor(urlEqualTo("/etag")));
  }

  @Test
  void I_01_post_isForwardedWithItsChunkedBodyAndInvalidates() throws IOException {
    origin.stubFor(
        get("/basket")
            .willReturn(aResponse().withHeader("Cache-Control", "max-age=60").withBody("basket")));
    origin.stubFor(post("/basket").willReturn(aResponse().withStatus(204)));
    try (RawClient c = client()) {
      c.send(request("/basket")).read();
      RawClient.Response posted =
          c.send(
                  "POST /basket HTTP/1.1\r\nHost: proxy\r\nTransfer-Encoding: chunked\r\n"
                      + "Content-Type: text/plain\r\n\r\n3\r\ntea\r\n4\r\n,jam\r\n0\r\n\r\n")
              .read();
      assertThat(posted.status()).isEqualTo(204);
      c.send(request("/basket")).read();
    }
    origin.verify(postRequestedFor(urlEqualTo("/basket")).withRequestBody(equalTo("tea,jam")));
    origin.verify(2, getRequestedFor(urlEqualTo("/basket")));
  }

  @Test
  void date_ofTheServedResponse_passesThroughUnchanged() throws IOException {
    String date = "Sun, 06 Nov 1994 08:49:37 GMT";
    origin.stubFor(
        get("/dated")
            .willReturn(
                aResponse()
                    .withHeader("Date", date)
                    .withHeader("Cache-Control", "no-store")
                    .withBody("old news")));
    try (RawClient c = client()) {
      RawClient.Response r = c.send(request("/dated")).read();
      assertThat(r.headers("Date")).containsExactly(date);
    }
  }

  @Test
  void hopByHopFields_areNotForwarded_andViaIsAdded() throws IOException {
    origin.stubFor(get("/hop").willReturn(aResponse().withBody("hop")));
    try (RawClient c = client()) {
      RawClient.Response r =
          c.send(
                  request(
                      "/hop",
                      "Connection: X-Secret, keep-alive\r\n",
                      "X-Secret: 1\r\n",
                      "Keep-Alive: timeout=5\r\n",
                      "Proxy-Authorization: Basic eDp5\r\n",
                      "TE: trailers\r\n",
                      "X-End-To-End: kept\r\n"))
              .read();
      assertThat(r.header("Via")).endsWith("1.1 cachet");
      // The origin's own framing is not passed on beside the proxy's.
      assertThat(r.headers("Transfer-Encoding").size()).isLessThanOrEqualTo(1);
      assertThat(r.body()).isEqualTo("hop");
    }
    origin.verify(
        getRequestedFor(urlEqualTo("/hop"))
            .withHeader("X-End-To-End", equalTo("kept"))
            .withHeader("X-Secret", absent())
            .withHeader("Keep-Alive", absent())
            .withHeader("Proxy-Authorization", absent())
            .withHeader("TE", absent())
            .withHeader("Via", equalTo("1.1 cachet")));
  }

  @Test
  void head_getsTheLengthButNoBody_andTheConnectionStaysInStep() throws IOException {
    origin.stubFor(
        any(urlEqualTo("/h"))
            .willReturn(aResponse().withHeader("Content-Length", "5").withBody("hello")));
    try (RawClient c = client()) {
      RawClient.Response head = c.send("HEAD /h HTTP/1.1\r\nHost: proxy\r\n\r\n").read(true);
      assertThat(head.status()).isEqualTo(200);
      assertThat(head.header("Content-Length")).isEqualTo("5");
      assertThat(c.send(request("/h")).read().body()).isEqualTo("hello");
    }
  }

  @Test
  void maxForwards_isDecremented_andZeroIsAnsweredByTheProxy() throws IOException {
    origin.stubFor(any(urlEqualTo("/opt")).willReturn(aResponse().withStatus(204)));
    try (RawClient c = client()) {
      c.send("OPTIONS /opt HTTP/1.1\r\nHost: proxy\r\nMax-Forwards: 3\r\n\r\n").read();
      RawClient.Response own =
          c.send("OPTIONS /opt HTTP/1.1\r\nHost: proxy\r\nMax-Forwards: 0\r\n\r\n").read();
      assertThat(own.status()).isEqualTo(200);
      assertThat(own.header("Allow")).contains("GET");
      RawClient.Response trace =
          c.send(
                  "TRACE /opt HTTP/1.1\r\nHost: proxy\r\nMax-Forwards: 0\r\n"
                      + "Cookie: secret=1\r\n\r\n")
              .read();
      assertThat(trace.header("Content-Type")).isEqualTo("message/http");
      assertThat(trace.body()).startsWith("TRACE /opt HTTP/1.1\r\n").doesNotContain("secret");
    }
    origin.verify(1, anyRequestedFor(urlEqualTo("/opt")).withHeader("Max-Forwards", equalTo("2")));
    assertThat(origin.getAllServeEvents()).hasSize(1);
  }

  @Test
  void malformedRequest_is400_andNeverReachesTheOrigin() throws IOException {
    try (RawClient c = client()) {
      RawClient.Response r = c.send("GET /x HTTP/1.1\r\nHost proxy\r\n\r\n").read();
      assertThat(r.status()).isEqualTo(400);
      assertThat(c.isClosedByServer()).isTrue();
    }
    try (RawClient c = client()) {
      assertThat(c.send("GET /%zz HTTP/1.1\r\nHost: proxy\r\n\r\n").read().status()).isEqualTo(400);
    }
    assertThat(origin.getAllServeEvents()).isEmpty();
  }

  @Test
  void largeBody_streamsThroughWithItsLength() throws IOException {
    String big = "0123456789abcdef".repeat(256 * 1024); // 4 MiB
    origin.stubFor(
        get("/big")
            .willReturn(aResponse().withHeader("Cache-Control", "max-age=60").withBody(big)));
    try (RawClient c = client()) {
      RawClient.Response first = c.send(request("/big")).read();
      RawClient.Response second = c.send(request("/big")).read();
      assertThat(first.body()).hasSize(big.length()).isEqualTo(big);
      assertThat(second.body()).isEqualTo(big);
      assertThat(second.header("Cache-Status")).startsWith("Cachet; hit");
    }
    origin.verify(1, getRequestedFor(urlEqualTo("/big")));
  }

  @Test
  void unreachableOrigin_is502() throws IOException {
    ProxyOptions options =
        ProxyOptions.newBuilder(URI.create("http://127.0.0.1:" + freePort()))
            .listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
            .maxBytes(1L << 20)
            .build();
    try (MemoryStorage s = MemoryStorage.newBuilder().build();
        ReverseProxy down = ReverseProxy.start(options, s, Clock.systemUTC(), line -> {});
        RawClient c = new RawClient(down.address())) {
      RawClient.Response r = c.send(request("/")).read();
      assertThat(r.status()).isEqualTo(502);
      assertThat(r.header("Date")).isNotNull();
      // Regression: the proxy's own 502 had no Cache-Status, unlike every other response.
      assertThat(r.header("Cache-Status")).isEqualTo("Cachet; fwd=uri-miss");
    }
  }

  @Test
  void originFailingARevalidation_is502_whoseCacheStatusSaysTheStoredResponseWasStale()
      throws IOException {
    origin.stubFor(
        get("/flaky")
            .inScenario("flaky")
            .willReturn(
                ok("v1").withHeader("Cache-Control", "max-age=0").withHeader("ETag", "\"1\""))
            .willSetStateTo("down"));
    origin.stubFor(
        get("/flaky")
            .inScenario("flaky")
            .whenScenarioStateIs("down")
            .willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
    try (RawClient c = client()) {
      RawClient.Response stored = c.send(request("/flaky")).read();
      assertThat(stored.status()).isEqualTo(200);
    }
    try (RawClient c = client()) {
      RawClient.Response failed = c.send(request("/flaky")).read();

      assertThat(failed.status()).isEqualTo(502);
      assertThat(failed.header("Cache-Status")).startsWith("Cachet; fwd=stale");
    }
  }

  private static int freePort() throws IOException {
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
