package dev.cachet.micrometer;

import static java.util.Objects.requireNonNull;

import dev.cachet.engine.CacheEvent;
import dev.cachet.engine.CacheListener;
import dev.cachet.engine.CacheStatistics;
import dev.cachet.httpclient.CachingHttpClient;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.lang.ref.WeakReference;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.ToLongFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Micrometer metrics for a {@link CachingHttpClient}, in the manner of Micrometer's own {@code
 * CaffeineCacheMetrics}: counters that read the client's {@link CachingHttpClient#statistics()},
 * every meter tagged {@code cache=<name>} and with the tags given.
 *
 * <table>
 *   <caption>Meters</caption>
 *   <tr><th>name</th><th>type</th><th>what it counts</th></tr>
 *   <tr><td>{@code cachet.requests}</td><td>function counter, tag {@code result}</td>
 *       <td>cache look-ups: {@code hit} (fresh from storage, collapsed requests included),
 *       {@code stale} (served stale: {@code max-stale}, {@code stale-while-revalidate}, {@code
 *       stale-if-error}; RFC 9111 §4.2.4, RFC 5861), {@code miss} (forwarded without a stored
 *       response to validate) and {@code revalidated} (a conditional request was sent, RFC 9111
 *       §4.3); the four add up to {@link CacheStatistics#requests()}</td></tr>
 *   <tr><td>{@code cachet.stores}</td><td>function counter</td>
 *       <td>responses stored with their complete body</td></tr>
 *   <tr><td>{@code cachet.evictions}</td><td>function counter</td>
 *       <td>stored responses the storage evicted to stay within its bound</td></tr>
 *   <tr><td>{@code cachet.storage.errors}</td><td>function counter</td>
 *       <td>storage calls that failed (each such request went to the origin)</td></tr>
 *   <tr><td>{@code cachet.origin.errors}</td><td>function counter</td>
 *       <td>look-ups whose origin exchange ended in an exception the caller received</td></tr>
 *   <tr><td>{@code cachet.collapsed}</td><td>function counter</td>
 *       <td>requests that waited for another identical request's origin exchange</td></tr>
 *   <tr><td>{@code cachet.background.revalidations}</td><td>function counter</td>
 *       <td>{@code stale-while-revalidate} revalidations run in the background</td></tr>
 *   <tr><td>{@code cachet.overrides}</td><td>function counter</td>
 *       <td>responses served from storage only because an override rule or offline mode allowed
 *       it (also counted under {@code cachet.requests})</td></tr>
 *   <tr><td>{@code cachet.origin.latency}</td><td>timer, tags {@code method}, {@code status},
 *       {@code outcome}, {@code exception}</td>
 *       <td>each exchange with the origin, from sending the request until its response head
 *       arrived (the body streams to the caller at the caller's pace, so it is not included);
 *       {@code status} is {@code IO_ERROR} when there was no response</td></tr>
 * </table>
 *
 * <p>The split of hits into {@code hit} and {@code stale} needs this object as the client's {@link
 * CacheListener}, and the origin-latency timer needs the origin client to be {@link
 * #timeOrigin(HttpClient) wrapped}; both must be done as the client is built:
 *
 * <pre>{@code
 * CachingHttpClientMetrics metrics = CachingHttpClientMetrics.newBuilder("catalogue").build();
 * CachingHttpClient client =
 *     CachingHttpClient.newBuilder(metrics.timeOrigin(HttpClient.newHttpClient()))
 *         .listener(metrics)
 *         .build();
 * metrics.monitor(client).bindTo(registry);
 * }</pre>
 *
 * <p>For a client already built, {@link #monitor(MeterRegistry, CachingHttpClient, String,
 * Iterable)} binds the counters in one call; its {@code stale} stays 0 (stale responses are counted
 * as {@code hit} or {@code revalidated}, as in {@link CacheStatistics}) and it has no timer.
 *
 * <p>Like {@code CaffeineCacheMetrics}, the meters hold the client only weakly: once it is
 * collected they read {@code NaN}. This object is thread-safe.
 */
public final class CachingHttpClientMetrics implements MeterBinder, CacheListener {
  /** The tag naming the cache, as Micrometer's cache binders name it. */
  static final String CACHE_TAG = "cache";

  private static final Pattern TTL = Pattern.compile("(?:^|;)\\s*ttl=(-?\\d+)");

  private final Tags tags;
  private final Optional<CacheListener> next;
  private final LongAdder staleHits = new LongAdder();
  private final LongAdder staleAfterError = new LongAdder();
  private final CopyOnWriteArrayList<MeterRegistry> registries = new CopyOnWriteArrayList<>();
  private volatile @Nullable WeakReference<CachingHttpClient> client;

  private CachingHttpClientMetrics(Tags tags, Optional<CacheListener> next) {
    this.tags = tags;
    this.next = next;
  }

  /**
   * {@return a builder of metrics for the cache of this name, the value of every meter's {@code
   * cache} tag}
   *
   * @param cacheName the cache's name
   * @throws NullPointerException if {@code cacheName} is null
   */
  public static Builder newBuilder(String cacheName) {
    return new Builder(requireNonNull(cacheName, "cacheName"));
  }

  /**
   * Binds the counters of an already built client to a registry, as {@code
   * CaffeineCacheMetrics.monitor} does for a cache. Stale responses are counted as {@code hit} or
   * {@code revalidated} and there is no origin-latency timer: see the class documentation for the
   * wiring that has both.
   *
   * @param registry the registry to bind the meters to
   * @param client the client whose counters to read
   * @param cacheName the value of every meter's {@code cache} tag
   * @param tags more tags for every meter
   * @return the client, for chaining
   */
  public static CachingHttpClient monitor(
      MeterRegistry registry, CachingHttpClient client, String cacheName, Iterable<Tag> tags) {
    newBuilder(cacheName).tags(tags).build().monitor(client).bindTo(registry);
    return client;
  }

  /**
   * As {@link #monitor(MeterRegistry, CachingHttpClient, String, Iterable)}, with tags as key-value
   * pairs.
   *
   * @param registry the registry to bind the meters to
   * @param client the client whose counters to read
   * @param cacheName the value of every meter's {@code cache} tag
   * @param tags more tags for every meter, as alternating keys and values
   * @return the client, for chaining
   */
  public static CachingHttpClient monitor(
      MeterRegistry registry, CachingHttpClient client, String cacheName, String... tags) {
    return monitor(registry, client, cacheName, Tags.of(tags));
  }

  /**
   * The client whose {@link CachingHttpClient#statistics() statistics} the counters read. Give it
   * before {@link #bindTo(MeterRegistry)}.
   *
   * @param client the client, built with these metrics as its listener
   * @return this
   * @throws IllegalStateException if a client was given already
   */
  public synchronized CachingHttpClientMetrics monitor(CachingHttpClient client) {
    requireNonNull(client, "client");
    if (this.client != null) {
      throw new IllegalStateException("a client is monitored already");
    }
    this.client = new WeakReference<>(client);
    return this;
  }

  /**
   * {@return a client that sends through {@code origin} and times each exchange on {@code
   * cachet.origin.latency}: pass it to {@link CachingHttpClient#newBuilder(HttpClient)}} It
   * delegates every setting to {@code origin}; closing it closes {@code origin} on Java 21 and
   * later. Exchanges before {@link #bindTo(MeterRegistry)} are not recorded.
   *
   * @param origin the client the cache sends its origin requests through
   */
  public HttpClient timeOrigin(HttpClient origin) {
    return new TimedHttpClient(requireNonNull(origin, "origin"), this::recordOrigin);
  }

  /**
   * Registers the meters.
   *
   * @throws IllegalStateException if no client was given to {@link #monitor(CachingHttpClient)}
   */
  @Override
  public void bindTo(MeterRegistry registry) {
    requireNonNull(registry, "registry");
    WeakReference<CachingHttpClient> ref = client;
    CachingHttpClient c = ref == null ? null : ref.get();
    if (c == null) {
      throw new IllegalStateException("monitor(client) must be called before bindTo");
    }
    // Stale serving is counted by CacheStatistics as a hit (max-stale, stale-while-revalidate) or
    // as a revalidation (stale-if-error); the events this object hears move those to "stale".
    requests(registry, c, "hit", s -> s.hits() - staleHits.sum());
    requests(registry, c, "stale", s -> staleHits.sum() + staleAfterError.sum());
    requests(registry, c, "miss", CacheStatistics::misses);
    requests(registry, c, "revalidated", s -> s.revalidations() - staleAfterError.sum());
    counter(
        registry,
        c,
        "cachet.stores",
        "Responses stored with their complete body",
        CacheStatistics::stores);
    counter(
        registry,
        c,
        "cachet.evictions",
        "Stored responses evicted to stay within the storage's bound",
        CacheStatistics::evictions);
    counter(
        registry,
        c,
        "cachet.storage.errors",
        "Storage calls that failed; the requests affected went to the origin",
        CacheStatistics::storageErrors);
    counter(
        registry,
        c,
        "cachet.origin.errors",
        "Look-ups whose exchange with the origin ended in an exception",
        CacheStatistics::originErrors);
    counter(
        registry,
        c,
        "cachet.collapsed",
        "Requests that waited for another identical request's origin exchange",
        CacheStatistics::collapsed);
    counter(
        registry,
        c,
        "cachet.background.revalidations",
        "stale-while-revalidate revalidations run in the background",
        CacheStatistics::backgroundRevalidations);
    counter(
        registry,
        c,
        "cachet.overrides",
        "Responses served from storage only because an override rule or offline mode allowed it",
        CacheStatistics::overrides);
    registries.addIfAbsent(registry);
  }

  private void requests(
      MeterRegistry registry,
      CachingHttpClient c,
      String result,
      ToLongFunction<CacheStatistics> count) {
    FunctionCounter.builder(
            "cachet.requests",
            c,
            // Never below 0, should an event be heard before the counter it refines moved.
            client -> Math.max(0, count.applyAsLong(client.statistics())))
        .tags(tags)
        .tag("result", result)
        .description("Cache look-ups by result")
        .register(registry);
  }

  private void counter(
      MeterRegistry registry,
      CachingHttpClient c,
      String name,
      String description,
      ToLongFunction<CacheStatistics> count) {
    FunctionCounter.builder(name, c, client -> count.applyAsLong(client.statistics()))
        .tags(tags)
        .description(description)
        .register(registry);
  }

  private void recordOrigin(String method, int status, @Nullable Throwable error, long nanos) {
    Tags exchange =
        tags.and(
            Tag.of("method", method),
            Tag.of("status", error != null ? "IO_ERROR" : Integer.toString(status)),
            Tag.of("outcome", error != null ? "UNKNOWN" : outcome(status)),
            Tag.of("exception", error != null ? error.getClass().getSimpleName() : "none"));
    for (MeterRegistry registry : registries) {
      Timer.builder("cachet.origin.latency")
          .tags(exchange)
          .description("Exchanges with the origin, until the response head arrived")
          .register(registry)
          .record(Duration.ofNanos(nanos));
    }
  }

  /** Micrometer's {@code outcome} tag values for HTTP clients. */
  static String outcome(int status) {
    if (status >= 100 && status < 200) {
      return "INFORMATIONAL";
    } else if (status >= 200 && status < 300) {
      return "SUCCESS";
    } else if (status >= 300 && status < 400) {
      return "REDIRECTION";
    } else if (status >= 400 && status < 500) {
      return "CLIENT_ERROR";
    } else if (status >= 500 && status < 600) {
      return "SERVER_ERROR";
    }
    return "UNKNOWN";
  }

  /** Counts the stale responses served, then tells the listener given to the builder, if any. */
  @Override
  public void onOutcome(CacheEvent event) {
    if (!event.background()) {
      switch (event.outcome()) {
        case STALE_WHILE_REVALIDATE -> staleHits.increment();
        case HIT -> {
          if (servedStale(event.cacheStatus())) {
            staleHits.increment();
          }
        }
        case STALE_IF_ERROR -> staleAfterError.increment();
        default -> {}
      }
    }
    next.ifPresent(l -> l.onOutcome(event));
  }

  /** Tells the listener given to the builder, if any. */
  @Override
  public void onStorageError(URI uri, Throwable error) {
    next.ifPresent(l -> l.onStorageError(uri, error));
  }

  /** Tells the listener given to the builder, if any. */
  @Override
  public void onBackgroundRevalidationFailure(URI uri, Throwable error) {
    next.ifPresent(l -> l.onBackgroundRevalidationFailure(uri, error));
  }

  /**
   * Whether a hit's {@code Cache-Status} says it was served stale: its {@code ttl} is negative (RFC
   * 9211 §2.7: "a negative value indicates that the response is stale").
   */
  static boolean servedStale(String cacheStatus) {
    Matcher m = TTL.matcher(cacheStatus);
    return m.find() && m.group(1).startsWith("-");
  }

  @Override
  public String toString() {
    return "CachingHttpClientMetrics" + tags;
  }

  /** Builds {@link CachingHttpClientMetrics}. */
  public static final class Builder {
    private final String cacheName;
    private Tags tags = Tags.empty();
    private @Nullable CacheListener next;

    private Builder(String cacheName) {
      this.cacheName = cacheName;
    }

    /**
     * Tags added to every meter, besides {@code cache}.
     *
     * @param tags the tags
     * @return this
     */
    public Builder tags(Iterable<Tag> tags) {
      this.tags = this.tags.and(requireNonNull(tags, "tags"));
      return this;
    }

    /**
     * Tags added to every meter, besides {@code cache}, as key-value pairs.
     *
     * @param keyValues the tags, as alternating keys and values
     * @return this
     * @throws IllegalArgumentException if the number of strings is odd
     */
    public Builder tags(String... keyValues) {
      return tags(Tags.of(keyValues));
    }

    /**
     * A listener of the application's own, told every event after the metrics have counted it: a
     * client takes one listener, and the metrics are it.
     *
     * @param listener the application's listener
     * @return this
     * @throws IllegalStateException if a listener was given already
     */
    public Builder listener(CacheListener listener) {
      requireNonNull(listener, "listener");
      if (next != null) {
        throw new IllegalStateException("listener was already set");
      }
      this.next = listener;
      return this;
    }

    /**
     * Builds the metrics.
     *
     * @return the metrics, to give a client as its listener and to bind to registries
     */
    public CachingHttpClientMetrics build() {
      return new CachingHttpClientMetrics(
          tags.and(CACHE_TAG, cacheName), Optional.ofNullable(next));
    }
  }
}
