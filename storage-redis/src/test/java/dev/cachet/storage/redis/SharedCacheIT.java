package dev.cachet.storage.redis;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.ok;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import dev.cachet.engine.CacheStatistics;
import dev.cachet.httpclient.CachingHttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Several application instances share one cache through Redis. */
class SharedCacheIT extends OriginAndInstances {
  @RegisterExtension static final RedisServerExtension REDIS = new RedisServerExtension();

  @Override
  RedisServer redis() {
    return REDIS.server();
  }

  @Test
  void secondInstance_firstRequestForAUrlTheFirstStored_isAHit_withNoOriginRequest()
      throws Exception {
    origin.stubFor(
        get("/catalogue")
            .willReturn(ok("the catalogue").withHeader("Cache-Control", "max-age=60")));
    CachingHttpClient first = instance();
    CachingHttpClient second = instance();

    HttpResponse<String> stored = first.send(request("/catalogue"), BodyHandlers.ofString());
    assertThat(stored.body()).isEqualTo("the catalogue");
    assertThat(originGets("/catalogue")).isEqualTo(1);
    assertThat(first.statistics().stores()).isEqualTo(1);

    HttpResponse<String> shared = second.send(request("/catalogue"), BodyHandlers.ofString());

    assertThat(shared.statusCode()).isEqualTo(200);
    assertThat(shared.body()).isEqualTo("the catalogue");
    assertThat(originGets("/catalogue")).as("origin requests").isEqualTo(1);
    CacheStatistics s = second.statistics();
    assertThat(s.requests()).isEqualTo(1);
    assertThat(s.hits()).isEqualTo(1);
    assertThat(s.misses()).isZero();
    assertThat(s.storageErrors()).isZero();
    assertThat(shared.headers().firstValue("Cache-Status"))
        .hasValueSatisfying(v -> assertThat(v).contains("hit"));
  }

  /**
   * Two instances miss on the same URL at once and store it at once (the origin dribbles each body
   * out slowly, so both writes are in flight together), while readers on both instances ask for it
   * from the cache only. Every body anyone reads is one whole body that the origin served.
   */
  @Test
  void concurrentWritersOfOneUrl_fromTwoInstances_everyReadIsOneWholeBodyTheOriginServed()
      throws Exception {
    origin.stubFor(
        get(urlEqualTo("/race"))
            .willReturn(
                aResponse()
                    .withStatus(200)
                    .withHeader("Cache-Control", "max-age=60")
                    .withBody("{{randomValue length=60000 type='ALPHANUMERIC'}}")
                    .withTransformers("response-template")
                    .withChunkedDribbleDelay(8, 300)));
    // Small chunks, so each body is several commands both ways and the writes interleave.
    CachingHttpClient a = instance(b -> b.chunkSize(4096));
    CachingHttpClient b = instance(b2 -> b2.chunkSize(4096));
    HttpRequest cachedOnly =
        HttpRequest.newBuilder(uri("/race")).header("Cache-Control", "only-if-cached").build();

    ConcurrentLinkedQueue<String> read = new ConcurrentLinkedQueue<>();
    AtomicBoolean writing = new AtomicBoolean(true);
    CyclicBarrier start = new CyclicBarrier(4);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> tasks = new ArrayList<>();
      for (CachingHttpClient writer : List.of(a, b)) {
        tasks.add(
            pool.submit(
                (Callable<Void>)
                    () -> {
                      start.await();
                      read.add(writer.send(request("/race"), BodyHandlers.ofString()).body());
                      return null;
                    }));
      }
      for (CachingHttpClient reader : List.of(a, b)) {
        tasks.add(
            pool.submit(
                (Callable<Void>)
                    () -> {
                      start.await();
                      // Until both writers are done, and a few reads after. A read counts as
                      // after only if it began after both commits: one in flight across the
                      // second commit may find the pair that commit replaces, lose its body,
                      // and rightly answer 504.
                      for (int after = 0; after < 20; ) {
                        boolean begunAfterWriting = !writing.get();
                        HttpResponse<String> r = reader.send(cachedOnly, BodyHandlers.ofString());
                        if (r.statusCode() == 200) {
                          read.add(r.body());
                        } else {
                          assertThat(begunAfterWriting).as("a 504 after both commits").isFalse();
                          assertThat(r.statusCode()).isEqualTo(504); // nothing stored yet
                        }
                        if (begunAfterWriting) {
                          after++;
                        }
                      }
                      return null;
                    }));
      }
      tasks.get(0).get(1, TimeUnit.MINUTES);
      tasks.get(1).get(1, TimeUnit.MINUTES);
      writing.set(false);
      for (Future<?> f : tasks) {
        f.get(1, TimeUnit.MINUTES);
      }
    } finally {
      pool.shutdownNow();
    }

    Set<String> served =
        origin.getAllServeEvents().stream()
            .map(ServeEvent::getResponse)
            .map(r -> r.getBodyAsString())
            .collect(Collectors.toSet());
    assertThat(originGets("/race")).as("both instances missed and fetched").isEqualTo(2);
    assertThat(served).hasSize(2).allSatisfy(body -> assertThat(body).hasSize(60000));
    assertThat(read).hasSizeGreaterThanOrEqualTo(2 + 2 * 20);
    assertThat(read).allSatisfy(body -> assertThat(served).contains(body));
    assertThat(a.statistics().stores() + b.statistics().stores()).isEqualTo(2);
    assertThat(a.statistics().storageErrors() + b.statistics().storageErrors()).isZero();

    // Afterwards both instances serve the same body, the last one committed.
    String now = a.send(cachedOnly, BodyHandlers.ofString()).body();
    assertThat(b.send(cachedOnly, BodyHandlers.ofString()).body()).isEqualTo(now);
    assertThat(served).contains(now);
  }

  @Test
  void instancesWithDifferentPrefixes_doNotShare() throws Exception {
    origin.stubFor(get("/own").willReturn(ok("mine").withHeader("Cache-Control", "max-age=60")));
    CachingHttpClient first = instance(b -> b.keyPrefix("team-a"));
    CachingHttpClient second = instance(b -> b.keyPrefix("team-b"));
    first.send(request("/own"), BodyHandlers.ofString());
    second.send(request("/own"), BodyHandlers.ofString());
    assertThat(originGets("/own")).isEqualTo(2);
    assertThat(second.statistics().misses()).isEqualTo(1);
  }
}
