package dev.cachet.httpclient;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.ok;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import dev.cachet.core.CacheKey;
import dev.cachet.core.StoredPair;
import dev.cachet.engine.CacheListener;
import dev.cachet.storage.StoredBody;
import java.net.URI;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The background half of {@code stale-while-revalidate} (RFC 5861 §3) against an origin that does
 * not answer, or stalls the body of its answer: at most one revalidation per key runs at a time, so
 * one that never ends must not hold its key forever.
 */
class BackgroundRevalidationIT extends OriginSupport {
  private static final String SETUPS = "dev.cachet.httpclient.Setup#all";

  /** Longer than the test waits for anything: to the cache, an origin that never answers. */
  private static final int HANG_MILLIS = 8_000;

  private static final long PATIENCE_MILLIS = 5_000;

  /** How long the origin takes to send a body it sends slowly: well past the 0.5 s timeout. */
  private static final int DRIBBLE_MILLIS = 3_000;

  /**
   * Guards against a hung background revalidation blocking every later one of its key: the caller's
   * request has no timeout, the origin holds the conditional request past the test's patience, and
   * yet the revalidation ends (timed out, told to the listener) and the next stale response starts
   * a new one.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource(SETUPS)
  void X_02_hungBackgroundRevalidation_timesOut_andTheNextStaleResponseRevalidatesAgain(Setup setup)
      throws Exception {
    Throwable failure =
        revalidationTimesOut_andTheNextStaleResponseRevalidatesAgain(
                setup,
                ok("v2")
                    .withHeader("Cache-Control", "max-age=10, stale-while-revalidate=600")
                    .withFixedDelay(HANG_MILLIS))
            .failure();

    assertThat(failure).isInstanceOf(HttpTimeoutException.class);
  }

  /**
   * Guards against a background revalidation whose origin sends the head of a new response at once
   * and then stalls its body: the JDK's timeout ends with the head, so the cache bounds the whole
   * revalidation itself, tells the listener it timed out, and frees the key for the next one. And
   * the new response replaces the stored one only once it is written (V-03): meanwhile the stale
   * one is still served, not lost to a miss.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource(SETUPS)
  void X_02_V_03_revalidationWithAStalledBody_timesOut_keepsTheStaleOne_andTheNextRevalidatesAgain(
      Setup setup) throws Exception {
    long started = System.nanoTime();
    Outcome outcome =
        revalidationTimesOut_andTheNextStaleResponseRevalidatesAgain(
            setup,
            ok("v2".repeat(100))
                .withHeader("Cache-Control", "max-age=10, stale-while-revalidate=600")
                // The head and the first bytes within 30 ms, the last after 3 s.
                .withChunkedDribbleDelay(100, DRIBBLE_MILLIS));
    CachingHttpClient client = outcome.client();

    assertThat(outcome.failure())
        .isInstanceOf(HttpTimeoutException.class)
        .hasMessageContaining("did not finish within PT0.5S");
    // Given up means given up: once the origin would have sent the whole body, the abandoned
    // revalidations have stored nothing, and v1 is still the one stored response.
    long left = DRIBBLE_MILLIS + 500 - (System.nanoTime() - started) / 1_000_000;
    Thread.sleep(Math.max(0, left));
    CacheKey key = CacheKey.of(uri("/hang"));
    List<StoredPair> stored = client.storage().find(key);
    assertThat(stored).singleElement();
    try (StoredBody body = client.storage().openBody(stored.get(0)).orElseThrow()) {
      assertThat(new String(body.asInputStream().readAllBytes(), StandardCharsets.UTF_8))
          .isEqualTo("v1");
    }
  }

  /** The client a test used, and the one failure its listener was told. */
  private record Outcome(CachingHttpClient client, Throwable failure) {}

  /**
   * Stores v1, lets it go stale, and has the origin answer its revalidations with {@code
   * revalidation}: checks that the stale v1 is served twice, that the first revalidation ended
   * (told to the listener) within the test's patience, and that the second stale response started a
   * new one.
   */
  private Outcome revalidationTimesOut_andTheNextStaleResponseRevalidatesAgain(
      Setup setup, ResponseDefinitionBuilder revalidation) throws Exception {
    origin.stubFor(
        get("/hang")
            .willReturn(
                ok("v1").withHeader("Cache-Control", "max-age=10, stale-while-revalidate=600")));
    List<Throwable> failures = new CopyOnWriteArrayList<>();
    CountDownLatch failed = new CountDownLatch(1);
    CachingHttpClient client =
        client(
            setup,
            b ->
                b.backgroundRevalidationTimeout(Duration.ofMillis(500))
                    .listener(
                        new CacheListener() {
                          @Override
                          public void onBackgroundRevalidationFailure(URI uri, Throwable error) {
                            failures.add(error);
                            failed.countDown();
                          }
                        }));
    fetch(client, setup);
    origin.stubFor(get("/hang").willReturn(revalidation));
    clock.advanceSeconds(20);

    HttpResponse<String> stale = fetch(client, setup);
    awaitOriginGets(2);
    boolean ended = failed.await(PATIENCE_MILLIS, TimeUnit.MILLISECONDS);
    // Before the next revalidation starts: it times out too, soon after.
    List<Throwable> told = List.copyOf(failures);
    HttpResponse<String> staleAgain = fetch(client, setup);

    assertThat(stale.body()).isEqualTo("v1");
    assertThat(staleAgain.body()).isEqualTo("v1");
    assertThat(ended).as("the revalidation ended within the test's patience").isTrue();
    awaitOriginGets(3);
    assertThat(client.statistics().backgroundRevalidations()).isEqualTo(2);
    assertThat(told).hasSize(1);
    return new Outcome(client, told.get(0));
  }

  private HttpResponse<String> fetch(CachingHttpClient client, Setup setup) throws Exception {
    return setup.send(client, request("/hang").build(), BodyHandlers.ofString());
  }

  /** Waits (polling the origin's journal) until it has seen this many GETs, or fails. */
  private static void awaitOriginGets(int n) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(PATIENCE_MILLIS);
    while (originGets("/hang") < n && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(originGets("/hang")).as("origin GETs").isEqualTo(n);
  }
}
