package dev.cachet.benchmarks;

import dev.cachet.core.CacheOptions;
import dev.cachet.core.CachePolicy;
import dev.cachet.core.FromCache;
import dev.cachet.core.Headers;
import dev.cachet.core.IdleClient;
import dev.cachet.core.Request;
import dev.cachet.core.Response;
import dev.cachet.core.StoredPair;
import java.net.URI;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The decision alone, with no I/O: given the stored responses for a URL, is one of them a fresh hit
 * for this request (RFC 9111 §4, §4.1 Vary, §4.2 freshness)? Stored are 1 or 8 variants of the same
 * URL, each with {@code Vary: Accept-Language}; the request matches the last one stored, so 8
 * variants is the worst case for the Vary scan.
 *
 * <p>{@code idleClientNext} is the state machine's first step as the adapter calls it. {@code
 * cachePolicyBeforeRequest} is the one-response-at-a-time API: each variant has its own {@code
 * CachePolicy} and the caller asks them in turn until one is fresh. The peers have no public
 * equivalent of this step, so only Cachet runs here.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Threads(1)
public class DecisionBenchmark {
  private static final URI URL = URI.create("https://example.test/catalogue/items?page=2");

  @Param({"1", "8"})
  public int variants;

  private IdleClient idle;
  private List<StoredPair> stored;
  private List<CachePolicy> policies;
  private Request request;
  private Instant now;

  @Setup(Level.Trial)
  public void setUp() {
    CacheOptions options = CacheOptions.defaults();
    Instant stored = Instant.parse("2026-01-01T00:00:00Z");
    String date = DateTimeFormatter.RFC_1123_DATE_TIME.format(stored.atOffset(ZoneOffset.UTC));
    idle = IdleClient.of(options);
    this.stored = new ArrayList<>();
    policies = new ArrayList<>();
    for (int v = 0; v < variants; v++) {
      Request req = Request.get(URL).withHeaders(Headers.of("Accept-Language", language(v)));
      Response resp =
          Response.of(
              200,
              Headers.of(
                  "Date", date,
                  "Cache-Control", "max-age=3600",
                  "ETag", "\"v" + v + "\"",
                  "Vary", "Accept-Language",
                  "Content-Type", "application/json",
                  "Content-Length", "1024"));
      CachePolicy policy = CachePolicy.of(req, resp, stored, stored, options);
      if (!policy.isStorable()) {
        throw new IllegalStateException("not storable: " + policy.notStorableReason());
      }
      policies.add(policy);
      StoredPair p = policy.pair();
      this.stored.add(
          new StoredPair(
              new UUID(0, v),
              p.key(),
              p.request(),
              p.response(),
              p.requestTime(),
              p.responseTime()));
    }
    request = Request.get(URL).withHeaders(Headers.of("Accept-Language", language(variants - 1)));
    now = stored.plusSeconds(60);
    if (!(idleClientNext() instanceof FromCache hit) || hit.pair().isEmpty()) {
      throw new IllegalStateException("expected a fresh hit from IdleClient");
    }
    if (!(cachePolicyBeforeRequest() instanceof CachePolicy.Fresh)) {
      throw new IllegalStateException("expected a fresh hit from CachePolicy");
    }
  }

  private static String language(int v) {
    return "lang-" + (char) ('a' + v) + ",en;q=0.5";
  }

  @Benchmark
  public IdleClient.Next idleClientNext() {
    return idle.next(request, stored, now);
  }

  @Benchmark
  public CachePolicy.BeforeRequest cachePolicyBeforeRequest() {
    CachePolicy.BeforeRequest last = null;
    for (int i = 0; i < policies.size(); i++) {
      last = policies.get(i).beforeRequest(request, now);
      if (last instanceof CachePolicy.Fresh) {
        return last;
      }
    }
    return last;
  }
}
