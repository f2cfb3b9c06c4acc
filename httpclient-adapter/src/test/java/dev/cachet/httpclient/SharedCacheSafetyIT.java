package dev.cachet.httpclient;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.ok;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cachet.core.CacheKey;
import dev.cachet.core.CacheOptions;
import dev.cachet.storage.Storage;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The attacks a shared cache must withstand, replayed end to end against a client in shared mode
 * over a real WireMock origin: one user's cookie or private response reaching another, a response
 * one client provoked served to everyone, and inputs that would grow a key or hold other clients
 * up. Each test asserts what later clients see, and counts origin requests.
 */
class SharedCacheSafetyIT extends OriginSupport {
  private static final CacheOptions SHARED = CacheOptions.newBuilder().shared(true).build();

  private CachingHttpClient shared(Setup setup) throws Exception {
    return client(setup, b -> b.cacheOptions(SHARED));
  }

  private HttpResponse<String> fetch(
      CachingHttpClient client, Setup setup, String path, String... headers) throws Exception {
    HttpRequest.Builder b = request(path);
    if (headers.length > 0) {
      b.headers(headers);
    }
    return setup.send(client, b.build(), BodyHandlers.ofString());
  }

  private static String cacheStatus(HttpResponse<?> r) {
    return r.headers().firstValue("Cache-Status").orElseThrow();
  }

  /** A stored {@code public, max-age=1} response whose revalidation gets {@code notModified}. */
  private void publicThenRevalidatedWith(
      String path, String cacheControl, String... notModifiedFields) {
    origin.stubFor(
        get(path)
            .withHeader("If-None-Match", absent())
            .willReturn(
                ok("public body")
                    .withHeader("Cache-Control", cacheControl)
                    .withHeader("ETag", "\"v1\"")));
    var notModified = aResponse().withStatus(304).withHeader("ETag", "\"v1\"");
    for (int i = 0; i < notModifiedFields.length; i += 2) {
      notModified = notModified.withHeader(notModifiedFields[i], notModifiedFields[i + 1]);
    }
    origin.stubFor(
        get(path).withHeader("If-None-Match", equalTo("\"v1\"")).willReturn(notModified));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(CachingHttpClientIT.SETUPS)
  void SEC_01_a304ThatTurnsPrivate_neverGivesOneUsersCookieToAnother(Setup setup) throws Exception {
    publicThenRevalidatedWith(
        "/turns-private",
        "public, max-age=1",
        "Cache-Control",
        "private, max-age=600",
        "Set-Cookie",
        "session=C");
    CachingHttpClient client = shared(setup);
    fetch(client, setup, "/turns-private");
    clock.advanceSeconds(10);

    HttpResponse<String> c = fetch(client, setup, "/turns-private");
    HttpResponse<String> d = fetch(client, setup, "/turns-private");
    HttpResponse<String> e = fetch(client, setup, "/turns-private");

    assertThat(c.headers().allValues("Set-Cookie")).containsExactly("session=C");
    assertThat(c.body()).isEqualTo("public body");
    assertThat(cacheStatus(c)).contains("fwd-status=304").contains("SEC-01");
    // D finds nothing stored (C's answer withdrew the pair) and stores the origin's new public
    // response; E may be served that one. Neither ever sees C's cookie.
    assertThat(cacheStatus(d)).doesNotStartWith("Cachet; hit");
    for (HttpResponse<String> later : List.of(d, e)) {
      assertThat(later.headers().allValues("Set-Cookie")).doesNotContain("session=C");
      assertThat(later.body()).isEqualTo("public body");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(CachingHttpClientIT.SETUPS)
  void SEC_01_a304ThatSaysNoStore_isNotServedFromTheCacheAgain(Setup setup) throws Exception {
    publicThenRevalidatedWith("/turns-no-store", "public, max-age=1", "Cache-Control", "no-store");
    CachingHttpClient client = shared(setup);
    fetch(client, setup, "/turns-no-store");
    clock.advanceSeconds(10);
    fetch(client, setup, "/turns-no-store");
    int before = originGets("/turns-no-store");

    HttpResponse<String> later = fetch(client, setup, "/turns-no-store");

    assertThat(cacheStatus(later)).doesNotStartWith("Cachet; hit");
    assertThat(originGets("/turns-no-store")).isEqualTo(before + 1);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(CachingHttpClientIT.SETUPS)
  void SEC_02_aCookieBroughtByA304_isNotStoredWhenThe200NamedItPrivate(Setup setup)
      throws Exception {
    publicThenRevalidatedWith(
        "/named", "public, max-age=5, private=\"Set-Cookie\"", "Set-Cookie", "session=C");
    CachingHttpClient client = shared(setup);
    fetch(client, setup, "/named");
    clock.advanceSeconds(10);

    HttpResponse<String> c = fetch(client, setup, "/named");
    HttpResponse<String> d = fetch(client, setup, "/named");

    assertThat(c.headers().allValues("Set-Cookie")).containsExactly("session=C");
    assertThat(cacheStatus(d)).startsWith("Cachet; hit");
    assertThat(d.headers().allValues("Set-Cookie")).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(CachingHttpClientIT.SETUPS)
  void SEC_03_aSetCookieWithoutOptIn_isNeverReplayedToAnotherClient(Setup setup) throws Exception {
    origin.stubFor(
        get("/login")
            .willReturn(
                ok("welcome")
                    .withHeader("Cache-Control", "max-age=60")
                    .withHeader("Set-Cookie", "session=A")));
    origin.stubFor(
        get("/opted-in")
            .willReturn(
                ok("shared")
                    .withHeader("Cache-Control", "public, max-age=60")
                    .withHeader("Set-Cookie", "tracking=1")));
    CachingHttpClient client = shared(setup);

    HttpResponse<String> a = fetch(client, setup, "/login");
    HttpResponse<String> b = fetch(client, setup, "/login");
    fetch(client, setup, "/opted-in");
    HttpResponse<String> optedIn = fetch(client, setup, "/opted-in");

    assertThat(cacheStatus(a)).contains("SEC-03").doesNotContain("stored");
    assertThat(cacheStatus(b)).doesNotStartWith("Cachet; hit");
    assertThat(originGets("/login")).isEqualTo(2);
    assertThat(cacheStatus(optedIn)).startsWith("Cachet; hit");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(CachingHttpClientIT.SETUPS)
  void SEC_04_a412Or416OneClientProvoked_isNeverAHitForOthers(Setup setup) throws Exception {
    origin.stubFor(
        get(urlPathEqualTo("/doc"))
            .willReturn(ok("the document").withHeader("Cache-Control", "max-age=60")));
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
                    .withHeader("Content-Range", "bytes */12")));
    CachingHttpClient client = shared(setup);

    HttpResponse<String> precondition = fetch(client, setup, "/doc", "If-Match", "\"nope\"");
    HttpResponse<String> plainAfter412 = fetch(client, setup, "/doc");
    origin.resetRequests();
    HttpResponse<String> range = fetch(client, setup, "/doc?r", "Range", "bytes=1000-");
    HttpResponse<String> plainAfter416 = fetch(client, setup, "/doc?r");

    assertThat(precondition.statusCode()).isEqualTo(412);
    assertThat(range.statusCode()).isEqualTo(416);
    assertThat(plainAfter412.statusCode()).isEqualTo(200);
    assertThat(plainAfter412.body()).isEqualTo("the document");
    assertThat(plainAfter416.statusCode()).isEqualTo(200);
    assertThat(cacheStatus(plainAfter412)).doesNotStartWith("Cachet; hit");
    assertThat(cacheStatus(plainAfter416)).doesNotStartWith("Cachet; hit");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(CachingHttpClientIT.SETUPS)
  void SEC_05_aMalformedVary_isNeverReusedForAnotherRequest(Setup setup) throws Exception {
    origin.stubFor(
        get("/vary")
            .willReturn(
                ok("for someone")
                    .withHeader("Cache-Control", "max-age=60")
                    .withHeader("Vary", "Accept-Language;q=1")));
    CachingHttpClient client = shared(setup);

    fetch(client, setup, "/vary", "Accept-Language", "de");
    HttpResponse<String> other = fetch(client, setup, "/vary", "Accept-Language", "fr");

    assertThat(cacheStatus(other)).doesNotStartWith("Cachet; hit");
    assertThat(originGets("/vary")).isEqualTo(2);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(CachingHttpClientIT.SETUPS)
  void SEC_09_aResponseThatCouldNeverBeReused_isNotStored(Setup setup) throws Exception {
    origin.stubFor(get("/gone").willReturn(aResponse().withStatus(404).withBody("no")));
    CachingHttpClient client = shared(setup);

    HttpResponse<String> first = fetch(client, setup, "/gone");

    assertThat(cacheStatus(first)).contains("SEC-09").doesNotContain("stored");
    assertThat(client.statistics().stores()).isZero();
  }

  @Test
  void SEC_06_aVaryFlood_keepsTheKeyBoundedAndEveryResponseCorrect() throws Exception {
    Setup setup = new Setup(Storages.Kind.values()[0], false);
    origin.stubFor(
        get(urlPathEqualTo("/flood"))
            .willReturn(
                ok("{{request.headers.Accept-Language}}")
                    .withHeader("Cache-Control", "max-age=600")
                    .withHeader("Vary", "Accept-Language")
                    .withTransformers("response-template")));
    origin.stubFor(
        get("/other").willReturn(ok("other").withHeader("Cache-Control", "max-age=600")));
    CachingHttpClient client = shared(setup);
    Storage storage = client.storage();
    fetch(client, setup, "/other");

    for (int i = 0; i < 5_000; i++) {
      HttpResponse<String> r = fetch(client, setup, "/flood", "Accept-Language", "x-" + i);
      assertThat(r.body()).isEqualTo("x-" + i);
    }
    HttpResponse<String> again = fetch(client, setup, "/flood", "Accept-Language", "x-4999");
    HttpResponse<String> other = fetch(client, setup, "/other");

    assertThat(storage.find(CacheKey.of(uri("/flood"))))
        .hasSizeLessThanOrEqualTo(CacheOptions.DEFAULT_MAXIMUM_VARIANTS_PER_KEY);
    assertThat(cacheStatus(again)).startsWith("Cachet; hit");
    assertThat(again.body()).isEqualTo("x-4999");
    assertThat(cacheStatus(other)).startsWith("Cachet; hit");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(CachingHttpClientIT.SETUPS)
  void SEC_07_aRequestWhoseBodyStalls_holdsNoOtherClientBack(Setup setup) throws Exception {
    origin.stubFor(
        get("/slow-body").willReturn(ok("plain").withHeader("Cache-Control", "max-age=60")));
    CachingHttpClient client = shared(setup);
    // One byte of a declared thousand, then nothing: the origin waits for the rest.
    Flow.Publisher<ByteBuffer> stalls =
        subscriber ->
            subscriber.onSubscribe(
                new Flow.Subscription() {
                  boolean sent;

                  @Override
                  public void request(long n) {
                    if (!sent) {
                      sent = true;
                      subscriber.onNext(ByteBuffer.wrap(new byte[] {'x'}));
                    }
                  }

                  @Override
                  public void cancel() {}
                });
    HttpRequest withBody =
        request("/slow-body")
            .method("GET", HttpRequest.BodyPublishers.fromPublisher(stalls, 1000))
            .build();
    CompletableFuture<HttpResponse<String>> stalled =
        client.sendAsync(withBody, BodyHandlers.ofString());

    List<HttpResponse<String>> others = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      others.add(fetch(client, setup, "/slow-body"));
    }

    assertThat(stalled).isNotDone();
    assertThat(others).allSatisfy(r -> assertThat(r.body()).isEqualTo("plain"));
    // No one waited behind the stalled request: a follower that had, even one that then went to
    // the origin itself after its wait, would be counted as collapsed.
    assertThat(client.statistics().collapsed()).isZero();
    assertThat(others).noneSatisfy(r -> assertThat(cacheStatus(r)).contains("collapsed"));
    stalled.cancel(true);
    stalled.handle((r, e) -> null).get(10, TimeUnit.SECONDS);
  }
}
