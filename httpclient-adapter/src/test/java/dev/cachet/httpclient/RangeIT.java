package dev.cachet.httpclient;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.ok;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.cachet.core.CacheKey;
import dev.cachet.storage.FileStorage;
import dev.cachet.storage.Storage;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Range requests through the client (RFC 9110 §14, RFC 9111 §3.3, §3.4): answered from a stored
 * complete response, and 206s stored as parts that combine into a complete response.
 */
class RangeIT extends OriginSupport {
  static final String SETUPS = "dev.cachet.httpclient.Setup#all";
  private static final String BODY = "0123456789";

  private void storedWhole(String path) {
    origin.stubFor(
        get(path)
            .willReturn(
                ok(BODY)
                    .withHeader("Cache-Control", "max-age=60")
                    .withHeader("ETag", "\"v1\"")
                    // Ranges are cut from a stored body whose length its fields declare.
                    .withHeader("Content-Length", Integer.toString(BODY.length()))));
  }

  private HttpResponse<String> send(
      Setup setup, CachingHttpClient client, String path, String... fields) throws Exception {
    java.net.http.HttpRequest.Builder b = request(path);
    if (fields.length > 0) {
      b.headers(fields);
    }
    return setup.send(client, b.build(), BodyHandlers.ofString());
  }

  private static HttpResponse<String> sendPlain(
      Setup setup, CachingHttpClient client, java.net.http.HttpRequest r) throws Exception {
    return setup.send(client, r, BodyHandlers.ofString());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(SETUPS)
  void P_01_singleSuffixAndOpenRanges_areAnsweredFromAStored200(Setup setup) throws Exception {
    storedWhole("/whole");
    CachingHttpClient client = client(setup);
    send(setup, client, "/whole");

    HttpResponse<String> single = send(setup, client, "/whole", "Range", "bytes=2-4");
    HttpResponse<String> suffix = send(setup, client, "/whole", "Range", "bytes=-3");
    HttpResponse<String> open = send(setup, client, "/whole", "Range", "bytes=8-");

    assertThat(single.statusCode()).isEqualTo(206);
    assertThat(single.body()).isEqualTo("234");
    assertThat(single.headers().firstValue("Content-Range")).contains("bytes 2-4/10");
    assertThat(single.headers().firstValue("Cache-Status").orElseThrow()).contains("hit");
    assertThat(suffix.body()).isEqualTo("789");
    assertThat(open.body()).isEqualTo("89");
    assertThat(originGets("/whole")).isEqualTo(1);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(SETUPS)
  void P_02_anUnsatisfiableRange_is416(Setup setup) throws Exception {
    storedWhole("/whole");
    CachingHttpClient client = client(setup);
    send(setup, client, "/whole");

    HttpResponse<String> past = send(setup, client, "/whole", "Range", "bytes=50-");

    assertThat(past.statusCode()).isEqualTo(416);
    assertThat(past.headers().firstValue("Content-Range")).contains("bytes */10");
    assertThat(past.body()).isEmpty();
    assertThat(originGets("/whole")).isEqualTo(1);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(SETUPS)
  void P_03_ifRange_sendsTheSliceWhenItMatches_andTheWholeWhenNot(Setup setup) throws Exception {
    storedWhole("/whole");
    CachingHttpClient client = client(setup);
    send(setup, client, "/whole");

    HttpResponse<String> matches =
        send(setup, client, "/whole", "Range", "bytes=0-1", "If-Range", "\"v1\"");
    HttpResponse<String> stale =
        send(setup, client, "/whole", "Range", "bytes=0-1", "If-Range", "\"v0\"");

    assertThat(matches.statusCode()).isEqualTo(206);
    assertThat(matches.body()).isEqualTo("01");
    assertThat(stale.statusCode()).isEqualTo(200);
    assertThat(stale.body()).isEqualTo(BODY);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(SETUPS)
  void P_04_P_05_twoPartsCombine_intoAComplete200(Setup setup) throws Exception {
    for (String[] part : new String[][] {{"0-4", "01234"}, {"5-9", "56789"}}) {
      origin.stubFor(
          get("/parts")
              .withHeader("Range", equalTo("bytes=" + part[0]))
              .willReturn(
                  aResponse()
                      .withStatus(206)
                      .withBody(part[1])
                      .withHeader("Content-Range", "bytes " + part[0] + "/10")
                      .withHeader("Cache-Control", "max-age=60")
                      .withHeader("ETag", "\"v1\"")));
    }
    CachingHttpClient client = client(setup);

    HttpResponse<String> first = send(setup, client, "/parts", "Range", "bytes=0-4");
    HttpResponse<String> inside = send(setup, client, "/parts", "Range", "bytes=1-2");
    HttpResponse<String> second = send(setup, client, "/parts", "Range", "bytes=5-9");

    assertThat(first.statusCode()).isEqualTo(206);
    assertThat(first.body()).isEqualTo("01234");
    assertThat(inside.body()).isEqualTo("12");
    assertThat(inside.headers().firstValue("Cache-Status").orElseThrow()).contains("hit");
    assertThat(second.body()).isEqualTo("56789");
    // The complete response is made from the parts in the background: wait until it is stored.
    CacheKey key = CacheKey.of(uri("/parts"));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (client.storage().find(key).isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    HttpResponse<String> whole = sendPlain(setup, client, request("/parts").build());
    assertThat(whole.statusCode()).isEqualTo(200);
    assertThat(whole.body()).isEqualTo(BODY);
    assertThat(whole.headers().firstValue("Cache-Status").orElseThrow()).contains("hit");
    assertThat(originGets("/parts")).isEqualTo(2);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(SETUPS)
  void P_06_aRangeRequestOnAMiss_neverStoresThe206AsTheWhole(Setup setup) throws Exception {
    origin.stubFor(
        get("/miss")
            .withHeader("Range", equalTo("bytes=0-1"))
            .willReturn(
                aResponse()
                    .withStatus(206)
                    .withBody("01")
                    .withHeader("Content-Range", "bytes 0-1/10")
                    .withHeader("Cache-Control", "max-age=60")
                    .withHeader("ETag", "\"v1\"")));
    storedWhole("/miss");
    CachingHttpClient client = client(setup);

    send(setup, client, "/miss", "Range", "bytes=0-1");
    HttpResponse<String> plain = send(setup, client, "/miss");

    assertThat(plain.statusCode()).isEqualTo(200);
    assertThat(plain.body()).isEqualTo(BODY);
    assertThat(originGets("/miss")).isEqualTo(2);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(SETUPS)
  void E_02_aStorageThatKeepsNoParts_relaysThe206_andSaysSo(Setup setup) throws Exception {
    // Every storage of this module keeps partial entries: one that does not is a wrapper.
    Storage noParts = new ForwardingStorage(setup.newStorage(dir.resolve("no-parts"))) {};
    origin.stubFor(
        get("/parts")
            .willReturn(
                aResponse()
                    .withStatus(206)
                    .withBody("01234")
                    .withHeader("Content-Range", "bytes 0-4/10")
                    .withHeader("Cache-Control", "max-age=60")
                    .withHeader("ETag", "\"v1\"")));
    try (CachingHttpClient client = clientOver(noParts)) {
      HttpResponse<String> part = send(setup, client, "/parts", "Range", "bytes=0-4");

      assertThat(part.statusCode()).isEqualTo(206);
      assertThat(part.body()).isEqualTo("01234");
      assertThat(part.headers().firstValue("Cache-Status").orElseThrow()).contains("E-02");
      assertThat(client.statistics().storageErrors()).isZero();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(SETUPS)
  void P_04_P_01_a206StoredAsAPart_answersALaterRangeFromTheStore_afterARestart(Setup setup)
      throws Exception {
    assumeThat(setup.storage()).isEqualTo(Storages.Kind.FILE);
    origin.stubFor(
        get("/restart")
            .withHeader("Range", equalTo("bytes=2-7"))
            .willReturn(
                aResponse()
                    .withStatus(206)
                    .withBody("234567")
                    .withHeader("Content-Range", "bytes 2-7/10")
                    .withHeader("Cache-Control", "max-age=60")
                    .withHeader("ETag", "\"v1\"")));
    java.nio.file.Path cache = dir.resolve("restart");
    try (CachingHttpClient client = clientOver(FileStorage.newBuilder(cache).build())) {
      HttpResponse<String> first = send(setup, client, "/restart", "Range", "bytes=2-7");
      assertThat(first.statusCode()).isEqualTo(206);
      assertThat(first.body()).isEqualTo("234567");
    }
    try (CachingHttpClient client = clientOver(FileStorage.newBuilder(cache).build())) {
      HttpResponse<String> inside = send(setup, client, "/restart", "Range", "bytes=3-5");

      assertThat(inside.statusCode()).isEqualTo(206);
      assertThat(inside.body()).isEqualTo("345");
      assertThat(inside.headers().firstValue("Content-Range")).contains("bytes 3-5/10");
      assertThat(inside.headers().firstValue("Cache-Status").orElseThrow()).contains("hit");
    }
    assertThat(originGets("/restart")).isEqualTo(1);
  }
}
