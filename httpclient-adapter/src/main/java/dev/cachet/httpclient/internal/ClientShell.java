package dev.cachet.httpclient.internal;

import dev.cachet.core.CacheOptions;
import dev.cachet.engine.CacheEngine;
import dev.cachet.engine.CacheStatistics;
import dev.cachet.storage.Storage;
import java.io.IOException;
import java.net.CookieHandler;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandler;
import java.net.http.HttpResponse.PushPromiseHandler;
import java.time.Duration;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * The {@code java.net.http} shell over the cache engine: what one {@code CachingHttpClient} holds
 * besides the engine (the wrapped client, the cookie handler and redirect policy the cache applies
 * itself), and the conversions between the JDK's requests and core's. Each request runs as an
 * {@link HttpExchange}.
 */
public final class ClientShell {
  /** The longest a closed cache waits for the exchanges under way before it shuts down. */
  public static final Duration CLOSE_GRACE = Duration.ofSeconds(30);

  private final WrappedClient wrapped;
  private final CacheEngine engine;
  private final HitHeaders hitHeaders;

  /**
   * The exchanges under way, and {@link #CLOSING} once closed: one atomic add per request and one
   * per answer, where a lock would take two each (and serialise every caller on the client).
   */
  private final AtomicLong state = new AtomicLong();

  private static final long CLOSING = 1L << 62;
  private boolean shutDown; // guarded by this
  private final CompletableFuture<Void> terminated = new CompletableFuture<>();

  /**
   * @param wrapped the client that talks to origins, with what the cache applies around it
   * @param engine the engine, built with {@link #withFieldsOutOfSight} options
   */
  public ClientShell(WrappedClient wrapped, CacheEngine engine) {
    this.wrapped = wrapped;
    this.engine = engine;
    this.hitHeaders = new HitHeaders(engine.cacheName());
  }

  /**
   * The options with the request fields the wrapped JDK client adds after the cache has looked at a
   * request: {@code Authorization} when its {@code Authenticator} answers a challenge, {@code
   * Cookie} when its own {@code CookieHandler} adds cookies. Core then refuses what it could not
   * match to the right user (R4-05, S3-06).
   *
   * @param options the options given
   * @param client the wrapped client
   * @return the options the engine applies
   */
  public static CacheOptions withFieldsOutOfSight(CacheOptions options, HttpClient client) {
    Set<String> added = new HashSet<>(options.fieldsAddedOutOfSight());
    if (client.authenticator().isPresent()) {
      added.add("authorization");
    }
    if (client.cookieHandler().isPresent()) {
      added.add("cookie");
    }
    return added.equals(options.fieldsAddedOutOfSight())
        ? options
        : options.toBuilder().fieldsAddedOutOfSight(added).build();
  }

  // ---- entry points ----

  /** Sends a request through the cache. */
  public <T> CompletableFuture<HttpResponse<T>> sendAsync(
      HttpRequest request, BodyHandler<T> handler, @Nullable PushPromiseHandler<T> push) {
    enter();
    CompletableFuture<HttpResponse<T>> f;
    try {
      f = new HttpExchange<>(this, request, handler, push, false).start();
    } catch (RuntimeException | Error e) {
      leave();
      throw e;
    }
    CompletableFuture<?> unused = f.whenComplete((r, e) -> leave());
    return f;
  }

  /** Sends a request through the cache and waits, as {@code HttpClient.send} does. */
  public <T> HttpResponse<T> send(HttpRequest request, BodyHandler<T> handler)
      throws IOException, InterruptedException {
    enter();
    try {
      return await(new HttpExchange<>(this, request, handler, null, true).start());
    } finally {
      leave();
    }
  }

  private static <T> HttpResponse<T> await(CompletableFuture<HttpResponse<T>> f)
      throws IOException, InterruptedException {
    try {
      return f.get();
    } catch (InterruptedException e) {
      f.cancel(true);
      throw e;
    } catch (ExecutionException e) {
      Throwable cause = unwrap(e.getCause() != null ? e.getCause() : e);
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
    return engine.statistics();
  }

  /** The storage. */
  public Storage storage() {
    return engine.storage();
  }

  /** The cache options, as the engine applies them. */
  public CacheOptions options() {
    return engine.options();
  }

  /** The engine. */
  public CacheEngine engine() {
    return engine;
  }

  /** The client that talks to origins. */
  public HttpClient origin() {
    return wrapped.client();
  }

  /** The cookie handler the cache applies, if any. */
  public Optional<CookieHandler> cookieHandler() {
    return wrapped.cookies();
  }

  /** The executor given to the builder, if any, else the wrapped client's. */
  public Optional<Executor> executor() {
    return engine.executor().or(() -> wrapped.client().executor());
  }

  /** True once {@link #close()} was called. */
  public boolean isClosed() {
    return (state.get() & CLOSING) != 0;
  }

  /** True once the cache has shut down: closed, and the exchanges under way then answered. */
  public boolean isTerminated() {
    return terminated.isDone();
  }

  /**
   * Waits until {@link #isTerminated()}, at most this long.
   *
   * @param timeout the longest wait
   * @return whether the cache has shut down
   * @throws InterruptedException if interrupted while waiting
   */
  public boolean awaitTermination(Duration timeout) throws InterruptedException {
    try {
      terminated.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
      return true;
    } catch (TimeoutException e) {
      return false;
    } catch (ExecutionException e) {
      return true;
    }
  }

  /**
   * Shuts the cache down: its background work, the storage and the client it owns. Idempotent. With
   * no exchange under way it shuts down at once, on this thread; otherwise once the exchanges under
   * way have been answered (requests collapsed behind another may still go to the origin), or after
   * {@link #CLOSE_GRACE} at the latest, on a thread of its own: on Java 21 and later the JDK
   * client's own close waits until the bodies it delivered have been read, which must not hold a
   * thread the caller needs to read them.
   */
  public void close() {
    long before = state.getAndUpdate(s -> s | CLOSING);
    if ((before & CLOSING) != 0) {
      return;
    }
    if (before == 0) {
      shutDown();
    } else {
      CompletableFuture.delayedExecutor(CLOSE_GRACE.toNanos(), TimeUnit.NANOSECONDS)
          .execute(this::shutDownBehind);
    }
  }

  private void enter() {
    state.incrementAndGet();
  }

  private void leave() {
    if (state.decrementAndGet() == CLOSING) {
      shutDownBehind(); // closed, and this was the last exchange under way
    }
  }

  private void shutDownBehind() {
    Thread t = new Thread(this::shutDown, "cachet-close");
    t.setDaemon(true);
    t.start();
  }

  private void shutDown() {
    synchronized (this) {
      if (shutDown) {
        return;
      }
      shutDown = true;
    }
    try {
      engine.close();
      wrapped.closeIfOwned();
    } finally {
      terminated.complete(null);
    }
  }

  // ---- for exchanges ----

  HitHeaders hitHeaders() {
    return hitHeaders;
  }

  WrappedClient wrapped() {
    return wrapped;
  }

  /**
   * What {@code HttpClient.send} throws for a failure of the caller's handler or subscriber, which
   * on a hit fails here rather than inside the wrapped client's {@code send}: the failure as the
   * cause of a new exception of the same kind for an {@link IllegalArgumentException} or a {@link
   * SecurityException}, else of an {@link IOException}.
   */
  static Throwable asSendThrows(Throwable failure) {
    Throwable t = unwrap(failure);
    String message = t.getMessage();
    if (t instanceof IllegalArgumentException) {
      return new IllegalArgumentException(message, t);
    } else if (t instanceof SecurityException) {
      return new SecurityException(message, t);
    }
    return new IOException(message, t);
  }

  static Throwable unwrap(Throwable t) {
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }
}
