package dev.cachet.engine.internal;

import dev.cachet.core.CacheKey;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * B-03, request collapsing: the first miss for a key leads (goes to the origin); the others wait
 * until its response is stored or found not storable, then look up again. SEC-07: a follower waits
 * at most {@link #COLLAPSE_WAIT} (or its own shorter timeout), so that a slow leader cannot hold
 * other clients.
 */
final class Collapser {
  /**
   * SEC-07: the longest a collapsed request waits for its leader before going to the origin itself,
   * unless its own timeout is shorter (nginx's {@code proxy_cache_lock_timeout} default).
   */
  static final Duration COLLAPSE_WAIT = Duration.ofSeconds(5);

  /** A leader's hold on its key, released once its response settles. */
  final class Lead {
    private final CacheKey key;
    private final CompletableFuture<Void> signal;

    private Lead(CacheKey key, CompletableFuture<Void> signal) {
      this.key = key;
      this.signal = signal;
    }

    /** Lets the followers look up again. Idempotent. */
    void release() {
      inflight.remove(key, signal);
      signal.complete(null);
    }
  }

  private final ConcurrentHashMap<CacheKey, CompletableFuture<Void>> inflight =
      new ConcurrentHashMap<>();

  /** Leads the key when no one else does; empty when another request already leads it. */
  Optional<Lead> lead(CacheKey key) {
    CompletableFuture<Void> signal = new CompletableFuture<>();
    return inflight.putIfAbsent(key, signal) == null
        ? Optional.of(new Lead(key, signal))
        : Optional.empty();
  }

  /**
   * Completes when the key's leader settles, or after the longest wait; at once when no one leads
   * the key any more.
   *
   * @param timeout the follower's own time limit, if any
   */
  CompletableFuture<Void> follow(CacheKey key, Optional<Duration> timeout) {
    CompletableFuture<Void> leader = inflight.get(key);
    if (leader == null) {
      return CompletableFuture.completedFuture(null);
    }
    long wait = Math.min(timeout.orElse(COLLAPSE_WAIT).toMillis(), COLLAPSE_WAIT.toMillis());
    return leader.copy().completeOnTimeout(null, wait, TimeUnit.MILLISECONDS);
  }
}
