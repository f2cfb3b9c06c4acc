package dev.cachet.micrometer;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.ok;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.cachet.core.CacheKey;
import dev.cachet.core.CacheOptions;
import dev.cachet.core.CacheOverride;
import dev.cachet.core.StoredPair;
import dev.cachet.engine.CacheEvent;
import dev.cachet.engine.CacheListener;
import dev.cachet.httpclient.CachingHttpClient;
import dev.cachet.storage.BodyWriter;
import dev.cachet.storage.MemoryStorage;
import dev.cachet.storage.Storage;
import dev.cachet.storage.StorageException;
import dev.cachet.storage.StoredBody;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * {@link CachingHttpClientMetrics} on a {@link SimpleMeterRegistry}, over a real {@link
 * CachingHttpClient} and a WireMock origin on 127.0.0.1; what each meter reads is checked against
 * the origin's request count and the client's own statistics.
 */
class CachingHttpClientMetricsIT {
  static WireMockServer origin;

  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  final MutableClock clock = new MutableClock();
  final List<CachingHttpClient> clients = new ArrayList<>();

  @BeforeAll
  static void startOrigin() {
    origin = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
    origin.start();
  }

  @AfterAll
  static void stopOrigin() {
    origin.stop();
  }

  @BeforeEach
  void resetOrigin() {
    origin.resetAll();
  }

  @AfterEach
  void closeClients() {
    clients.forEach(CachingHttpClient::close);
  }

  /** A client of the full wiring: the metrics as listener, the origin timed, bound to registry. */
  CachingHttpClient monitored(Storage storage, CachingHttpClientMetrics metrics) {
    CachingHttpClient client =
        CachingHttpClient.newBuilder(
                metrics.timeOrigin(
                    HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()))
            .listener(metrics)
            .storage(storage)
            .clock(clock)
            .build();
    clients.add(client);
    metrics.monitor(client).bindTo(registry);
    return client;
  }

  CachingHttpClient monitored(String name) {
    return monitored(
        MemoryStorage.newBuilder().maximumBytes(1 << 20).build(),
        CachingHttpClientMetrics.newBuilder(name).build());
  }

  static URI uri(String path) {
    return URI.create("http://127.0.0.1:" + origin.port() + path);
  }

  static HttpResponse<String> fetch(HttpClient client, String path) throws Exception {
    return client.send(HttpRequest.newBuilder(uri(path)).build(), BodyHandlers.ofString());
  }

  static int originGets(String path) {
    return origin.countRequestsMatching(getRequestedFor(urlEqualTo(path)).build()).getCount();
  }

  double requests(String cache, String result) {
    return registry
        .get("cachet.requests")
        .tag("cache", cache)
        .tag("result", result)
        .functionCounter()
        .count();
  }

  double counter(String name, String cache) {
    return registry.get(name).tag("cache", cache).functionCounter().count();
  }

  @Nested
  class Requests {
    @Test
    void missThenHit_countOneEach_andOneStore() throws Exception {
      origin.stubFor(get("/a").willReturn(ok("alpha").withHeader("Cache-Control", "max-age=60")));
      CachingHttpClient client = monitored("api");

      fetch(client, "/a");
      HttpResponse<String> again = fetch(client, "/a");

      assertThat(again.headers().firstValue("Cache-Status"))
          .hasValueSatisfying(s -> assertThat(s).startsWith("Cachet; hit"));
      assertThat(originGets("/a")).isEqualTo(1);
      assertThat(requests("api", "miss")).isEqualTo(1);
      assertThat(requests("api", "hit")).isEqualTo(1);
      assertThat(requests("api", "stale")).isZero();
      assertThat(requests("api", "revalidated")).isZero();
      assertThat(counter("cachet.stores", "api")).isEqualTo(1);
    }

    @Test
    void revalidationAnswered304_countsRevalidated() throws Exception {
      origin.stubFor(
          get("/r")
              .willReturn(
                  ok("body")
                      .withHeader("Cache-Control", "max-age=10")
                      .withHeader("ETag", "\"v1\"")));
      CachingHttpClient client = monitored("api");
      fetch(client, "/r");
      clock.advanceSeconds(30);
      origin.stubFor(
          get("/r")
              .withHeader("If-None-Match", equalTo("\"v1\""))
              .willReturn(
                  aResponse()
                      .withStatus(304)
                      .withHeader("Cache-Control", "max-age=10")
                      .withHeader("ETag", "\"v1\"")));

      HttpResponse<String> revalidated = fetch(client, "/r");

      assertThat(revalidated.body()).isEqualTo("body");
      assertThat(originGets("/r")).isEqualTo(2);
      assertThat(requests("api", "revalidated")).isEqualTo(1);
      assertThat(requests("api", "miss")).isEqualTo(1);
      assertThat(requests("api", "hit")).isZero();
      assertThat(client.statistics().notModified()).isEqualTo(1);
    }

    @Test
    void staleServedWithMaxStale_countsStaleNotHit() throws Exception {
      origin.stubFor(get("/s").willReturn(ok("old").withHeader("Cache-Control", "max-age=10")));
      CachingHttpClient client = monitored("api");
      fetch(client, "/s");
      clock.advanceSeconds(30);

      HttpResponse<String> stale =
          client.send(
              HttpRequest.newBuilder(uri("/s")).header("Cache-Control", "max-stale=120").build(),
              BodyHandlers.ofString());

      assertThat(stale.headers().firstValue("Cache-Status"))
          .hasValueSatisfying(s -> assertThat(s).contains("hit").contains("ttl=-"));
      assertThat(originGets("/s")).isEqualTo(1);
      assertThat(requests("api", "stale")).isEqualTo(1);
      assertThat(requests("api", "hit")).isZero();
      assertThat(client.statistics().hits()).isEqualTo(1);
    }

    @Test
    void staleIfError_countsStaleNotRevalidated() throws Exception {
      origin.stubFor(
          get("/e")
              .willReturn(
                  ok("kept").withHeader("Cache-Control", "max-age=10, stale-if-error=600")));
      CachingHttpClient client = monitored("api");
      fetch(client, "/e");
      clock.advanceSeconds(30);
      origin.stubFor(get("/e").willReturn(aResponse().withStatus(503)));

      HttpResponse<String> stale = fetch(client, "/e");

      assertThat(stale.statusCode()).isEqualTo(200);
      assertThat(stale.body()).isEqualTo("kept");
      assertThat(requests("api", "stale")).isEqualTo(1);
      assertThat(requests("api", "revalidated")).isZero();
      assertThat(client.statistics().revalidations()).isEqualTo(1);
    }

    @Test
    void staleWhileRevalidate_countsStale_andTheBackgroundRevalidation() throws Exception {
      origin.stubFor(
          get("/w")
              .willReturn(
                  ok("soon")
                      .withHeader("Cache-Control", "max-age=10, stale-while-revalidate=600")));
      CachingHttpClient client = monitored("api");
      fetch(client, "/w");
      clock.advanceSeconds(30);

      HttpResponse<String> stale = fetch(client, "/w");

      assertThat(stale.body()).isEqualTo("soon");
      assertThat(requests("api", "stale")).isEqualTo(1);
      assertThat(requests("api", "hit")).isZero();
      waitFor(() -> counter("cachet.background.revalidations", "api") == 1);
      waitFor(() -> originGets("/w") == 2);
    }

    @Test
    void theFourResults_addUpToTheClientsRequests() throws Exception {
      origin.stubFor(
          get("/m")
              .willReturn(
                  ok("m")
                      .withHeader("Cache-Control", "max-age=10, stale-if-error=600")
                      .withHeader("ETag", "\"m\"")));
      CachingHttpClient client = monitored("api");
      fetch(client, "/m"); // miss
      fetch(client, "/m"); // hit
      clock.advanceSeconds(30);
      fetch(client, "/m"); // revalidated (a full 200 again)
      clock.advanceSeconds(30);
      origin.stubFor(get("/m").willReturn(aResponse().withStatus(500)));
      fetch(client, "/m"); // stale-if-error

      double sum =
          requests("api", "hit")
              + requests("api", "stale")
              + requests("api", "miss")
              + requests("api", "revalidated");
      assertThat(sum).isEqualTo(client.statistics().requests()).isEqualTo(4);
      assertThat(requests("api", "hit")).isEqualTo(1);
      assertThat(requests("api", "stale")).isEqualTo(1);
      assertThat(requests("api", "miss")).isEqualTo(1);
      assertThat(requests("api", "revalidated")).isEqualTo(1);
    }

    @Test
    void concurrentMisses_countCollapsedRequests() throws Exception {
      origin.stubFor(
          get("/c")
              .willReturn(
                  ok("one").withHeader("Cache-Control", "max-age=60").withFixedDelay(1_000)));
      CachingHttpClient client = monitored("api");
      HttpRequest request = HttpRequest.newBuilder(uri("/c")).build();

      // sendAsync looks the request up on the calling thread: the first one's exchange is in
      // flight (the origin waits a second) when the other two look up.
      List<CompletableFuture<HttpResponse<String>>> all = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        all.add(client.sendAsync(request, BodyHandlers.ofString()));
      }
      for (CompletableFuture<HttpResponse<String>> f : all) {
        assertThat(f.get(30, TimeUnit.SECONDS).body()).isEqualTo("one");
      }

      assertThat(originGets("/c")).isEqualTo(1);
      assertThat(counter("cachet.collapsed", "api")).isEqualTo(2);
    }
  }

  @Nested
  class Storage_ {
    @Test
    void evictions_areCounted() throws Exception {
      String body = "x".repeat(3_000);
      for (String p : List.of("/e1", "/e2", "/e3", "/e4")) {
        origin.stubFor(get(p).willReturn(ok(body).withHeader("Cache-Control", "max-age=60")));
      }
      MemoryStorage small = MemoryStorage.newBuilder().maximumBytes(8_000).build();
      CachingHttpClient client =
          monitored(small, CachingHttpClientMetrics.newBuilder("small").build());

      for (String p : List.of("/e1", "/e2", "/e3", "/e4")) {
        fetch(client, p);
      }

      assertThat(counter("cachet.stores", "small")).isEqualTo(4);
      assertThat(counter("cachet.evictions", "small"))
          .isPositive()
          .isEqualTo(client.statistics().evictions());
    }

    @Test
    void storageFailures_areCounted_andRequestsStillAnswered() throws Exception {
      origin.stubFor(get("/f").willReturn(ok("fine").withHeader("Cache-Control", "max-age=60")));
      CachingHttpClient client =
          monitored(new BrokenStorage(), CachingHttpClientMetrics.newBuilder("broken").build());

      HttpResponse<String> r = fetch(client, "/f");

      assertThat(r.body()).isEqualTo("fine");
      assertThat(counter("cachet.storage.errors", "broken"))
          .isPositive()
          .isEqualTo(client.statistics().storageErrors());
    }
  }

  @Nested
  class Origin {
    @Test
    void eachOriginExchange_isTimed_withMethodStatusAndOutcome() throws Exception {
      origin.stubFor(
          get("/t")
              .willReturn(
                  ok("t").withHeader("Cache-Control", "max-age=10").withHeader("ETag", "\"t\"")));
      CachingHttpClient client = monitored("api");
      fetch(client, "/t");
      fetch(client, "/t"); // a hit: no origin exchange
      clock.advanceSeconds(30);
      origin.stubFor(get("/t").willReturn(aResponse().withStatus(304).withHeader("ETag", "\"t\"")));
      fetch(client, "/t");

      Timer ok =
          registry.get("cachet.origin.latency").tags("cache", "api", "status", "200").timer();
      Timer notModified =
          registry.get("cachet.origin.latency").tags("cache", "api", "status", "304").timer();
      assertThat(ok.count()).isEqualTo(1);
      assertThat(notModified.count()).isEqualTo(1);
      assertThat(ok.getId().getTag("method")).isEqualTo("GET");
      assertThat(ok.getId().getTag("outcome")).isEqualTo("SUCCESS");
      assertThat(notModified.getId().getTag("outcome")).isEqualTo("REDIRECTION");
      assertThat(ok.getId().getTag("exception")).isEqualTo("none");
      assertThat(ok.totalTime(TimeUnit.NANOSECONDS)).isPositive();
      assertThat(originGets("/t")).isEqualTo(2);
    }

    @Test
    void unreachableOrigin_countsAnOriginError_andTimesItAsIoError() throws Exception {
      CachingHttpClient client = monitored("down");
      int closedPort;
      try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        closedPort = s.getLocalPort();
      }
      HttpRequest request =
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + closedPort + "/x")).build();

      assertThatThrownBy(() -> client.send(request, BodyHandlers.ofString()))
          .isInstanceOf(ConnectException.class);

      assertThat(counter("cachet.origin.errors", "down")).isEqualTo(1);
      assertThat(requests("down", "miss")).isEqualTo(1);
      Timer failed =
          registry.get("cachet.origin.latency").tags("cache", "down", "status", "IO_ERROR").timer();
      assertThat(failed.count()).isEqualTo(1);
      assertThat(failed.getId().getTag("exception")).isEqualTo("ConnectException");
      assertThat(failed.getId().getTag("outcome")).isEqualTo("UNKNOWN");
    }

    @Test
    void cancellingATimedExchange_cancelsTheWrappedClientsExchange() throws Exception {
      origin.stubFor(get("/slow").willReturn(ok("late").withFixedDelay(10_000)));
      CachingHttpClientMetrics metrics = CachingHttpClientMetrics.newBuilder("cancel").build();
      CachingHttpClient client = CachingHttpClient.newBuilder().build();
      clients.add(client);
      metrics.monitor(client).bindTo(registry);
      HttpClient timed =
          metrics.timeOrigin(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build());

      CompletableFuture<HttpResponse<String>> future =
          timed.sendAsync(HttpRequest.newBuilder(uri("/slow")).build(), BodyHandlers.ofString());
      future.cancel(true);

      // Had the cancel not reached the JDK's own future, the exchange would still be waiting for
      // the origin's answer, and nothing would be recorded for ten seconds. The failure may be
      // recorded on the JDK's thread a moment after cancel returns: waited for, well short of that.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (registry.find("cachet.origin.latency").tags("cache", "cancel").timer() == null
          && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      Timer cancelled =
          registry
              .get("cachet.origin.latency")
              .tags("cache", "cancel", "exception", "CancellationException")
              .timer();
      assertThat(cancelled.count()).isEqualTo(1);
      assertThat(cancelled.getId().getTag("status")).isEqualTo("IO_ERROR");
    }

    @Test
    void timedOrigin_keepsTheWrappedClientsSettings() {
      HttpClient plain =
          HttpClient.newBuilder()
              .connectTimeout(Duration.ofSeconds(3))
              .followRedirects(HttpClient.Redirect.NORMAL)
              .version(HttpClient.Version.HTTP_1_1)
              .build();
      HttpClient timed = CachingHttpClientMetrics.newBuilder("x").build().timeOrigin(plain);

      assertThat(timed.connectTimeout()).contains(Duration.ofSeconds(3));
      assertThat(timed.followRedirects()).isEqualTo(HttpClient.Redirect.NORMAL);
      assertThat(timed.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
      assertThat(timed.sslContext()).isSameAs(plain.sslContext());
    }
  }

  @Nested
  class Wiring {
    @Test
    void everyMeter_isTaggedWithTheCacheName_andTheGivenTags() throws Exception {
      origin.stubFor(get("/g").willReturn(ok("g").withHeader("Cache-Control", "max-age=60")));
      CachingHttpClient client =
          monitored(
              MemoryStorage.newBuilder().maximumBytes(1 << 20).build(),
              CachingHttpClientMetrics.newBuilder("catalogue").tags("region", "eu").build());
      fetch(client, "/g");

      List<Meter> meters = registry.getMeters();
      assertThat(meters)
          .extracting(m -> m.getId().getName())
          .contains(
              "cachet.requests",
              "cachet.stores",
              "cachet.evictions",
              "cachet.storage.errors",
              "cachet.origin.errors",
              "cachet.collapsed",
              "cachet.background.revalidations",
              "cachet.overrides",
              "cachet.origin.latency");
      assertThat(meters)
          .allSatisfy(
              m ->
                  assertThat(m.getId().getTags())
                      .contains(Tag.of("cache", "catalogue"), Tag.of("region", "eu")));
    }

    @Test
    void twoClients_keepTheirCountsApart() throws Exception {
      origin.stubFor(get("/two").willReturn(ok("2").withHeader("Cache-Control", "max-age=60")));
      CachingHttpClient first = monitored("first");
      CachingHttpClient second = monitored("second");

      fetch(first, "/two");
      fetch(first, "/two");
      fetch(second, "/two");

      assertThat(requests("first", "hit")).isEqualTo(1);
      assertThat(requests("first", "miss")).isEqualTo(1);
      assertThat(requests("second", "hit")).isZero();
      assertThat(requests("second", "miss")).isEqualTo(1);
    }

    @Test
    void theApplicationsListener_hearsEveryEvent() throws Exception {
      origin.stubFor(get("/l").willReturn(ok("l").withHeader("Cache-Control", "max-age=60")));
      List<CacheEvent.Outcome> heard = new CopyOnWriteArrayList<>();
      CachingHttpClientMetrics metrics =
          CachingHttpClientMetrics.newBuilder("api")
              .listener(
                  new CacheListener() {
                    @Override
                    public void onOutcome(CacheEvent event) {
                      heard.add(event.outcome());
                    }
                  })
              .build();
      CachingHttpClient client =
          monitored(MemoryStorage.newBuilder().maximumBytes(1 << 20).build(), metrics);

      fetch(client, "/l");
      fetch(client, "/l");

      assertThat(heard).containsExactly(CacheEvent.Outcome.MISS, CacheEvent.Outcome.HIT);
      assertThat(requests("api", "hit")).isEqualTo(1);
    }

    @Test
    void OV_01_aHitThatDependedOnAnOverride_isCounted() throws Exception {
      origin.stubFor(get("/ov").willReturn(ok("ov").withHeader("Cache-Control", "max-age=0")));
      CachingHttpClient client =
          CachingHttpClient.newBuilder()
              .version(HttpClient.Version.HTTP_1_1)
              .clock(clock)
              .cacheOptions(
                  CacheOptions.newBuilder()
                      .override(
                          CacheOverride.forEveryRequest()
                              .minimumLifetime(Duration.ofMinutes(1))
                              .build())
                      .build())
              .build();
      clients.add(client);
      CachingHttpClientMetrics.monitor(registry, client, "ov");

      fetch(client, "/ov");
      clock.advanceSeconds(10);
      fetch(client, "/ov");

      assertThat(originGets("/ov")).isEqualTo(1);
      assertThat(requests("ov", "hit")).isEqualTo(1);
      assertThat(counter("cachet.overrides", "ov")).isEqualTo(1);
    }

    @Test
    void staticMonitor_bindsABuiltClient_countingStaleAsHits() throws Exception {
      origin.stubFor(get("/b").willReturn(ok("b").withHeader("Cache-Control", "max-age=10")));
      CachingHttpClient client =
          CachingHttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).clock(clock).build();
      clients.add(client);
      CachingHttpClientMetrics.monitor(registry, client, "plain", "team", "search");

      fetch(client, "/b");
      clock.advanceSeconds(30);
      client.send(
          HttpRequest.newBuilder(uri("/b")).header("Cache-Control", "max-stale=120").build(),
          BodyHandlers.ofString());

      assertThat(requests("plain", "miss")).isEqualTo(1);
      assertThat(requests("plain", "hit")).isEqualTo(1);
      assertThat(requests("plain", "stale")).isZero();
      assertThat(registry.find("cachet.origin.latency").timers()).isEmpty();
      assertThat(registry.get("cachet.stores").tag("team", "search").functionCounter().count())
          .isEqualTo(1);
    }

    @Test
    void bindTo_withoutAClient_saysWhatIsMissing() {
      CachingHttpClientMetrics metrics = CachingHttpClientMetrics.newBuilder("none").build();

      assertThatThrownBy(() -> metrics.bindTo(registry))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("monitor(client)");
    }

    @Test
    void monitor_twice_isRefused() {
      CachingHttpClient client = CachingHttpClient.newBuilder().build();
      clients.add(client);
      CachingHttpClientMetrics metrics =
          CachingHttpClientMetrics.newBuilder("once").build().monitor(client);

      assertThatThrownBy(() -> metrics.monitor(client)).isInstanceOf(IllegalStateException.class);
    }
  }

  @Nested
  class CacheStatusParsing {
    @Test
    void negativeTtl_isStale_otherwiseNot() {
      assertThat(CachingHttpClientMetrics.servedStale("Cachet; hit; ttl=-5; detail=\"X\""))
          .isTrue();
      assertThat(CachingHttpClientMetrics.servedStale("Cachet; hit; ttl=42")).isFalse();
      assertThat(CachingHttpClientMetrics.servedStale("Cachet; hit; collapsed")).isFalse();
    }
  }

  /** Waits, bounded, for something a background task does; fails if it never happens. */
  static void waitFor(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not reached within 10 s");
      }
      Thread.sleep(10);
    }
  }

  /** A clock the tests move by hand. */
  static final class MutableClock extends Clock {
    private final AtomicReference<Instant> now =
        new AtomicReference<>(Instant.now().truncatedTo(ChronoUnit.SECONDS));

    void advanceSeconds(long seconds) {
      now.updateAndGet(t -> t.plusSeconds(seconds));
    }

    @Override
    public Instant instant() {
      return now.get();
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      throw new UnsupportedOperationException();
    }
  }

  /** A storage whose every call fails, as a broken disk would. */
  static final class BrokenStorage implements Storage {
    @Override
    public List<StoredPair> find(CacheKey key) throws StorageException {
      throw new StorageException("broken: find");
    }

    @Override
    public BodyWriter newWriter(StoredPair pair) throws StorageException {
      throw new StorageException("broken: newWriter");
    }

    @Override
    public Optional<StoredBody> openBody(StoredPair pair) throws StorageException {
      throw new StorageException("broken: openBody");
    }

    @Override
    public boolean update(StoredPair pair) throws StorageException {
      throw new StorageException("broken: update");
    }

    @Override
    public void remove(CacheKey key, Collection<UUID> ids) throws StorageException {
      throw new StorageException("broken: remove");
    }

    @Override
    public void removeAll(CacheKey key) throws StorageException {
      throw new StorageException("broken: removeAll");
    }

    @Override
    public long size() throws StorageException {
      throw new StorageException("broken: size");
    }

    @Override
    public long evictionCount() {
      return 0;
    }

    @Override
    public void clear() throws StorageException {
      throw new StorageException("broken: clear");
    }

    @Override
    public void close() {}
  }
}
