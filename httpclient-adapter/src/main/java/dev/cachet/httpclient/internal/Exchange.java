package dev.cachet.httpclient.internal;

import dev.cachet.core.CacheKey;
import dev.cachet.core.CacheMiss;
import dev.cachet.core.CacheState;
import dev.cachet.core.CacheStatus;
import dev.cachet.core.CouldNotBeStored;
import dev.cachet.core.FromCache;
import dev.cachet.core.IdleClient;
import dev.cachet.core.InvalidatePairs;
import dev.cachet.core.NeedRevalidation;
import dev.cachet.core.NeedToBeUpdated;
import dev.cachet.core.Reason;
import dev.cachet.core.Request;
import dev.cachet.core.Response;
import dev.cachet.core.StaleWhileRevalidate;
import dev.cachet.core.StoreAndUse;
import dev.cachet.core.StoredPair;
import dev.cachet.engine.CacheEvent.Outcome;
import dev.cachet.storage.BodyWriter;
import dev.cachet.storage.StoredBody;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandler;
import java.net.http.HttpResponse.BodySubscriber;
import java.net.http.HttpResponse.BodySubscribers;
import java.net.http.HttpResponse.PushPromiseHandler;
import java.net.http.HttpResponse.ResponseInfo;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One request through the cache: drives the core states from {@link IdleClient} to a terminal state
 * and carries out what each says, with the storage and the origin. The only place where network and
 * storage meet.
 *
 * <pre>
 * IdleClient ─► FromCache            replay the stored body into the caller's subscriber
 *            ─► StaleWhileRevalidate replay now, revalidate behind (one per key)
 *            ─► NeedRevalidation     conditional request
 *                 ─► NeedToBeUpdated update the stored pairs ─► FromCache (304)
 *                 ─► InvalidatePairs remove ─► CouldNotBeStored
 *                                    or StoreAndUse, removing once the new body is written
 *                 ─► FromCache       stale-if-error
 *                 ─► CacheMiss       the 304 selected nothing: unconditional request
 *            ─► CacheMiss            request (collapsed with others for one key)
 *                 ─► StoreAndUse     body teed to the caller and the storage
 *                 ─► CouldNotBeStored
 *                 ─► InvalidatePairs unsafe method: remove ─► CouldNotBeStored
 * </pre>
 *
 * Each stage ends by following a redirect (a new hop, looked up on its own) or by giving the caller
 * a response. Not thread-safe: an exchange is one request's state, handed from stage to stage
 * through its futures.
 */
final class Exchange<T> {
  /** Every state this class handles, checked by a test against {@code CacheState}'s permits. */
  static final List<Class<? extends CacheState>> HANDLED =
      List.of(
          IdleClient.class,
          FromCache.class,
          StaleWhileRevalidate.class,
          NeedRevalidation.class,
          NeedToBeUpdated.class,
          CacheMiss.class,
          StoreAndUse.class,
          CouldNotBeStored.class,
          InvalidatePairs.class);

  private static final List<String> HIT_PATH = List.of("IdleClient", "FromCache");

  /**
   * The JDK's {@code BodyHandlers.ofByteArray()}: a lambda that captures nothing, so every call
   * returns this one instance. Were a JDK to return a new one each time, the identity check that
   * uses it would fail safe (the subscriber path).
   */
  private static final BodyHandler<byte[]> OF_BYTE_ARRAY = HttpResponse.BodyHandlers.ofByteArray();

  /**
   * SEC-07: the longest a collapsed request waits for its leader before going to the origin itself,
   * unless its own timeout is shorter (nginx's {@code proxy_cache_lock_timeout} default).
   */
  static final Duration COLLAPSE_WAIT = Duration.ofSeconds(5);

  private static final CacheStatus FORWARDED_STALE =
      CacheStatus.forwarded(CacheStatus.Forward.STALE);

  private final CacheEngine engine;
  private final BodyHandler<T> handler;
  private final PushPromiseHandler<T> push;
  private final boolean background;
  private volatile Origin current; // the origin exchange under way, if any
  private volatile boolean abandoned;

  /**
   * True for {@code send}: the origin is called with the wrapped client's blocking {@code send} on
   * the caller's thread. {@code HttpClient.sendAsync} hands every completion to the
   * CompletableFuture default executor, which on a machine with fewer than three cores starts a new
   * thread per request; a blocking caller does not need that hop.
   */
  private final boolean blocking;

  private final HttpRequest first;
  private int hops;
  private Optional<HttpResponse<T>> previous = Optional.empty();

  // The current hop.
  private HttpRequest hop;
  private Request converted;
  private boolean collapsed;
  private List<String> states;
  // SEC-06: the look-up found the key at its bound of variants, so a store trims it.
  private boolean crowded;
  // SEC-01: stored pairs a freshening response withdrew, removed once their body is open.
  private List<StoredPair> withdrawn = List.of();

  Exchange(
      CacheEngine engine,
      HttpRequest request,
      BodyHandler<T> handler,
      PushPromiseHandler<T> push,
      boolean background,
      boolean blocking) {
    this.engine = engine;
    this.first = request;
    this.handler = handler;
    this.push = push;
    this.background = background;
    this.blocking = blocking;
  }

  HttpRequest currentRequest() {
    return hop;
  }

  /** Looks the request up on the calling thread; a fresh hit completes before this returns. */
  CompletableFuture<HttpResponse<T>> start() {
    return hop(first, true);
  }

  /**
   * Gives up on a background revalidation that outlasted its time: a body being stored is aborted
   * and its stream cancelled (the stored responses stay), and nothing later is counted or told.
   */
  void abandon(Throwable why) {
    abandoned = true;
    Origin o = current;
    if (o != null) {
      o.abandon(why);
    }
  }

  /** The background half of {@code stale-while-revalidate}. */
  CompletableFuture<HttpResponse<T>> revalidateBehind(Request request, NeedRevalidation nr) {
    hop = first;
    converted = request;
    states = engine.listening() ? new ArrayList<>(List.of("StaleWhileRevalidate")) : null;
    return revalidate(nr);
  }

  private CompletableFuture<HttpResponse<T>> hop(HttpRequest request, boolean mayCollapse) {
    hop = request;
    converted = engine.toCore(request);
    states = null;
    CacheKey key = CacheKey.of(request.uri());
    List<StoredPair> stored = engine.find(key, request.uri());
    crowded = stored.size() >= engine.options.maximumVariantsPerKey();
    IdleClient.Next next = engine.idle.next(converted, stored, engine.now());
    if (next instanceof FromCache hit) {
      return fromCache(hit, hit.pair().isPresent() ? Outcome.HIT : Outcome.GATEWAY_TIMEOUT);
    }
    startPath();
    if (next instanceof StaleWhileRevalidate swr) {
      visit(swr);
      // The stale body is opened (and, for a subscriber that takes it at once, replayed) before
      // the revalidation starts: a new response it stores may replace the old pair and its body.
      CompletableFuture<HttpResponse<T>> served =
          fromCache(swr.serve(), Outcome.STALE_WHILE_REVALIDATE);
      engine.revalidateBehind(request, converted, swr.revalidate());
      return served;
    } else if (next instanceof NeedRevalidation nr) {
      return revalidate(nr);
    } else if (next instanceof CacheMiss miss) {
      return mayCollapse && collapsible(miss)
          ? collapse(key, miss)
          : miss(miss, missOutcome(), null);
    }
    throw new AssertionError(next);
  }

  // ---- answering from storage ----

  private CompletableFuture<HttpResponse<T>> fromCache(FromCache fc, Outcome outcome) {
    // The caller's handler is the JDK's BodyHandlers.ofByteArray(): its subscriber would gather
    // the replayed chunks and copy them into a new, zeroed array. Reading the stored body whole
    // gives the same fresh array in one copy (a memory store's stream copies without zeroing),
    // with no subscriber; the handler has no other effect.
    boolean wholeBytes = handler == OF_BYTE_ARRAY;
    byte[] bytes = null;
    StoredBody body = null;
    ByteBuffer firstChunk = null;
    List<StoredPair> withdraw = withdrawn;
    withdrawn = List.of();
    if (fc.replayBody()) {
      StoredPair pair = fc.pair().orElseThrow();
      body = engine.openBody(pair, hop.uri());
      if (body == null) {
        engine.remove(withdraw, hop.uri());
        return bodyLost(fc);
      }
      if (!withdraw.isEmpty()) {
        // SEC-01: this client's answer reads the withdrawn pair's body; the pair goes when the
        // body is closed, so a store that streams bodies (Redis) is not cut off mid-way.
        URI uri = hop.uri();
        body = RemovedOnClose.of(body, () -> engine.remove(withdraw, uri));
      }
      try {
        if (wholeBytes) {
          try (InputStream in = body.asInputStream()) {
            bytes = in.readAllBytes();
          }
          close(body);
          body = null;
        } else {
          firstChunk = body.nextChunk().orElse(null);
        }
      } catch (IOException | RuntimeException e) {
        close(body);
        engine.storageError(hop.uri(), e);
        return bodyLost(fc);
      }
    }
    if (!fc.replayBody()) {
      engine.remove(withdraw, hop.uri());
    }
    Response r = fc.response();
    CacheStatus status = collapsed ? fc.status().withCollapsed() : fc.status();
    // The version the stored response arrived in; for a pair stored without one (older data) or
    // no pair (only-if-cached's 504), the one the request asks for, else the client's.
    HttpClient.Version version =
        fc.pair().isPresent()
            ? Conversions.jdkVersion(fc.pair().get().httpVersion(), requestedVersion())
            : requestedVersion();
    LazyHeaders headers;
    String cacheStatus;
    if (fc.pair().isPresent()) {
      UUID id = fc.pair().get().id();
      // As the JDK gives an HTTP/2 response's fields: with its :status pseudo-header.
      int pseudoStatus = version == HttpClient.Version.HTTP_1_1 ? 0 : r.status();
      // Built only when the caller (or a redirect, or the BodyHandler) reads them.
      headers = LazyHeaders.of(() -> engine.hitHeaders.of(id, r.headers(), status, pseudoStatus));
      cacheStatus = engine.listening() ? engine.hitHeaders.value(id, status) : null;
    } else {
      cacheStatus = status.toFieldValue(CacheEngine.CACHE_NAME);
      headers = LazyHeaders.built(Conversions.httpHeaders(r.headers(), cacheStatus));
    }
    int code = r.status();
    if (engine.listening()) {
      engine.report(this, outcome, code, cacheStatus, false, fc.reason(), path(fc), background);
    } else {
      engine.report(this, outcome, code, null, false, fc.reason(), null, background);
    }
    if (Redirects.isRedirect(code)) {
      Optional<HttpRequest> redirect = engine.redirect(hop, code, headers.get());
      if (redirect.isPresent()) {
        close(body);
        return follow(
            redirect.get(),
            new CachedResponse<>(
                code, headers, null, hop, previous, Optional.empty(), hop.uri(), version));
      }
    }
    if (wholeBytes) {
      @SuppressWarnings("unchecked") // the handler is ofByteArray(), so T is byte[]
      T whole = (T) (bytes != null ? bytes : new byte[0]);
      return CompletableFuture.completedFuture(
          new CachedResponse<>(
              code, headers, whole, hop, previous, Optional.empty(), hop.uri(), version));
    }
    BodySubscriber<T> subscriber;
    try {
      subscriber = handler.apply(new Info(code, headers, version));
    } catch (RuntimeException e) {
      close(body);
      return CompletableFuture.failedFuture(blocking ? asSendThrows(e) : e);
    }
    BodyReplay.replay(subscriber, body, firstChunk);
    HttpRequest request = hop;
    Optional<HttpResponse<T>> prev = previous;
    if (!blocking) {
      return subscriber
          .getBody()
          .toCompletableFuture()
          .thenApply(
              b ->
                  new CachedResponse<>(
                      code, headers, b, request, prev, Optional.empty(), request.uri(), version));
    }
    return subscriber
        .getBody()
        .toCompletableFuture()
        .handle(
            (b, e) -> {
              if (e != null) {
                throw new CompletionException(asSendThrows(e));
              }
              return new CachedResponse<>(
                  code, headers, b, request, prev, Optional.empty(), request.uri(), version);
            });
  }

  /**
   * What {@code HttpClient.send} throws for a failure of the caller's handler or subscriber, which
   * on a hit fails here rather than inside the wrapped client's {@code send}: the failure as the
   * cause of a new exception of the same kind for an {@link IllegalArgumentException} or a {@link
   * SecurityException}, else of an {@link IOException}.
   */
  private static Throwable asSendThrows(Throwable failure) {
    Throwable t = CacheEngine.unwrap(failure);
    String message = t.getMessage();
    if (t instanceof IllegalArgumentException) {
      return new IllegalArgumentException(message, t);
    } else if (t instanceof SecurityException) {
      return new SecurityException(message, t);
    }
    return new IOException(message, t);
  }

  private HttpClient.Version requestedVersion() {
    return hop.version().orElse(engine.origin.version());
  }

  /** The stored body is gone (evicted, removed) or unreadable: ask the origin instead. */
  private CompletableFuture<HttpResponse<T>> bodyLost(FromCache fc) {
    Reason why = new Reason("R4-01", "RFC 9111 §4", "the stored body is gone or unreadable");
    CacheStatus status =
        CacheStatus.forwarded(CacheStatus.Forward.URI_MISS).withDetail(why.toString());
    if (states == null && engine.listening()) {
      startPath();
    }
    visit(fc);
    return miss(new CacheMiss(engine.options, converted, status, why), Outcome.MISS, null);
  }

  // ---- going to the origin ----

  /** What the origin's answer leads to, given the time it was received. */
  private interface Decider {
    CacheState decide(Response response, Instant receivedAt);
  }

  private CompletableFuture<HttpResponse<T>> revalidate(NeedRevalidation nr) {
    visit(nr);
    HttpRequest request = engine.originRequest(hop, nr.conditionalRequest(), null);
    Instant sentAt = engine.now();
    Origin o =
        new Origin(
            Outcome.MODIFIED,
            (response, at) -> (CacheState) nr.next(response, sentAt, at, UUID.randomUUID()),
            nr,
            FORWARDED_STALE,
            null,
            null);
    return send(request, o);
  }

  private CompletableFuture<HttpResponse<T>> miss(
      CacheMiss miss, Outcome outcome, CompletableFuture<Void> signal) {
    visit(miss);
    HttpRequest request = engine.originRequest(hop, miss.request(), converted);
    Instant sentAt = engine.now();
    Origin o =
        new Origin(
            outcome,
            (response, at) -> (CacheState) miss.next(response, sentAt, at, UUID.randomUUID()),
            null,
            miss.status(),
            signal == null ? null : miss.request().key(),
            signal);
    return send(request, o);
  }

  private CompletableFuture<HttpResponse<T>> send(HttpRequest request, Origin o) {
    current = o;
    return engine
        .sendToOrigin(request, o, push, blocking)
        .handle((response, error) -> error == null ? answered(response, o) : failed(error, o))
        .thenCompose(f -> f);
  }

  private CompletableFuture<HttpResponse<T>> failed(Throwable error, Origin o) {
    o.release();
    // SEC-01: pairs a freshening withdrew go even when this exchange then fails.
    engine.remove(withdrawn, hop.uri());
    withdrawn = List.of();
    Throwable cause = CacheEngine.unwrap(error);
    // X-02, V-04: no answer at all from the origin (refused, reset, timed out).
    if (!o.applied && o.revalidation != null && cause instanceof IOException) {
      Optional<FromCache> stale = o.revalidation.onOriginUnreachable(engine.now());
      if (stale.isPresent()) {
        if (background) {
          return CompletableFuture.failedFuture(cause);
        }
        visit(stale.get());
        return fromCache(stale.get(), Outcome.STALE_IF_ERROR);
      }
    }
    if (!background) {
      // The look-up still counts, as the miss or revalidation it was; background failures go to
      // onBackgroundRevalidationFailure instead.
      boolean revalidation = o.outcome != Outcome.MISS && o.outcome != Outcome.WRITE_THROUGH;
      CacheStatus status = o.status != null ? o.status : o.forwarded;
      String cacheStatus = engine.listening() ? status.toFieldValue(CacheEngine.CACHE_NAME) : null;
      engine.reportOriginError(this, revalidation, o.code, cacheStatus, states);
    }
    return CompletableFuture.failedFuture(cause);
  }

  private CompletableFuture<HttpResponse<T>> answered(HttpResponse<T> response, Origin o) {
    if (abandoned) {
      // A background revalidation given up on (and told to the listener as such) that got its
      // answer after all: nothing more is counted or told of it.
      return CompletableFuture.completedFuture(response);
    }
    Object pending = o.pending;
    if (pending instanceof FromCache fc) {
      // A stored response answers in place of this one (a 304, stale-if-error): what the wrapped
      // client went through for it (a 401 its authenticator answered) comes before it.
      previous = withWrappedChain(response);
      if (background) {
        engine.remove(withdrawn, hop.uri());
        withdrawn = List.of();
        engine.report(
            this,
            o.outcome,
            response.statusCode(),
            fc.status().toFieldValue(CacheEngine.CACHE_NAME),
            false,
            fc.reason(),
            states,
            true);
        return CompletableFuture.completedFuture(response);
      }
      return fromCache(fc, o.outcome);
    } else if (pending instanceof CacheMiss m) {
      return miss(m, Outcome.MODIFIED, null);
    }
    String cacheStatus = engine.listening() ? o.status.toFieldValue(CacheEngine.CACHE_NAME) : null;
    engine.count(o.outcome, background);
    HttpRequest request = hop;
    List<String> path = states;
    Optional<HttpResponse<T>> chain = withWrappedChain(response);
    // RFC 9211 §2.5: "stored" says whether the cache stored the response. The caller's field was
    // sent with the head and can only say the cache set out to; the event says what happened, so
    // with a body still streaming it waits until the body has been committed or abandoned.
    o.whenStoreSettled(
        stored ->
            engine.tell(
                request, o.outcome, o.code, cacheStatus, stored, o.reason, path, background));
    if (o.redirect != null) {
      return follow(
          o.redirect,
          new CachedResponse<>(
              o.code,
              o.headers,
              null,
              hop,
              chain,
              response.sslSession(),
              response.uri(),
              response.version()));
    }
    return CompletableFuture.completedFuture(
        new CachedResponse<>(
            o.code,
            o.headers,
            response.body(),
            hop,
            chain,
            response.sslSession(),
            response.uri(),
            response.version()));
  }

  /**
   * The chain before the wrapped client's response: the hops the cache followed ({@link
   * #previous}), then the responses the wrapped client went through itself for this one (a 401 its
   * {@code Authenticator} answered), oldest first, as a plain client links them.
   */
  private Optional<HttpResponse<T>> withWrappedChain(HttpResponse<T> response) {
    Optional<HttpResponse<T>> own = response.previousResponse();
    if (own.isEmpty()) {
      return previous;
    }
    List<HttpResponse<T>> newestFirst = new ArrayList<>(2);
    for (Optional<HttpResponse<T>> r = own; r.isPresent(); r = r.get().previousResponse()) {
      newestFirst.add(r.get());
    }
    Optional<HttpResponse<T>> chain = previous;
    for (int i = newestFirst.size() - 1; i >= 0; i--) {
      HttpResponse<T> r = newestFirst.get(i);
      chain =
          Optional.of(
              new CachedResponse<>(
                  r.statusCode(),
                  LazyHeaders.built(r.headers()),
                  null,
                  r.request(),
                  chain,
                  r.sslSession(),
                  r.uri(),
                  r.version()));
    }
    return chain;
  }

  private CompletableFuture<HttpResponse<T>> follow(HttpRequest next, HttpResponse<T> withoutBody) {
    if (++hops > Redirects.MAX_HOPS) {
      return CompletableFuture.failedFuture(new IOException("too many redirects"));
    }
    previous = Optional.of(withoutBody);
    collapsed = false;
    return hop(next, true);
  }

  // ---- collapsing (B-03) ----

  private boolean collapsible(CacheMiss miss) {
    // SEC-07: a request with a body is its sender's alone; one that sends it slowly must not hold
    // other clients waiting behind it. Core says whether the miss itself may be shared.
    return !background
        && !hop.bodyPublisher().map(b -> b.contentLength() != 0).orElse(false)
        && miss.collapsible();
  }

  /**
   * B-03: the first miss for a key goes to the origin; the others wait until its response is stored
   * (or found not storable), then look up again: a hit is marked {@code collapsed}, a miss goes to
   * the origin itself.
   */
  private CompletableFuture<HttpResponse<T>> collapse(CacheKey key, CacheMiss miss) {
    CompletableFuture<Void> signal = new CompletableFuture<>();
    CompletableFuture<Void> leader = engine.inflight.putIfAbsent(key, signal);
    if (leader == null) {
      CompletableFuture<HttpResponse<T>> f;
      try {
        f = miss(miss, Outcome.MISS, signal);
      } catch (RuntimeException | Error e) {
        engine.release(key, signal);
        throw e;
      }
      return f.whenComplete(
          (r, e) -> {
            if (e != null) {
              engine.release(key, signal);
            }
          });
    }
    engine.counters.collapsed.increment();
    HttpRequest request = hop;
    long wait =
        Math.min(request.timeout().orElse(COLLAPSE_WAIT).toMillis(), COLLAPSE_WAIT.toMillis());
    return leader
        .copy()
        .completeOnTimeout(null, wait, TimeUnit.MILLISECONDS)
        .thenComposeAsync(
            v -> {
              collapsed = true;
              return hop(request, false);
            },
            engine::resume);
  }

  // ---- the handler the origin's response goes through ----

  /**
   * Applied by the wrapped client when the origin's status and headers arrive: takes the next state
   * from core, carries out its storage side, and gives the body to the caller's subscriber, teed to
   * storage when the response is stored; a response the cache replaces (304, stale-if-error) or
   * follows (redirect) is discarded instead.
   */
  private final class Origin implements BodyHandler<T> {
    final Decider decider;
    final NeedRevalidation revalidation;
    final CacheStatus forwarded;
    final CacheKey collapseKey;
    final CompletableFuture<Void> signal;
    Outcome outcome;
    volatile boolean applied;
    Object pending;
    HttpRequest redirect;
    int code;
    LazyHeaders headers;
    CacheStatus status;
    Optional<Reason> reason = Optional.empty();
    private boolean storing; // guarded by this: a writer was made and has not finished
    private boolean stored; // guarded by this: the writer committed
    private Consumer<Boolean> untold; // guarded by this: the report waiting for the writer
    // Guarded by this: the stored responses the response being written replaces (V-03), removed
    // once its writer has finished, so that they stay servable until the new one is complete.
    private InvalidatePairs replaced;
    private volatile TeeSubscriber<T> tee; // the body's, once the head has arrived and is stored

    /**
     * Gives up on a body that is being stored: the write is aborted and the origin's stream
     * cancelled, and the stored responses the new one was to replace are kept, since it never
     * arrived whole.
     */
    void abandon(Throwable why) {
      synchronized (this) {
        replaced = null;
      }
      TeeSubscriber<T> t = tee;
      if (t != null) {
        t.abandon(why);
      }
    }

    Origin(
        Outcome outcome,
        Decider decider,
        NeedRevalidation revalidation,
        CacheStatus forwarded,
        CacheKey collapseKey,
        CompletableFuture<Void> signal) {
      this.outcome = outcome;
      this.decider = decider;
      this.revalidation = revalidation;
      this.forwarded = forwarded;
      this.collapseKey = collapseKey;
      this.signal = signal;
    }

    void release() {
      if (signal != null) {
        engine.release(collapseKey, signal);
      }
    }

    /** Runs {@code report} with whether the response was stored, now or once the body settles. */
    void whenStoreSettled(Consumer<Boolean> report) {
      boolean now;
      synchronized (this) {
        if (storing) {
          untold = report;
          return;
        }
        now = stored;
      }
      report.accept(now);
    }

    /**
     * The writer committed (true) or was aborted (false). Either way the responses it replaces go
     * now, the origin having sent a newer one, stored or not; unless the exchange was given up
     * ({@link #abandon}), when the newer one never arrived whole and they stay.
     */
    void storeSettled(boolean committed) {
      Consumer<Boolean> report;
      InvalidatePairs outdated;
      synchronized (this) {
        if (!storing) {
          return;
        }
        storing = false;
        stored = committed;
        report = untold;
        untold = null;
        outdated = replaced;
        replaced = null;
      }
      if (outdated != null) {
        engine.invalidate(outdated, hop.uri());
      }
      if (report != null) {
        report.accept(committed);
      }
    }

    @Override
    public BodySubscriber<T> apply(ResponseInfo info) {
      applied = true;
      Instant receivedAt = engine.now();
      engine.putCookies(hop.uri(), info.headers());
      Response response = Response.of(info.statusCode(), Conversions.headers(info.headers()));
      CacheState state = decider.decide(response, receivedAt);
      visit(state);
      InvalidatePairs outdated = null;
      if (state instanceof InvalidatePairs invalidate) {
        state = (CacheState) invalidate.next();
        visit(state);
        if (state instanceof StoreAndUse) {
          // V-03: a full response replaces the stored ones once it is stored (or fails to be);
          // until then they are still what the cache holds, e.g. for stale-while-revalidate.
          // Keys an unsafe method invalidates (I-01) go now: the response being stored (O-04, a
          // POST kept for GETs) lives under one of them.
          if (!invalidate.keys().isEmpty()) {
            engine.invalidate(
                new InvalidatePairs(
                    engine.options, List.of(), invalidate.keys(), invalidate.next()),
                hop.uri());
          }
          outdated =
              new InvalidatePairs(engine.options, invalidate.pairs(), List.of(), invalidate.next());
        } else {
          engine.invalidate(invalidate, hop.uri());
        }
      }
      if (state instanceof NeedToBeUpdated update) {
        engine.update(update.updated(), hop.uri());
        withdrawn = update.withdrawn();
        FromCache then = update.next();
        visit(then);
        pending = then;
        outcome = response.status() == 304 ? Outcome.NOT_MODIFIED : Outcome.MODIFIED;
        release();
        return BodySubscribers.replacing(null);
      } else if (state instanceof FromCache fc) {
        pending = fc;
        outcome = Outcome.STALE_IF_ERROR;
        release();
        return BodySubscribers.replacing(null);
      } else if (state instanceof CacheMiss miss) {
        pending = miss;
        release();
        return BodySubscribers.replacing(null);
      }
      Response returned;
      StoredPair pair = null;
      if (state instanceof StoreAndUse store) {
        returned = store.response();
        status = store.status();
        // Kept with the pair, so that a hit reports the version its response arrived in.
        pair = store.pair().withHttpVersion(Conversions.versionName(info.version()));
      } else if (state instanceof CouldNotBeStored notStored) {
        returned = notStored.response();
        status = notStored.status();
        reason = Optional.of(notStored.reason());
      } else {
        throw new AssertionError(state);
      }
      BodyWriter writer = pair == null ? null : engine.newWriter(pair, hop.uri());
      if (pair != null && writer == null) {
        // The engine's own reason: S3-01 is core's "method not cached".
        Reason why = new Reason("E-01", "Storage SPI", "the storage refused the write");
        reason = Optional.of(why);
        status = status.notStored(why);
      }
      if (writer == null) {
        if (outdated != null) {
          engine.invalidate(outdated, hop.uri());
        }
        release();
      }
      synchronized (this) {
        storing = writer != null;
        replaced = writer != null ? outdated : null;
      }
      code = returned.status();
      // The caller sees the fields the wrapped client received, as through a plain client: core's
      // response differs only in leaving out hop-by-hop fields, a concern of forwarding, and
      // nothing is forwarded here.
      HttpHeaders received = info.headers();
      CacheStatus statusForCaller = status;
      headers =
          LazyHeaders.of(
              () ->
                  Conversions.withCacheStatus(
                      received, statusForCaller.toFieldValue(CacheEngine.CACHE_NAME)));
      redirect =
          background || !Redirects.isRedirect(code)
              ? null
              : engine.redirect(hop, code, headers.get()).orElse(null);
      BodySubscriber<T> downstream;
      try {
        downstream =
            redirect != null || background
                ? BodySubscribers.replacing(null)
                : handler.apply(new Info(code, headers, info.version()));
      } catch (RuntimeException | Error e) {
        // The caller's handler threw: no body will come, so nothing may stay half-written.
        if (writer != null) {
          writer.abort();
          storeSettled(false);
        }
        release();
        throw e;
      }
      if (writer == null) {
        return downstream;
      }
      long expected = -1;
      if (!hop.method().equals("HEAD") && code != 204 && code != 304) {
        expected = contentLength(returned);
      }
      URI uri = hop.uri();
      StoredPair written = pair;
      boolean trim = crowded;
      TeeSubscriber.Outcome onStored =
          new TeeSubscriber.Outcome() {
            @Override
            public void committed() {
              engine.counters.stores.increment();
              try {
                release();
                storeSettled(true);
              } finally {
                // After the responses this one replaces are gone (V-03), so that only variants
                // still stored count against the bound (SEC-06).
                if (trim) {
                  engine.boundVariants(written, uri);
                }
              }
            }

            @Override
            public void aborted() {
              release();
              storeSettled(false);
            }

            @Override
            public void storageFailed(Throwable error) {
              engine.storageError(uri, error);
              release();
              storeSettled(false);
            }
          };
      TeeSubscriber<T> tee =
          new TeeSubscriber<>(downstream, writer, expected, engine.maximumBodySize, onStored);
      this.tee = tee;
      if (collectsWholeBody(downstream) && engine.commitsQuickly(expected)) {
        // The caller's subscriber is the JDK's own byte-array one (ofByteArray, ofString), which
        // yields the body only once complete. The JDK client delivers a body inline to its own
        // subscribers but through its executor to any other (a thread hop per response, ~60-80 us
        // on 2 cores); wrapped by fromSubscriber, the tee counts as one of its own. Its storage
        // writes and commit then run on the client's thread, so only where they do no I/O.
        BodySubscriber<T> caller = downstream;
        return BodySubscribers.fromSubscriber(
            tee, t -> caller.getBody().toCompletableFuture().join());
      }
      return tee;
    }
  }

  /**
   * Whether the subscriber is the JDK's own byte-array subscriber ({@code BodySubscribers
   * .ofByteArray()}, {@code ofString}), which hands out the body only when it is complete.
   */
  private static boolean collectsWholeBody(BodySubscriber<?> subscriber) {
    return subscriber
        .getClass()
        .getName()
        .equals("jdk.internal.net.http.ResponseSubscribers$ByteArraySubscriber");
  }

  private static long contentLength(Response response) {
    Optional<String> v = response.headers().firstValue("Content-Length");
    if (v.isEmpty()) {
      return -1;
    }
    try {
      long n = Long.parseLong(v.get().trim());
      return n < 0 ? -1 : n;
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  // ---- bookkeeping ----

  private Outcome missOutcome() {
    return converted.isSafe() ? Outcome.MISS : Outcome.WRITE_THROUGH;
  }

  private void startPath() {
    if (engine.listening()) {
      states = new ArrayList<>(6);
      states.add("IdleClient");
    }
  }

  private void visit(CacheState state) {
    if (states != null) {
      states.add(state.getClass().getSimpleName());
    }
  }

  private List<String> path(FromCache fc) {
    if (states == null) {
      return HIT_PATH;
    }
    if (!states.get(states.size() - 1).equals("FromCache")) {
      visit(fc);
    }
    return states;
  }

  private static void close(StoredBody body) {
    if (body != null) {
      try {
        body.close();
      } catch (IOException ignored) {
        // Nothing was or will be read from it.
      }
    }
  }
}
