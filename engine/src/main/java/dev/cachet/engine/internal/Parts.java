package dev.cachet.engine.internal;

import dev.cachet.core.CacheOptions;
import dev.cachet.core.IdleClient;
import java.time.Clock;

/**
 * The engine's shared parts, as each exchange uses them: the start state, the storage that never
 * throws, the reporter, the collapser, background revalidation, the threads and the answers from
 * storage.
 */
record Parts(
    CacheOptions options,
    IdleClient idle,
    Clock clock,
    String cacheName,
    SafeStorage storage,
    Reporter reporter,
    Collapser collapser,
    BackgroundRevalidation background,
    Workers workers,
    StoredAnswer answer) {

  /** The largest body the engine stores. */
  long maximumBodySize() {
    return options.maximumBodySize().orElse(Long.MAX_VALUE);
  }
}
