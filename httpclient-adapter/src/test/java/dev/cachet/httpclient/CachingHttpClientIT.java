package dev.cachet.httpclient;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.ok;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.http.Fault;
import dev.cachet.core.CacheOptions;
import dev.cachet.engine.CacheEvent;
import dev.cachet.engine.CacheListener;
import dev.cachet.engine.CacheStatistics;
import java.io.InputStream;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every flow of the cache against a real origin, in every {@link Setup} (memory and file storage,
 * {@code send} and {@code sendAsync}), proven by counting the origin's requests. Time moves with
 * the test's clock, never by sleeping.
 */
class CachingHttpClientIT extends OriginSupport {
  static final String SETUPS = "dev.cachet.httpclient.Setup#all";

  HttpResponse<String> fetch(CachingHttpClient client, Setup setup, String path, String... headers)
      throws Exception {
    var b = request(path);
    if (headers.length > 0) {
      b.headers(headers);
    }
    return setup.send(client, b.build(), BodyHandlers.ofString());
  }

  static String cacheStatus(HttpResponse<?> r) {
    return r.headers().firstValue("Cache-Status").orElseThrow();
  }

  @Nested
  class Storing {
    @ParameterizedTest(name = "{0}")
    @MethodSource(SETUPS)
    void freshResponse_isServedFromCache_withoutOriginRequest(Setup setup) throws Exception {
      origin.stubFor(
          get("/fresh").willReturn(ok("hello").withHeader("Cache-Control", "max-age=60")));
      CachingHttpClient client = client(setup);

      HttpResponse<String> miss = fetch(client, setup, "/fresh");
      clock.advanceSeconds(5);
      HttpResponse<String> hit = fetch(client, setup, "/fresh");

      assertThat(miss.statusCode()).isEqualTo(200);
      assertThat(miss.body()).isEqualTo("hello");
      assertThat(cacheStatus(miss))
          .isEqualTo("Cachet; fwd=uri-miss; fwd-status=200; stored; ttl=60");
      assertThat(hit.statusCode()).isEqualTo(200);
      assertThat(hit.body()).isEqualTo("hello");
      assertThat(cacheStatus(hit)).isEqualTo("Cachet; hit; ttl=55");
      assertThat(hit.headers().firstValue("Age")).contains("5");
      assertThat(originGets("/fresh")).isEqualTo(1);
      CacheStatistics s = client.statistics();
      assertThat(s.requests()).isEqualTo(2);
      assertThat(s.hits()).isEqualTo(1);
      assertThat(s.misses()).isEqualTo(1);
      assertThat(s.stores()).isEqualTo(1);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(SETUPS)
    void S3_04_noStoreResponse_isNotStored(Setup setup) throws Exception {
      origin.stubFor(get("/nostore").willReturn(ok("x").withHeader("Cache-Control", "no-store")));
      CachingHttpClient client = client(setup);

      HttpResponse<String> first = fetch(client, setup, "/nostore");
      HttpResponse<String> second = fetch(client, setup, "/nostore");

      assertThat(second.body()).isEqualTo("x");
      assertThat(cacheStatus(first)).startsWith("Cachet; fwd=uri-miss; fwd-status=200");
      assertThat(cacheStatus(first)).doesNotContain("stored").contains("detail=\"S3-04");
      assertThat(originGets("/nostore")).isEqualTo(2);
      assertThat(client.statistics().stores()).isZero();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(SETUPS)
    void S3_10_bodyCutShort_isNeverStored(Setup setup) throws Exception {
      origin.stubFor(
          get("/cut")
              .willReturn(
                  aResponse()
                      .withHeader("Cache-Control", "max-age=60")
                      .withFault(Fault.RANDOM_DATA_THEN_CLOSE)));
      CachingHttpClient client = client(setup);

      try {
        fetch(client, setup, "/cut");
      } catch (java.io.IOException expected) {
        // The origin broke the connection; what matters is that nothing was stored.
      }
      origin.stubFor(get("/cut").willReturn(ok("whole").withHeader("Cache-Control", "max-age=60")));
      HttpResponse<String> next = fetch(client, setup, "/cut");

      assertThat(next.body()).isEqualTo("whole");
      assertThat(originGets("/cut")).isEqualTo(2);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(SETUPS)
    void R4_05_varyOnRequestField_matchesOnlyTheSameValue(Setup setup) throws Exception {
      origin.stubFor(
          get("/vary")
              .withHeader("Accept-Language", equalTo("en"))
              .willReturn(
                  ok("hello")
                      .withHeader("Cache-Control", "max-age=60")
                      .withHeader("Vary", "Accept-Language")));
      origin.stubFor(
          get("/vary")
              .withHeader("Accept-Language", equalTo("fr"))
              .willReturn(
                  ok("bonjour")
                      .withHeader("Cache-Control", "max-age=60")
                      .withHeader("Vary", "Accept-Language")));
      CachingHttpClient client = client(setup);

      fetch(client, setup, "/vary", "Accept-Language", "en");
      HttpResponse<String> fr = fetch(client, setup, "/vary", "Accept-Language", "fr");
      HttpResponse<String> en = fetch(client, setup, "/vary", "Accept-Language", "en");
      HttpResponse<String> fr2 = fetch(client, setup, "/vary", "Accept-Language", "fr");

      assertThat(cacheStatus(fr)).contains("fwd=vary-miss");
      assertThat(en.body()).isEqualTo("hello");
      assertThat(cacheStatus(en)).contains("hit");
      assertThat(fr2.body()).isEqualTo("bonjour");
      assertThat(originGets("/vary")).isEqualTo(2);
    }
  }

  @Nested
  class Revalidating {
    @ParameterizedTest(name = "{0}")
    @MethodSource(SETUPS)
    void V_01_V_02_staleWithEtag_revalidatedBy304_servesStoredBodyWithFreshenedHeaders(Setup setup)
        throws Exception {
      origin.stubFor(
          get("/etag")
              .willReturn(
                  ok("stored body")
                      .withHeader("Cache-Control", "max-age=10")
                      .withHeader("ETag", "\"v1\"")
                      .withHeader("X-Version", "1")));
      origin.stubFor(
          get("/etag")
              .withHeader("If-None-Match", equalTo("\"v1\""))
              .atPriority(1)
              .willReturn(
                  aResponse()
                      .withStatus(304)
                      .withHeader("Cache-Control", "max-age=30")
                      .withHeader("ETag", "\"v1\"")
                      .withHeader("X-Version", "2")));
      CachingHttpClient client = client(setup);

      fetch(client, setup, "/etag");
      clock.advanceSeconds(20);
      HttpResponse<String> revalidated = fetch(client, setup, "/etag");
      clock.advanceSeconds(20);
      HttpResponse<String> hit = fetch(client, setup, "/etag");

      assertThat(revalidated.statusCode()).isEqualTo(200);
      assertThat(revalidated.body()).isEqualTo("stored body");
      assertThat(revalidated.headers().firstValue("X-Version")).contains("2");
      assertThat(cacheStatus(revalidated)).startsWith("Cachet; fwd=stale; fwd-status=304");
      assertThat(hit.body()).isEqualTo("stored body");
      assertThat(cacheStatus(hit)).startsWith("Cachet; hit");
      assertThat(originGets("/etag")).isEqualTo(2);
      assertThat(
              originRequests(
                  getRequestedFor(urlEqualTo("/etag"))
                      .withHeader("If-None-Match", equalTo("\"v1\""))))
          .isEqualTo(1);
      CacheStatistics s = client.statistics();
      assertThat(s.revalidations()).isEqualTo(1);
      assertThat(s.notModified()).isEqualTo(1);
      assertThat(s.hits()).isEqualTo(1);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(SETUPS)
    void V_01_staleWithLastModified_sendsIfModifiedSince(Setup setup) throws Exception {
      String lastModified = "Tue, 01 Jan 2030 00:00:00 GMT";
      origin.stubFor(
          get("/lm")
              .willReturn(
                  ok("dated")
                      .withHeader("Cache-Control", "max-age=10")
                      .withHeader("Last-Modified", lastModified)));
      origin.stubFor(
          get("/lm")
              .withHeader("If-Modified-Since", equalTo(lastModified))
              .atPriority(1)
              .willReturn(aResponse().withStatus(304).withHeader("Cache-Control", "max-age=10")));
      CachingHttpClient client = client(setup);

      fetch(client, setup, "/lm");
      clock.advanceSeconds(11);
      HttpResponse<String> r = fetch(client, setup, "/lm");

      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).isEqualTo("dated");
      assertThat(
              originRequests(
                  getRequestedFor(urlEqualTo("/lm"))
                      .withHeader("If-Modified-Since", equalTo(lastModified))))
          .isEqualTo(1);
      assertThat(originGets("/lm")).isEqualTo(2);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(SETUPS)
    void V_03_staleRevalidatedWithFullResponse_replacesStoredOne(Setup setup) throws Exception {
      origin.stubFor(
          get("/full")
              .willReturn(
                  ok("v1").withHeader("Cache-Control", "max-age=10").withHeader("ETag", "\"v1\"")));
      CachingHttpClient client = client(setup);
      fetch(client, setup, "/full");
      origin.stubFor(
          get("/full")
              .willReturn(
                  ok("v2").withHeader("Cache-Control", "max-age=10").withHeader("ETag", "\"v2\"")));
      clock.advanceSeconds(11);

      HttpResponse<String> modified = fetch(client, setup, "/full");
      HttpResponse<String> hit = fetch(client, setup, "/full");

      assertThat(modified.body()).isEqualTo("v2");
      assertThat(cacheStatus(modified)).startsWith("Cachet; fwd=stale; fwd-status=200; stored");
      assertThat(hit.body()).isEqualTo("v2");
      assertThat(cacheStatus(hit)).startsWith("Cachet; hit");
      assertThat(originGets("/full")).isEqualTo(2);
      assertThat(client.storage().find(dev.cachet.core.CacheKey.of(uri("/full")))).hasSize(1);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(SETUPS)
    void X_02_staleIfError_on5xx_servesStale(Setup setup) throws Exception {
      origin.stubFor(
          get("/sie")
              .willReturn(ok("old").withHeader("Cache-Control", "max-age=10, stale-if-error=60")));
      CachingHttpClient client = client(setup);
      fetch(client, setup, "/sie");
      origin.stubFor(get("/sie").willReturn(aResponse().withStatus(503).withBody("down")));
      clock.advanceSeconds(20);

      HttpResponse<String> r = fetch(client, setup, "/sie");

      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).isEqualTo("old");
      assertThat(cacheStatus(r)).contains("fwd=stale").contains("fwd-status=503");
      assertThat(originGets("/sie")).isEqualTo(2);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(SETUPS)
    void X_02_staleIfError_onConnectionFailure_servesStale(Setup setup) throws Exception {
      origin.stubFor(
          get("/reset")
              .willReturn(ok("old").withHeader("Cache-Control", "max-age=10, stale-if-error=60")));
      CachingHttpClient client = client(setup);
      fetch(client, setup, "/reset");
      origin.stubFor(
          get("/reset").willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
      clock.advanceSeconds(20);

      HttpResponse<String> r = fetch(client, setup, "/reset");

      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).isEqualTo("old");
      assertThat(r.headers().firstValue("Age")).contains("20");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(SETUPS)
    void V_04_5xxWithoutStaleIfError_isForwarded(Setup setup) throws Exception {
      origin.stubFor(get("/err").willReturn(ok("old").withHeader("Cache-Control", "max-age=10")));
      CachingHttpClient client = client(setup);
      fetch(client, setup, "/err");
      origin.stubFor(get("/err").willReturn(aResponse().withStatus(500).withBody("broken")));
      clock.advanceSeconds(20);

      HttpResponse<String> r = fetch(client, setup, "/err");

      assertThat(r.statusCode()).isEqualTo(500);
      assertThat(r.body()).isEqualTo("broken");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(SETUPS)
    void X_02_staleWhileRevalidate_servesStaleAtOnce_andRevalidatesBehind(Setup setup)
        throws Exception {
      origin.stubFor(
          get("/swr")
              .willReturn(
                  ok("v1").withHeader("Cache-Control", "max-age=10, stale-while-revalidate=60")));
      CountDownLatch revalidated = new CountDownLatch(1);
      List<CacheEvent> background = new CopyOnWriteArrayList<>();
      CachingHttpClient client =
          client(
              setup,
              b ->
                  b.listener(
                      new CacheListener() {
                        @Override
                        public void onOutcome(CacheEvent e) {
                          if (e.background()) {
                            background.add(e);
                            revalidated.countDown();
                          }
                        }
                      }));
      fetch(client, setup, "/swr");
      origin.stubFor(
          get("/swr")
              .willReturn(
                  ok("v2")
                      .withHeader("Cache-Control", "max-age=10, stale-while-revalidate=60")
                      .withFixedDelay(300)));
      clock.advanceSeconds(20);

      HttpResponse<String> stale = fetch(client, setup, "/swr");
      HttpResponse<String> staleAgain = fetch(client, setup, "/swr");
      assertThat(revalidated.await(10, TimeUnit.SECONDS)).isTrue();
      HttpResponse<String> fresh = fetch(client, setup, "/swr");

      assertThat(stale.body()).isEqualTo("v1");
      assertThat(cacheStatus(stale)).startsWith("Cachet; hit").contains("stale-while-revalidate");
      assertThat(staleAgain.body()).isEqualTo("v1");
      assertThat(fresh.body()).isEqualTo("v2");
      assertThat(cacheStatus(fresh)).startsWith("Cachet; hit");
      // One background revalidation per key, although two stale responses were served.
      assertThat(originGets("/swr")).isEqualTo(2);
      assertThat(background).hasSize(1);
      assertThat(client.statistics().backgroundRevalidations()).isEqualTo(1);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(SETUPS)
    void X_02_failedBackgroundRevalidation_isReportedToTheListener(Setup setup) throws Exception {
      origin.stubFor(
          get("/swr-fail")
              .willReturn(
                  ok("kept").withHeader("Cache-Control", "max-age=10, stale-while-revalidate=60")));
      CountDownLatch failed = new CountDownLatch(1);
      List<Throwable> failures = new CopyOnWriteArrayList<>();
      CachingHttpClient client =
          client(
              setup,
              b ->
                  b.listener(
                      new CacheListener() {
                        @Override
                        public void onBackgroundRevalidationFailure(
                            java.net.URI uri, Throwable error) {
                          failures.add(error);
                          failed.countDown();
                        }
                      }));
      fetch(client, setup, "/swr-fail");
      origin.stubFor(
          get("/swr-fail").willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
      clock.advanceSeconds(20);

      HttpResponse<String> stale = fetch(client, setup, "/swr-fail");
      assertThat(failed.await(10, TimeUnit.SECONDS)).isTrue();
      HttpResponse<String> staleAgain = fetch(client, setup, "/swr-fail");

      assertThat(stale.body()).isEqualTo("kept");
      assertThat(staleAgain.body()).isEqualTo("kept");
      assertThat(failures).singleElement().isInstanceOf(java.io.IOException.class);
    }
  }

  @Nested
  class Requests {
    @ParameterizedTest(name = "{0}")
    @MethodSource(SETUPS)
    void K_02_head_isAnsweredFromStoredGet(Setup setup) throws Exception {
      origin.stubFor(get("/h").willReturn(ok("body").withHeader("Cache-Control", "max-age=60")));
      CachingHttpClient client = client(setup);
      fetch(client, setup, "/h");

      HttpResponse<String> head =
          setup.send(
              client,
              request("/h").method("HEAD", BodyPublishers.noBody()).build(),
              BodyHandlers.ofString());

      assertThat(head.statusCode()).isEqualTo(200);
      assertThat(head.body()).isEmpty();
      assertThat(cacheStatus(head)).startsWith("Cachet; hit");
      assertThat(origin.getAllServeEvents()).hasSize(1);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(SETUPS)
    void O_04_postResponseForItsOwnUri_answersTheNextGet_whenEnabled(Setup setup) throws Exception {
      origin.stubFor(get("/doc").willReturn(ok("old").withHeader("Cache-Control", "max-age=600")));
      origin.stubFor(
          post("/doc")
              .willReturn(
                  ok("updated")
                      .withHeader("Cache-Control", "max-age=600")
                      .withHeader("Content-Location", "/doc")));
      CachingHttpClient client =
          client(
              setup,
              b -> b.cacheOptions(CacheOptions.newBuilder().reusePostResponses(true).build()));
      fetch(client, setup, "/doc");

      HttpResponse<String> post =
          setup.send(
              client,
              request("/doc").POST(BodyPublishers.ofString("update")).build(),
              BodyHandlers.ofString());
      HttpResponse<String> after = fetch(client, setup, "/doc");

      assertThat(post.body()).isEqualTo("updated");
      assertThat(cacheStatus(post)).contains("stored");
      assertThat(after.body()).isEqualTo("updated");
      assertThat(cacheStatus(after)).startsWith("Cachet; hit");
      assertThat(originGets("/doc")).isEqualTo(1);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(SETUPS)
    void R4_03_I_01_I_02_unsafeMethod_isWrittenThrough_andInvalidates(Setup setup)
        throws Exception {
      for (String p : List.of("/item", "/list", "/unrelated")) {
        origin.stubFor(get(p).willReturn(ok(p).withHeader("Cache-Control", "max-age=600")));
      }
      origin.stubFor(
          post("/item").willReturn(aResponse().withStatus(201).withHeader("Location", "/list")));
      CachingHttpClient client = client(setup);
      for (String p : List.of("/item", "/list", "/unrelated")) {
        fetch(client, setup, p);
      }

      HttpResponse<String> post =
          setup.send(
              client,
              request("/item").POST(BodyPublishers.ofString("new")).build(),
              BodyHandlers.ofString());
      for (String p : List.of("/item", "/list", "/unrelated")) {
        fetch(client, setup, p);
      }

      assertThat(post.statusCode()).isEqualTo(201);
      assertThat(cacheStatus(post)).startsWith("Cachet; fwd=method; fwd-status=201");
      assertThat(originRequests(postRequestedFor(urlEqualTo("/item")))).isEqualTo(1);
      assertThat(originGets("/item")).isEqualTo(2); // the target URI was invalidated
      assertThat(originGets("/list")).isEqualTo(2); // the same-origin Location was invalidated
      assertThat(originGets("/unrelated")).isEqualTo(1); // nothing else was
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(SETUPS)
    void R4_03_failedUnsafeRequest_invalidatesNothing(Setup setup) throws Exception {
      origin.stubFor(get("/keep").willReturn(ok("k").withHeader("Cache-Control", "max-age=600")));
      origin.stubFor(post("/keep").willReturn(aResponse().withStatus(500)));
      CachingHttpClient client = client(setup);
      fetch(client, setup, "/keep");

      setup.send(
          client,
          request("/keep").POST(BodyPublishers.ofString("x")).build(),
          BodyHandlers.discarding());
      HttpResponse<String> r = fetch(client, setup, "/keep");

      assertThat(cacheStatus(r)).startsWith("Cachet; hit");
      assertThat(originGets("/keep")).isEqualTo(1);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(SETUPS)
    void R4_08_onlyIfCached_withNothingStored_is504WithoutOrigin(Setup setup) throws Exception {
      origin.stubFor(get("/oic").willReturn(ok("x").withHeader("Cache-Control", "max-age=60")));
      CachingHttpClient client = client(setup);

      HttpResponse<String> r = fetch(client, setup, "/oic", "Cache-Control", "only-if-cached");
      fetch(client, setup, "/oic");
      HttpResponse<String> hit = fetch(client, setup, "/oic", "Cache-Control", "only-if-cached");

      assertThat(r.statusCode()).isEqualTo(504);
      assertThat(r.body()).isEmpty();
      assertThat(cacheStatus(r)).contains("R4-08");
      assertThat(hit.statusCode()).isEqualTo(200);
      assertThat(originGets("/oic")).isEqualTo(1);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(SETUPS)
    void R4_06_requestNoCache_forcesValidation(Setup setup) throws Exception {
      origin.stubFor(
          get("/nc")
              .willReturn(
                  ok("x").withHeader("Cache-Control", "max-age=60").withHeader("ETag", "\"a\"")));
      origin.stubFor(
          get("/nc")
              .withHeader("If-None-Match", equalTo("\"a\""))
              .atPriority(1)
              .willReturn(aResponse().withStatus(304).withHeader("ETag", "\"a\"")));
      CachingHttpClient client = client(setup);
      fetch(client, setup, "/nc");

      HttpResponse<String> r = fetch(client, setup, "/nc", "Cache-Control", "no-cache");

      assertThat(r.body()).isEqualTo("x");
      assertThat(cacheStatus(r)).startsWith("Cachet; fwd=request; fwd-status=304");
      assertThat(
              originRequests(
                  getRequestedFor(urlEqualTo("/nc")).withHeader("If-None-Match", equalTo("\"a\""))))
          .isEqualTo(1);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(SETUPS)
    void R4_06_requestNoStore_isNotStored(Setup setup) throws Exception {
      origin.stubFor(get("/rns").willReturn(ok("x").withHeader("Cache-Control", "max-age=60")));
      CachingHttpClient client = client(setup);

      fetch(client, setup, "/rns", "Cache-Control", "no-store");
      fetch(client, setup, "/rns");

      assertThat(originGets("/rns")).isEqualTo(2);
      assertThat(
              originRequests(
                  getRequestedFor(urlEqualTo("/rns")).withHeader("If-None-Match", absent())))
          .isEqualTo(2);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(SETUPS)
    void R4_07_requestMaxAgeMinFreshMaxStale_changeWhatIsFreshEnough(Setup setup) throws Exception {
      origin.stubFor(get("/age").willReturn(ok("x").withHeader("Cache-Control", "max-age=60")));
      CachingHttpClient client = client(setup);
      fetch(client, setup, "/age");
      clock.advanceSeconds(30);

      HttpResponse<String> maxAge = fetch(client, setup, "/age", "Cache-Control", "max-age=10");
      clock.advanceSeconds(30); // the response stored by the revalidation is 30 s old
      HttpResponse<String> minFresh = fetch(client, setup, "/age", "Cache-Control", "min-fresh=40");
      clock.advanceSeconds(70); // stale by 10 s
      HttpResponse<String> maxStale = fetch(client, setup, "/age", "Cache-Control", "max-stale=20");

      assertThat(cacheStatus(maxAge)).startsWith("Cachet; fwd=request");
      assertThat(cacheStatus(minFresh)).startsWith("Cachet; fwd=request");
      assertThat(cacheStatus(maxStale)).startsWith("Cachet; hit");
      assertThat(maxStale.body()).isEqualTo("x");
      assertThat(originGets("/age")).isEqualTo(3);
    }
  }

  @Nested
  class PushPromises {
    @ParameterizedTest
    @EnumSource(Storages.Kind.class)
    void sendAsyncWithPushPromiseHandler_isCachedLikeTheOthers(Storages.Kind kind)
        throws Exception {
      Setup setup = new Setup(kind, true);
      origin.stubFor(get("/push").willReturn(ok("p").withHeader("Cache-Control", "max-age=60")));
      CachingHttpClient client = client(setup);
      List<String> promised = new CopyOnWriteArrayList<>();
      HttpResponse.PushPromiseHandler<String> push =
          (initiating, pushRequest, acceptor) -> promised.add(pushRequest.uri().toString());

      HttpResponse<String> miss =
          client.sendAsync(request("/push").build(), BodyHandlers.ofString(), push).join();
      HttpResponse<String> hit =
          client.sendAsync(request("/push").build(), BodyHandlers.ofString(), push).join();

      assertThat(miss.body()).isEqualTo("p");
      assertThat(hit.body()).isEqualTo("p");
      assertThat(cacheStatus(hit)).startsWith("Cachet; hit");
      assertThat(originGets("/push")).isEqualTo(1);
      assertThat(promised).isEmpty(); // HTTP/1.1 has no push; the handler is only passed on
    }
  }

  @Nested
  class Reporting {
    @ParameterizedTest(name = "{0}")
    @MethodSource(SETUPS)
    void B_01_upstreamCacheStatus_isKept_andOursAppended(Setup setup) throws Exception {
      origin.stubFor(
          get("/cs")
              .willReturn(
                  ok("x")
                      .withHeader("Cache-Control", "max-age=60")
                      .withHeader("Cache-Status", "CDN; hit")));
      CachingHttpClient client = client(setup);

      HttpResponse<String> miss = fetch(client, setup, "/cs");
      HttpResponse<String> hit = fetch(client, setup, "/cs");

      assertThat(cacheStatus(miss)).startsWith("CDN; hit, Cachet; fwd=uri-miss");
      assertThat(cacheStatus(hit)).isEqualTo("CDN; hit, Cachet; hit; ttl=60");
      assertThat(hit.headers().allValues("Cache-Status")).hasSize(1);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(SETUPS)
    void listener_hearsEachOutcome_withItsStates(Setup setup) throws Exception {
      origin.stubFor(get("/l").willReturn(ok("x").withHeader("Cache-Control", "max-age=60")));
      List<CacheEvent> events = new CopyOnWriteArrayList<>();
      CachingHttpClient client =
          client(
              setup,
              b ->
                  b.listener(
                      new CacheListener() {
                        @Override
                        public void onOutcome(CacheEvent e) {
                          events.add(e);
                        }
                      }));

      fetch(client, setup, "/l");
      fetch(client, setup, "/l");

      assertThat(events).hasSize(2);
      assertThat(events.get(0).outcome()).isEqualTo(CacheEvent.Outcome.MISS);
      assertThat(events.get(0).stored()).isTrue();
      assertThat(events.get(0).states()).containsExactly("IdleClient", "CacheMiss", "StoreAndUse");
      assertThat(events.get(1).outcome()).isEqualTo(CacheEvent.Outcome.HIT);
      assertThat(events.get(1).cacheStatus()).isEqualTo("Cachet; hit; ttl=60");
      assertThat(events.get(1).uri()).isEqualTo(uri("/l"));
    }
  }

  @Nested
  class Aborting {
    @ParameterizedTest(name = "{0}")
    @MethodSource(SETUPS)
    void timedOutExchange_storesNothing(Setup setup) throws Exception {
      origin.stubFor(
          get("/slow")
              .willReturn(
                  ok("late").withHeader("Cache-Control", "max-age=60").withFixedDelay(1_000)));
      CachingHttpClient client = client(setup);

      assertThatThrownBy(
              () ->
                  setup.send(
                      client,
                      request("/slow").timeout(Duration.ofMillis(200)).build(),
                      BodyHandlers.ofString()))
          .isInstanceOf(HttpTimeoutException.class);
      origin.stubFor(
          get("/slow").willReturn(ok("quick").withHeader("Cache-Control", "max-age=60")));
      HttpResponse<String> r = fetch(client, setup, "/slow");

      assertThat(r.body()).isEqualTo("quick");
      assertThat(cacheStatus(r)).startsWith("Cachet; fwd=uri-miss");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(SETUPS)
    void S3_10_cancelledBody_abortsTheWrite(Setup setup) throws Exception {
      // More is left than the cache reads on behind a caller that left (AbandonedBodyIT).
      String body = "0123456789".repeat(300_000);
      origin.stubFor(
          get("/cancel")
              .willReturn(
                  ok(body)
                      .withHeader("Cache-Control", "max-age=60")
                      .withHeader("Content-Length", Integer.toString(body.length()))));
      CachingHttpClient client = client(setup);

      HttpResponse<InputStream> r =
          setup.send(client, request("/cancel").build(), BodyHandlers.ofInputStream());
      try (InputStream in = r.body()) {
        assertThat(in.readNBytes(10)).isEqualTo("0123456789".getBytes(StandardCharsets.US_ASCII));
      }
      HttpResponse<String> next = fetch(client, setup, "/cancel");

      assertThat(next.body()).isEqualTo(body);
      assertThat(originGets("/cancel")).isEqualTo(2);
    }
  }
}
