package dev.cachet.engine.internal;

import dev.cachet.core.CacheKey;
import dev.cachet.core.CacheOptions;
import dev.cachet.core.IdleClient;
import dev.cachet.engine.CacheListener;
import dev.cachet.engine.CacheRequest;
import dev.cachet.engine.CacheStatistics;
import dev.cachet.engine.Origin;
import dev.cachet.engine.ResponseSink;
import dev.cachet.storage.Storage;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * The engine behind {@code CacheEngine}: assembles the parts (storage that never throws, reporter,
 * collapser, background revalidation, workers) and runs one {@link StateLoop} per request.
 */
public final class Engine {
  private static final System.Logger LOG = System.getLogger("dev.cachet.engine");

  /**
   * What the engine is built with.
   *
   * @param storage the storage
   * @param ownsStorage whether closing the engine closes the storage
   * @param options the cache options
   * @param clock the clock giving request and response times
   * @param listener the listener, if any
   * @param executor the executor for background work, if given
   * @param backgroundTimeout the time limit of a background revalidation whose request has none
   * @param cacheName the cache's name in {@code Cache-Status}
   */
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
  private final Parts parts;

  /**
   * Creates an engine.
   *
   * @param settings what it is built with
   */
  public Engine(Settings settings) {
    this.settings = settings;
    Reporter reporter = new Reporter(settings.listener());
    Workers workers = new Workers(settings.executor());
    SafeStorage storage = new SafeStorage(settings.storage(), reporter);
    this.parts =
        new Parts(
            settings.options(),
            IdleClient.of(settings.options()),
            settings.clock(),
            settings.cacheName(),
            storage,
            reporter,
            new Collapser(),
            new BackgroundRevalidation(workers, reporter, settings.backgroundTimeout()),
            workers,
            new StoredAnswer(storage, reporter, settings.cacheName()));
  }

  /**
   * The settings.
   *
   * @return what the engine was built with
   */
  public Settings settings() {
    return settings;
  }

  /**
   * Sends a request through the cache; see {@code CacheEngine#send}.
   *
   * @param request the caller's request
   * @param origin sends what the cache cannot answer
   * @param sink receives the response
   * @return completes once the sink has the response
   */
  public CompletableFuture<Void> send(CacheRequest request, Origin origin, ResponseSink sink) {
    return new StateLoop(parts, request, origin, sink, false).start();
  }

  /**
   * Removes every pair under a key.
   *
   * @param key the key
   * @param uri the target URI, for the report of a failure
   * @return false when the storage failed
   */
  public boolean purge(CacheKey key, URI uri) {
    return parts.storage().removeAll(key, uri);
  }

  /**
   * A snapshot of the counters.
   *
   * @return the statistics
   */
  public CacheStatistics statistics() {
    return parts.reporter().statistics(parts.storage().evictionCount());
  }

  /**
   * Whether {@link #close()} was called.
   *
   * @return true once closed
   */
  public boolean isClosed() {
    return parts.workers().isClosed();
  }

  /** Stops background work and closes the storage if owned. Idempotent. */
  public void close() {
    if (!parts.workers().close()) {
      return;
    }
    if (settings.ownsStorage()) {
      try {
        settings.storage().close();
      } catch (IOException | RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, "closing the cache storage failed", e);
      }
    }
  }
}
