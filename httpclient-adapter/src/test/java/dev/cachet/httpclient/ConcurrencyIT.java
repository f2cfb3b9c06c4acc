package dev.cachet.httpclient;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.ok;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cachet.engine.CacheStatistics;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Two threads, thousands of requests over a few hundred URLs, three fifths fresh, one fifth stale
 * (revalidated with 304), one fifth not storable, in two versions of the origin: no exception,
 * every body exactly what the origin served for that URL and version, statistics that add up.
 */
class ConcurrencyIT extends OriginSupport {
  static final int URLS = 240;
  static final int REQUESTS_PER_THREAD_AND_PHASE = 1_000;

  static String path(int i) {
    return "/c/" + i;
  }

  /** A body that differs per URL and version, in length too (0 to about 3 KiB). */
  static String body(int i, int version) {
    String head = "url " + i + " version " + version + ";";
    return head + "#".repeat((i * 37 + version * 11) % 3_000);
  }

  void serveVersion(int version) {
    origin.resetMappings();
    for (int i = 0; i < URLS; i++) {
      String etag = "\"" + i + "-" + version + "\"";
      switch (i % 5) {
        case 0, 1, 2 ->
            origin.stubFor(
                get(path(i))
                    .willReturn(ok(body(i, version)).withHeader("Cache-Control", "max-age=3600")));
        case 3 -> {
          origin.stubFor(
              get(path(i))
                  .willReturn(
                      ok(body(i, version))
                          .withHeader("Cache-Control", "max-age=0")
                          .withHeader("ETag", etag)));
          origin.stubFor(
              get(path(i))
                  .withHeader("If-None-Match", equalTo(etag))
                  .atPriority(1)
                  .willReturn(
                      aResponse()
                          .withStatus(304)
                          .withHeader("Cache-Control", "max-age=0")
                          .withHeader("ETag", etag)));
        }
        default ->
            origin.stubFor(
                get(path(i))
                    .willReturn(ok(body(i, version)).withHeader("Cache-Control", "no-store")));
      }
    }
  }

  /** Runs both threads; each checks every body and returns how many requests it made. */
  void phase(CachingHttpClient client, int version, Storages.Kind kind) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      List<Future<Integer>> done = new ArrayList<>();
      for (int t = 0; t < 2; t++) {
        Setup setup = new Setup(kind, t == 1); // one thread blocks in send, one uses sendAsync
        long seed = 31L * version + t;
        done.add(
            pool.submit(
                () -> {
                  Random random = new Random(seed);
                  for (int n = 0; n < REQUESTS_PER_THREAD_AND_PHASE; n++) {
                    int i = random.nextInt(URLS);
                    HttpRequest request = request(path(i)).build();
                    HttpResponse<String> r = setup.send(client, request, BodyHandlers.ofString());
                    assertThat(r.statusCode()).as(path(i)).isEqualTo(200);
                    assertThat(r.body()).as(path(i)).isEqualTo(body(i, version));
                  }
                  return REQUESTS_PER_THREAD_AND_PHASE;
                }));
      }
      for (Future<Integer> f : done) {
        f.get(120, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @ParameterizedTest
  @EnumSource(Storages.Kind.class)
  void twoThreads_mixedResponses_noWrongBody_andStatisticsAddUp(Storages.Kind kind)
      throws Exception {
    CachingHttpClient client = client(new Setup(kind, false));

    serveVersion(1);
    phase(client, 1, kind);
    serveVersion(2);
    clock.advanceSeconds(7_200); // everything stored in version 1 is now stale
    phase(client, 2, kind);

    CacheStatistics s = client.statistics();
    long total = 2L * 2 * REQUESTS_PER_THREAD_AND_PHASE;
    assertThat(s.requests()).isEqualTo(total);
    assertThat(s.hits() + s.misses() + s.revalidations()).isEqualTo(total);
    assertThat(s.hits()).isPositive();
    assertThat(s.revalidations()).isPositive();
    assertThat(s.notModified()).isPositive().isLessThanOrEqualTo(s.revalidations());
    assertThat(s.storageErrors()).isZero();
    // Every request that was not a hit went to the origin exactly once.
    assertThat(originRequests(anyRequestedFor(anyUrl()))).isEqualTo(s.misses() + s.revalidations());
    assertThat(s.stores()).isPositive().isLessThanOrEqualTo(s.misses() + s.revalidations());
  }
}
