package dev.cachet.engine.internal;

import dev.cachet.core.CacheOverride;
import dev.cachet.core.Reason;
import dev.cachet.engine.CacheEvent;
import dev.cachet.engine.CacheStatistics;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;

/** The client's counters; contended writes are cheap, a snapshot is consistent enough. */
final class Counters {
  final LongAdder hits = new LongAdder();
  final LongAdder misses = new LongAdder();
  final LongAdder revalidations = new LongAdder();
  final LongAdder notModified = new LongAdder();
  final LongAdder stores = new LongAdder();
  final LongAdder storageErrors = new LongAdder();
  final LongAdder collapsed = new LongAdder();
  final LongAdder background = new LongAdder();
  final LongAdder originErrors = new LongAdder();
  final LongAdder overrides = new LongAdder();

  /** Counts one look-up by its outcome. */
  void count(CacheEvent.Outcome outcome) {
    switch (outcome) {
      case HIT, STALE_WHILE_REVALIDATE -> hits.increment();
      case MISS, WRITE_THROUGH, GATEWAY_TIMEOUT -> misses.increment();
      case NOT_MODIFIED -> {
        revalidations.increment();
        notModified.increment();
      }
      case MODIFIED, STALE_IF_ERROR -> revalidations.increment();
      case ORIGIN_ERROR -> throw new IllegalArgumentException("use countOriginError");
    }
  }

  /** Counts a response served from storage because of an override rule or offline mode. */
  void countOverride(Optional<Reason> reason, boolean background) {
    if (!background && reason.isPresent() && CacheOverride.decided(reason.get())) {
      overrides.increment();
    }
  }

  /** Counts one look-up whose origin exchange failed, as the miss or revalidation it was. */
  void countOriginError(boolean revalidation) {
    (revalidation ? revalidations : misses).increment();
    originErrors.increment();
  }

  CacheStatistics snapshot(long evictions) {
    long h = hits.sum();
    long m = misses.sum();
    long r = revalidations.sum();
    return new CacheStatistics(
        h + m + r,
        h,
        m,
        r,
        notModified.sum(),
        stores.sum(),
        evictions,
        storageErrors.sum(),
        collapsed.sum(),
        background.sum(),
        originErrors.sum(),
        overrides.sum());
  }
}
