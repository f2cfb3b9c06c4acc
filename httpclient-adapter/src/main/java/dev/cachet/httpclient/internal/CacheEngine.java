package dev.cachet.httpclient.internal;

import dev.cachet.core.CacheKey;
import dev.cachet.core.CacheOptions;
import dev.cachet.core.Headers;
import dev.cachet.core.IdleClient;
import dev.cachet.core.InvalidatePairs;
import dev.cachet.core.NeedRevalidation;
import dev.cachet.core.Reason;
import dev.cachet.core.Request;
import dev.cachet.core.StoredPair;
import dev.cachet.httpclient.CacheEvent;
import dev.cachet.httpclient.CacheListener;
import dev.cachet.httpclient.CacheStatistics;
import dev.cachet.storage.BodyWriter;
import dev.cachet.storage.FileStorage;
import dev.cachet.storage.MemoryStorage;
import dev.cachet.storage.Storage;
import dev.cachet.storage.StoredBody;
import java.io.IOException;
import java.net.CookieHandler;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpClient.Redirect;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandler;
import java.net.http.HttpResponse.PushPromiseHandler;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What one {@code CachingHttpClient} holds: the wrapped client, the storage, the options, the
 * counters and the shared bookkeeping of its exchanges (requests in flight for collapsing, keys
 * being revalidated in the background). Storage calls go through here, so that every failure is
 * caught, counted and reported in one place and never reaches the caller.
 */
public final class CacheEngine {
  /** The cache's name in {@code Cache-Status} (RFC 9211 §2). */
  public static final String CACHE_NAME = "Cachet";

  /**
   * How long a background revalidation waits for the origin when the request that started it has no
   * timeout of its own: as long as a collapsed request waits for its leader.
   */
  public static final Duration DEFAULT_BACKGROUND_TIMEOUT = Duration.ofMinutes(1);

  private static final System.Logger LOG = System.getLogger("dev.cachet.httpclient");
  private static final AtomicInteger THREADS = new AtomicInteger();

  final HttpClient origin;
  final Storage storage;
  final CacheOptions options;
  final IdleClient idle;
  final Clock clock;
  final Redirect redirects;
  final Counters counters = new Counters();
  final ConcurrentHashMap<CacheKey, CompletableFuture<Void>> inflight = new ConcurrentHashMap<>();
  final HitHeaders hitHeaders = new HitHeaders(CACHE_NAME);
  final long maximumBodySize;

  private final boolean ownsOrigin;
  private final boolean ownsStorage;
  private final CacheListener listener;
  private final CookieHandler cookies;
  private final Executor executor;
  private final Set<CacheKey> revalidating = ConcurrentHashMap.newKeySet();
  private final StorageErrorLog storageErrorLog = new StorageErrorLog(LOG, System::nanoTime);
  private final Duration backgroundTimeout;
  private ExecutorService ownExecutor; // guarded by this
  private boolean closed; // guarded by this

  /**
   * @param origin the client that talks to origins; it must not follow redirects itself unless
   *     {@code redirects} is {@code NEVER}
   * @param ownsOrigin true when {@link #close()} should close it
   * @param storage the storage
   * @param ownsStorage true when {@link #close()} should close it
   * @param options the cache options
   * @param clock the clock giving request and response times
   * @param listener the listener, or null
   * @param cookies the cookie handler the cache applies itself, or null
   * @param redirects the redirect policy the cache follows
   * @param executor the executor for background work, or null for an internal one
   * @param backgroundTimeout the timeout of a background revalidation whose request has none
   */
  public CacheEngine(
      HttpClient origin,
      boolean ownsOrigin,
      Storage storage,
      boolean ownsStorage,
      CacheOptions options,
      Clock clock,
      CacheListener listener,
      CookieHandler cookies,
      Redirect redirects,
      Executor executor,
      Duration backgroundTimeout) {
    this.origin = origin;
    this.ownsOrigin = ownsOrigin;
    this.storage = storage;
    this.ownsStorage = ownsStorage;
    this.options = withFieldsOutOfSight(options, origin);
    this.idle = IdleClient.of(this.options);
    this.clock = clock;
    this.listener = listener;
    this.cookies = cookies;
    this.redirects = redirects;
    this.executor = executor;
    this.backgroundTimeout = backgroundTimeout;
    this.maximumBodySize = this.options.maximumBodySize().orElse(Long.MAX_VALUE);
  }

  /**
   * The options with the request fields the wrapped JDK client adds after the cache has looked at a
   * request: {@code Authorization} when its {@code Authenticator} answers a challenge, {@code
   * Cookie} when its own {@code CookieHandler} adds cookies. Core then refuses what it could not
   * match to the right user (R4-05, S3-06).
   */
  private static CacheOptions withFieldsOutOfSight(CacheOptions options, HttpClient origin) {
    Set<String> added = new HashSet<>(options.fieldsAddedOutOfSight());
    if (origin.authenticator().isPresent()) {
      added.add("authorization");
    }
    if (origin.cookieHandler().isPresent()) {
      added.add("cookie");
    }
    return added.equals(options.fieldsAddedOutOfSight())
        ? options
        : options.toBuilder().fieldsAddedOutOfSight(added).build();
  }

  // ---- entry points ----

  /** Sends a request through the cache. */
  public <T> CompletableFuture<HttpResponse<T>> sendAsync(
      HttpRequest request, BodyHandler<T> handler, PushPromiseHandler<T> push) {
    return new Exchange<>(this, request, handler, push, false, false).start();
  }

  /** Sends a request through the cache and waits, as {@code HttpClient.send} does. */
  public <T> HttpResponse<T> send(HttpRequest request, BodyHandler<T> handler)
      throws IOException, InterruptedException {
    CompletableFuture<HttpResponse<T>> f =
        new Exchange<>(this, request, handler, null, false, true).start();
    try {
      return f.get();
    } catch (InterruptedException e) {
      f.cancel(true);
      throw e;
    } catch (ExecutionException e) {
      Throwable cause = unwrap(e.getCause());
      if (cause instanceof IOException io) {
        throw io;
      } else if (cause instanceof InterruptedException ie) {
        throw ie;
      } else if (cause instanceof RuntimeException re) {
        throw re;
      } else if (cause instanceof Error err) {
        throw err;
      }
      throw new IOException(cause);
    }
  }

  /** A snapshot of the counters. */
  public CacheStatistics statistics() {
    long evictions;
    try {
      evictions = storage.evictionCount();
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.DEBUG, "the storage cannot count its evictions", e);
      evictions = 0;
    }
    return counters.snapshot(evictions);
  }

  /** The client that talks to origins. */
  public HttpClient origin() {
    return origin;
  }

  /** The storage. */
  public Storage storage() {
    return storage;
  }

  /** The cache options. */
  public CacheOptions options() {
    return options;
  }

  /** The cookie handler the cache applies, if any. */
  public Optional<CookieHandler> cookieHandler() {
    return Optional.ofNullable(cookies);
  }

  /** The executor given to the builder, if any. */
  public Optional<Executor> executor() {
    return executor != null ? Optional.of(executor) : origin.executor();
  }

  /** True once {@link #close()} was called. */
  public synchronized boolean isClosed() {
    return closed;
  }

  /** Stops background work and releases what the engine created itself. Idempotent. */
  public void close() {
    ExecutorService own;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      own = ownExecutor;
    }
    if (own != null) {
      own.shutdownNow();
    }
    if (ownsStorage) {
      try {
        storage.close();
      } catch (IOException | RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, "closing the cache storage failed", e);
      }
    }
    if (ownsOrigin && origin instanceof AutoCloseable c) {
      // On Java 21 and later the JDK client is AutoCloseable and owns threads.
      try {
        c.close();
      } catch (Exception e) {
        LOG.log(System.Logger.Level.WARNING, "closing the wrapped client failed", e);
      }
    }
  }

  // ---- for exchanges ----

  Instant now() {
    return clock.instant();
  }

  boolean listening() {
    return listener != null;
  }

  /** The request as the cache sees it: the caller's fields plus the cookies the cache adds. */
  Request toCore(HttpRequest request) {
    Headers headers = Conversions.headers(request.headers());
    if (cookies != null) {
      try {
        Map<String, List<String>> got = cookies.get(request.uri(), request.headers().map());
        List<String> values = got.get("Cookie");
        if (values != null && !values.isEmpty() && !headers.contains("Cookie")) {
          headers = headers.plus("Cookie", String.join("; ", values));
        }
      } catch (IOException | RuntimeException e) {
        LOG.log(System.Logger.Level.DEBUG, "cookie handler failed", e);
      }
    }
    return new Request(request.method(), request.uri(), headers);
  }

  /** Gives a response's cookies to the cookie handler the cache applies. */
  void putCookies(URI uri, HttpHeaders headers) {
    if (cookies != null) {
      try {
        cookies.put(uri, headers.map());
      } catch (IOException | RuntimeException e) {
        LOG.log(System.Logger.Level.DEBUG, "cookie handler failed", e);
      }
    }
  }

  /**
   * The request to send: the caller's own when the cache changed nothing, else a copy (method,
   * body, timeout, version) with exactly the fields of {@code toSend}.
   */
  HttpRequest originRequest(HttpRequest caller, Request toSend, Request converted) {
    if (toSend == converted && cookies == null) {
      return caller;
    }
    HttpRequest.Builder b = HttpRequest.newBuilder(caller, (n, v) -> false);
    Headers fields = toSend.headers();
    for (int i = 0; i < fields.size(); i++) {
      b.header(fields.name(i), fields.value(i));
    }
    return b.build();
  }

  /**
   * Sends a request to the origin through the wrapped client: with its blocking {@code send} on
   * this thread when the caller blocks anyway (no thread hop, see {@code Exchange}), else with
   * {@code sendAsync}.
   */
  <T> CompletableFuture<HttpResponse<T>> sendToOrigin(
      HttpRequest request, BodyHandler<T> handler, PushPromiseHandler<T> push, boolean blocking) {
    if (blocking && push == null) {
      try {
        return CompletableFuture.completedFuture(origin.send(request, handler));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return CompletableFuture.failedFuture(e);
      } catch (IOException | RuntimeException e) {
        return CompletableFuture.failedFuture(e);
      }
    }
    try {
      return push == null
          ? origin.sendAsync(request, handler)
          : origin.sendAsync(request, handler, push);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  Optional<HttpRequest> redirect(HttpRequest request, int status, HttpHeaders headers) {
    if (redirects == Redirect.NEVER) {
      return Optional.empty();
    }
    return Redirects.next(redirects, request, status, headers);
  }

  /**
   * Whether committing a body of this length returns without waiting for I/O, so that it may run on
   * the JDK client's own thread: in memory, or in a {@link FileStorage} that writes it behind.
   */
  boolean commitsQuickly(long length) {
    return storage instanceof MemoryStorage
        || (storage instanceof FileStorage fs && fs.commitsBehind(length));
  }

  // ---- storage, never failing the caller ----

  List<StoredPair> find(CacheKey key, URI uri) {
    try {
      return storage.find(key);
    } catch (IOException | RuntimeException e) {
      storageError(uri, e);
      return List.of();
    }
  }

  /** The pair's body, or null when it is gone or cannot be opened. */
  StoredBody openBody(StoredPair pair, URI uri) {
    try {
      return storage.openBody(pair).orElse(null);
    } catch (IOException | RuntimeException e) {
      storageError(uri, e);
      return null;
    }
  }

  /** A writer for the pair, or null when the storage cannot take it. */
  BodyWriter newWriter(StoredPair pair, URI uri) {
    try {
      return storage.newWriter(pair);
    } catch (IOException | RuntimeException e) {
      storageError(uri, e);
      return null;
    }
  }

  void update(List<StoredPair> pairs, URI uri) {
    for (StoredPair p : pairs) {
      try {
        storage.update(p);
      } catch (IOException | RuntimeException e) {
        storageError(uri, e);
      }
    }
  }

  void invalidate(InvalidatePairs invalidate, URI uri) {
    remove(invalidate.pairs(), uri);
    for (CacheKey key : invalidate.keys()) {
      try {
        storage.removeAll(key);
      } catch (IOException | RuntimeException ex) {
        storageError(uri, ex);
      }
    }
  }

  /** Removes the pairs, key by key. */
  void remove(List<StoredPair> pairs, URI uri) {
    if (pairs.isEmpty()) {
      return;
    }
    Map<CacheKey, List<UUID>> byKey = new LinkedHashMap<>();
    for (StoredPair p : pairs) {
      byKey.computeIfAbsent(p.key(), k -> new ArrayList<>()).add(p.id());
    }
    for (Map.Entry<CacheKey, List<UUID>> e : byKey.entrySet()) {
      try {
        storage.remove(e.getKey(), e.getValue());
      } catch (IOException | RuntimeException ex) {
        storageError(uri, ex);
      }
    }
  }

  /**
   * SEC-06: after {@code written} was stored under a key that was at its bound of variants, removes
   * the variants stored or freshened least recently (by response time) until the key is within
   * {@link CacheOptions#maximumVariantsPerKey()}; never {@code written} itself.
   */
  void boundVariants(StoredPair written, URI uri) {
    int max = options.maximumVariantsPerKey();
    List<StoredPair> pairs = find(written.key(), uri);
    if (pairs.size() <= max) {
      return;
    }
    List<StoredPair> oldestFirst = new ArrayList<>(pairs);
    oldestFirst.removeIf(p -> p.id().equals(written.id()));
    oldestFirst.sort(Comparator.comparing(StoredPair::responseTime));
    remove(oldestFirst.subList(0, Math.min(oldestFirst.size(), pairs.size() - max)), uri);
  }

  void storageError(URI uri, Throwable e) {
    counters.storageErrors.increment();
    storageErrorLog.log(uri, e);
    if (listener != null) {
      try {
        listener.onStorageError(uri, e);
      } catch (RuntimeException le) {
        LOG.log(System.Logger.Level.WARNING, "cache listener failed", le);
      }
    }
  }

  // ---- outcomes ----

  void report(
      Exchange<?> exchange,
      CacheEvent.Outcome outcome,
      int statusCode,
      String cacheStatus,
      boolean stored,
      Optional<Reason> reason,
      List<String> states,
      boolean background) {
    count(outcome, background);
    counters.countOverride(reason, background);
    tell(
        exchange.currentRequest(),
        outcome,
        statusCode,
        cacheStatus,
        stored,
        reason,
        states,
        background);
  }

  /** Counts a look-up's outcome; background revalidations are counted when they start. */
  void count(CacheEvent.Outcome outcome, boolean background) {
    if (!background) {
      counters.count(outcome);
    }
  }

  /**
   * Counts and reports a look-up whose exchange with the origin ended in an exception that the
   * caller receives: the miss or revalidation it was, and an origin error.
   */
  void reportOriginError(
      Exchange<?> exchange,
      boolean revalidation,
      int statusCode,
      String cacheStatus,
      List<String> states) {
    counters.countOriginError(revalidation);
    tell(
        exchange.currentRequest(),
        CacheEvent.Outcome.ORIGIN_ERROR,
        statusCode,
        cacheStatus,
        false,
        Optional.empty(),
        states,
        false);
  }

  /** Tells the listener, if any, what the cache did for this request. */
  void tell(
      HttpRequest r,
      CacheEvent.Outcome outcome,
      int statusCode,
      String cacheStatus,
      boolean stored,
      Optional<Reason> reason,
      List<String> states,
      boolean background) {
    if (listener != null) {
      CacheEvent event =
          new CacheEvent(
              outcome,
              r.method(),
              r.uri(),
              statusCode,
              cacheStatus,
              stored,
              reason,
              states,
              background);
      try {
        listener.onOutcome(event);
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, "cache listener failed", e);
      }
    }
  }

  // ---- collapsing and background revalidation ----

  void release(CacheKey key, CompletableFuture<Void> signal) {
    inflight.remove(key, signal);
    signal.complete(null);
  }

  /**
   * Runs a revalidation behind a stale response (RFC 5861 §3), at most one per key at a time, on
   * the builder's executor or an internal one; a failure goes to the listener. The request is sent
   * with its own timeout, else with the background timeout, so that an origin that never answers
   * fails it and frees the key for the next one. The same time bounds the revalidation as a whole,
   * its response body included: one whose origin sends a head and then stalls is given up (its
   * write aborted, its stream cancelled, the stored response kept), told to the listener as timed
   * out, and frees the key too.
   */
  void revalidateBehind(HttpRequest caller, Request converted, NeedRevalidation revalidation) {
    CacheKey key = revalidation.selected().key();
    if (!revalidating.add(key)) {
      return;
    }
    counters.background.increment();
    URI uri = caller.uri();
    Duration limit = caller.timeout().orElse(backgroundTimeout);
    HttpRequest request =
        caller.timeout().isPresent()
            ? caller
            : HttpRequest.newBuilder(caller, (n, v) -> true).timeout(backgroundTimeout).build();
    try {
      backgroundExecutor()
          .execute(
              () -> {
                Exchange<Void> exchange =
                    new Exchange<>(
                        this, request, HttpResponse.BodyHandlers.discarding(), null, true, false);
                CompletableFuture<?> f;
                try {
                  f = exchange.revalidateBehind(converted, revalidation);
                } catch (RuntimeException | Error e) {
                  f = CompletableFuture.failedFuture(e);
                }
                // Ends at the deadline whatever the exchange does, and tells the listener once.
                f.copy()
                    .orTimeout(limit.toNanos(), TimeUnit.NANOSECONDS)
                    .whenCompleteAsync(
                        (r, e) -> {
                          revalidating.remove(key);
                          if (e == null) {
                            return;
                          }
                          Throwable cause = unwrap(e);
                          if (cause instanceof TimeoutException) {
                            cause =
                                new HttpTimeoutException(
                                    "background revalidation did not finish within " + limit);
                            exchange.abandon(cause);
                          }
                          backgroundFailure(uri, cause);
                        },
                        this::resume);
              });
    } catch (RejectedExecutionException e) {
      revalidating.remove(key);
      backgroundFailure(uri, e);
    }
  }

  void backgroundFailure(URI uri, Throwable e) {
    LOG.log(System.Logger.Level.DEBUG, "background revalidation of " + uri + " failed", e);
    if (listener != null) {
      try {
        listener.onBackgroundRevalidationFailure(uri, e);
      } catch (RuntimeException le) {
        LOG.log(System.Logger.Level.WARNING, "cache listener failed", le);
      }
    }
  }

  /**
   * Runs a collapsed request's next look-up: on the background executor, or on the common pool once
   * {@link #close()} has stopped it, so that the request is still answered.
   */
  void resume(Runnable task) {
    try {
      backgroundExecutor().execute(task);
    } catch (RejectedExecutionException closed) {
      ForkJoinPool.commonPool().execute(task);
    }
  }

  /** The executor for background work and for collapsed requests resuming. */
  Executor backgroundExecutor() {
    if (executor != null) {
      return executor;
    }
    synchronized (this) {
      if (closed) {
        throw new RejectedExecutionException("the client is closed");
      }
      if (ownExecutor == null) {
        ownExecutor =
            Executors.newCachedThreadPool(
                r -> {
                  Thread t = new Thread(r, "cachet-background-" + THREADS.incrementAndGet());
                  t.setDaemon(true);
                  return t;
                });
      }
      return ownExecutor;
    }
  }

  static Throwable unwrap(Throwable t) {
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }
}
