package dev.cachet.engine.internal;

import dev.cachet.core.CacheKey;
import dev.cachet.core.CacheOptions;
import dev.cachet.engine.CacheListener;
import dev.cachet.engine.CacheRequest;
import dev.cachet.engine.CacheStatistics;
import dev.cachet.engine.Origin;
import dev.cachet.engine.ResponseSink;
import dev.cachet.storage.Storage;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/** The engine behind {@code CacheEngine} (being moved here from the adapter). */
public final class Engine {
  /** What the engine is built with. */
  public record Settings(
      Storage storage,
      boolean ownsStorage,
      CacheOptions options,
      Clock clock,
      Optional<CacheListener> listener,
      Optional<Executor> executor,
      Duration backgroundTimeout,
      String cacheName) {}

  private final Settings settings;

  /** Creates an engine. */
  public Engine(Settings settings) {
    this.settings = settings;
  }

  /** The settings. */
  public Settings settings() {
    return settings;
  }

  /** See {@code CacheEngine#send}. */
  public CompletableFuture<Void> send(CacheRequest request, Origin origin, ResponseSink sink) {
    throw new UnsupportedOperationException("moving");
  }

  /** See {@code CacheEngine#purge}. */
  public boolean purge(CacheKey key, URI uri) {
    throw new UnsupportedOperationException("moving");
  }

  /** See {@code CacheEngine#statistics}. */
  public CacheStatistics statistics() {
    throw new UnsupportedOperationException("moving");
  }

  /** See {@code CacheEngine#isClosed}. */
  public boolean isClosed() {
    return false;
  }

  /** See {@code CacheEngine#close}. */
  public void close() {}
}
