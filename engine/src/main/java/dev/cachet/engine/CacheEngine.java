package dev.cachet.engine;

import static java.util.Objects.requireNonNull;

import dev.cachet.core.CacheKey;
import dev.cachet.core.CacheOptions;
import dev.cachet.engine.internal.Engine;
import dev.cachet.storage.Storage;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.jspecify.annotations.Nullable;

/**
 * Carries out the core cache states for requests, against a {@link Storage} and an {@link Origin}:
 * looks requests up, serves stored bodies, tees origin bodies into storage, revalidates in the
 * foreground and behind stale responses, collapses concurrent misses for one key, treats every
 * storage failure as a miss, and counts and reports what it did. It does no network I/O itself, so
 * each shell ({@code CachingHttpClient}, the reverse proxy) brings its own origin and delivers
 * responses through its own {@link ResponseSink}.
 *
 * <pre>{@code
 * CacheEngine engine = CacheEngine.newBuilder(MemoryStorage.newBuilder().build())
 *     .options(CacheOptions.shared())
 *     .build();
 * engine.send(CacheRequest.of(request), origin, sink).join();
 * }</pre>
 *
 * Thread-safe; one engine serves any number of concurrent requests.
 */
public final class CacheEngine implements AutoCloseable {
  /** The default cache name in {@code Cache-Status} (RFC 9211 §2). */
  public static final String DEFAULT_CACHE_NAME = "Cachet";

  /**
   * How long a background revalidation may take when the request that started it has no timeout of
   * its own.
   */
  public static final Duration DEFAULT_BACKGROUND_TIMEOUT = Duration.ofMinutes(1);

  private final Engine engine;

  private CacheEngine(Builder b) {
    this.engine =
        new Engine(
            new Engine.Settings(
                b.storage,
                b.ownsStorage,
                b.options,
                b.clock,
                Optional.ofNullable(b.listener),
                Optional.ofNullable(b.executor),
                b.backgroundTimeout,
                b.cacheName));
  }

  /**
   * {@return a builder for an engine over this storage}
   *
   * @param storage where the engine stores responses and looks them up
   */
  public static Builder newBuilder(Storage storage) {
    return new Builder(storage);
  }

  /**
   * Sends a request through the cache: answers it from storage, or sends what core decides to the
   * origin, and delivers the response to {@code sink}. A fresh hit is delivered before this method
   * returns, on the calling thread. Looking up reads the storage on the calling thread, and the
   * origin's thread carries out what the response head decides (updates, removals, new writers):
   * with a storage that does I/O, call this off a thread that must never block.
   *
   * @param request the caller's request
   * @param origin sends what the cache cannot answer
   * @param sink receives the caller's response
   * @return completes once the sink has been given the response (and, for a response relayed from
   *     the origin, once the origin's exchange completed); exceptionally with what the origin
   *     failed with when there was no response and nothing stored could be served instead. An
   *     exchange answered on the calling thread returns one shared, completed future, which refuses
   *     {@code obtrudeValue} and {@code obtrudeException}
   */
  public CompletableFuture<Void> send(CacheRequest request, Origin origin, ResponseSink sink) {
    requireNonNull(request, "request");
    requireNonNull(origin, "origin");
    requireNonNull(sink, "sink");
    return engine.send(request, origin, sink);
  }

  /**
   * Removes every response stored under this target URI (all its variants), as an operator's purge
   * does.
   *
   * @param uri the target URI whose stored responses are removed
   * @return false when the storage failed (reported to the listener as a storage error)
   */
  public boolean purge(java.net.URI uri) {
    return engine.purge(CacheKey.of(uri), uri);
  }

  /** {@return a snapshot of the counters} */
  public CacheStatistics statistics() {
    return engine.statistics();
  }

  /** {@return the storage} */
  public Storage storage() {
    return engine.settings().storage();
  }

  /** {@return the cache options, as the engine applies them} */
  public CacheOptions options() {
    return engine.settings().options();
  }

  /** {@return the cache's name in {@code Cache-Status}} */
  public String cacheName() {
    return engine.settings().cacheName();
  }

  /** {@return the executor given to the builder, if any} */
  public Optional<Executor> executor() {
    return engine.settings().executor();
  }

  /** {@return true once {@link #close()} was called} */
  public boolean isClosed() {
    return engine.isClosed();
  }

  /**
   * Stops background work, and closes the storage if the engine owns it. Requests waiting for
   * another's response are still answered. Idempotent.
   */
  @Override
  public void close() {
    engine.close();
  }

  /** Builds a {@link CacheEngine}. Reusable: {@link #build()} copies what was set. */
  public static final class Builder {
    private final Storage storage;
    private boolean ownsStorage;
    private CacheOptions options = CacheOptions.defaults();
    private Clock clock = Clock.systemUTC();
    private @Nullable CacheListener listener;
    private @Nullable Executor executor;
    private Duration backgroundTimeout = DEFAULT_BACKGROUND_TIMEOUT;
    private String cacheName = DEFAULT_CACHE_NAME;

    private Builder(Storage storage) {
      this.storage = requireNonNull(storage, "storage");
    }

    /**
     * Whether {@link CacheEngine#close()} closes the storage; false by default.
     *
     * @param owns true when closing the engine closes the storage too
     * @return this builder
     */
    public Builder ownsStorage(boolean owns) {
      this.ownsStorage = owns;
      return this;
    }

    /**
     * The cache options; {@link CacheOptions#defaults()} (a private cache) by default.
     *
     * @param options the cache options
     * @return this builder
     */
    public Builder options(CacheOptions options) {
      this.options = requireNonNull(options, "options");
      return this;
    }

    /**
     * The clock giving request and response times; the system's UTC clock by default.
     *
     * @param clock the clock
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = requireNonNull(clock, "clock");
      return this;
    }

    /**
     * The listener told of outcomes and failures; none by default.
     *
     * @param listener the listener
     * @return this builder
     */
    public Builder listener(CacheListener listener) {
      this.listener = requireNonNull(listener, "listener");
      return this;
    }

    /**
     * The executor for background revalidations and for collapsed requests resuming; by default an
     * internal pool of daemon threads, shut down by {@link CacheEngine#close()}.
     *
     * @param executor the executor for background work
     * @return this builder
     */
    public Builder executor(Executor executor) {
      this.executor = requireNonNull(executor, "executor");
      return this;
    }

    /**
     * How long a background revalidation may take when its request has no timeout; {@link
     * #DEFAULT_BACKGROUND_TIMEOUT} by default.
     *
     * @param timeout the longest a background revalidation may take, positive
     * @return this builder
     * @throws IllegalArgumentException if not positive
     */
    public Builder backgroundTimeout(Duration timeout) {
      requireNonNull(timeout, "timeout");
      if (timeout.isZero() || timeout.isNegative()) {
        throw new IllegalArgumentException("the background timeout must be positive: " + timeout);
      }
      this.backgroundTimeout = timeout;
      return this;
    }

    /**
     * The cache's name in {@code Cache-Status}; {@value CacheEngine#DEFAULT_CACHE_NAME} by default.
     *
     * @param name the name, an RFC 9110 token
     * @return this builder
     * @throws IllegalArgumentException if it is not a token
     */
    public Builder cacheName(String name) {
      requireNonNull(name, "name");
      if (name.isEmpty() || !name.chars().allMatch(Builder::isTchar)) {
        throw new IllegalArgumentException("the cache name must be a token: " + name);
      }
      this.cacheName = name;
      return this;
    }

    private static boolean isTchar(int c) {
      return (c >= 'a' && c <= 'z')
          || (c >= 'A' && c <= 'Z')
          || (c >= '0' && c <= '9')
          || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
    }

    /** {@return the engine} */
    public CacheEngine build() {
      return new CacheEngine(this);
    }
  }
}
