package dev.cachet.micrometer;

import static java.util.Objects.requireNonNull;

import dev.cachet.engine.CacheEngine;
import dev.cachet.engine.CacheStatistics;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.function.ToLongFunction;

/**
 * Micrometer counters for a {@link CacheEngine} (the reverse proxy's, or any shell's), read from
 * its {@link CacheEngine#statistics()}: the same meter names as {@link CachingHttpClientMetrics},
 * every meter tagged {@code cache=<name>} and with the tags given.
 *
 * <table>
 *   <caption>Meters</caption>
 *   <tr><th>name</th><th>what it counts</th></tr>
 *   <tr><td>{@code cachet.requests}, tag {@code result}</td>
 *       <td>look-ups: {@code hit}, {@code miss}, {@code revalidated} (add up to
 *       {@link CacheStatistics#requests()})</td></tr>
 *   <tr><td>{@code cachet.revalidations.not.modified}</td><td>revalidations answered 304</td></tr>
 *   <tr><td>{@code cachet.stores}</td><td>responses stored whole</td></tr>
 *   <tr><td>{@code cachet.evictions}</td><td>pairs evicted to stay within the bound</td></tr>
 *   <tr><td>{@code cachet.storage.errors}</td><td>storage calls that failed</td></tr>
 *   <tr><td>{@code cachet.origin.errors}</td><td>look-ups whose origin exchange failed</td></tr>
 *   <tr><td>{@code cachet.collapsed}</td><td>requests that waited for another's</td></tr>
 *   <tr><td>{@code cachet.background.revalidations}</td>
 *       <td>{@code stale-while-revalidate} revalidations</td></tr>
 * </table>
 *
 * <pre>{@code
 * new CacheEngineMetrics(engine, "proxy", Tags.empty()).bindTo(registry);
 * }</pre>
 */
public final class CacheEngineMetrics implements MeterBinder {
  private final CacheEngine engine;
  private final Iterable<Tag> tags;

  /**
   * Metrics for this engine.
   *
   * @param engine the engine whose counters are read
   * @param cacheName the value of every meter's {@code cache} tag
   * @param tags further tags for every meter
   */
  public CacheEngineMetrics(CacheEngine engine, String cacheName, Iterable<Tag> tags) {
    this.engine = requireNonNull(engine, "engine");
    this.tags = Tags.concat(requireNonNull(tags, "tags"), "cache", cacheName);
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    requireNonNull(registry, "registry");
    requests(registry, "hit", CacheStatistics::hits);
    requests(registry, "miss", CacheStatistics::misses);
    requests(registry, "revalidated", CacheStatistics::revalidations);
    counter(registry, "cachet.revalidations.not.modified", "304s", CacheStatistics::notModified);
    counter(registry, "cachet.stores", "responses stored whole", CacheStatistics::stores);
    counter(registry, "cachet.evictions", "pairs evicted", CacheStatistics::evictions);
    counter(
        registry, "cachet.storage.errors", "storage calls failed", CacheStatistics::storageErrors);
    counter(
        registry, "cachet.origin.errors", "origin exchanges failed", CacheStatistics::originErrors);
    counter(registry, "cachet.collapsed", "requests collapsed", CacheStatistics::collapsed);
    counter(
        registry,
        "cachet.background.revalidations",
        "stale-while-revalidate revalidations",
        CacheStatistics::backgroundRevalidations);
  }

  private void requests(MeterRegistry registry, String result, ToLongFunction<CacheStatistics> f) {
    FunctionCounter.builder("cachet.requests", engine, e -> f.applyAsLong(e.statistics()))
        .tags(tags)
        .tag("result", result)
        .description("cache look-ups by result")
        .register(registry);
  }

  private void counter(
      MeterRegistry registry, String name, String description, ToLongFunction<CacheStatistics> f) {
    FunctionCounter.builder(name, engine, e -> f.applyAsLong(e.statistics()))
        .tags(tags)
        .description(description)
        .register(registry);
  }
}
