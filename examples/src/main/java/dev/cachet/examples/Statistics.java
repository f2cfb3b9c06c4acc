package dev.cachet.examples;

import dev.cachet.engine.CacheStatistics;
import java.util.Locale;

/** A cache's counters as one line of prose. */
public final class Statistics {
  private Statistics() {}

  /** For example {@code 18 requests: 6 hits, 10 misses, 2 revalidations (1 not modified); ...}. */
  public static String describe(CacheStatistics s) {
    return String.format(
        Locale.ROOT,
        "%d requests: %d hits, %d misses, %d revalidations (%d not modified); %d stored,"
            + " %d revalidated in the background, %d evicted, %d storage errors; hit rate %.0f%%",
        s.requests(),
        s.hits(),
        s.misses(),
        s.revalidations(),
        s.notModified(),
        s.stores(),
        s.backgroundRevalidations(),
        s.evictions(),
        s.storageErrors(),
        s.hitRate() * 100);
  }
}
