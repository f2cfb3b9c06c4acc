package dev.cachet.httpclient;

import static java.util.Objects.requireNonNull;

import dev.cachet.core.CacheOptions;
import dev.cachet.engine.CacheListener;
import dev.cachet.engine.CacheStatistics;
import dev.cachet.httpclient.internal.ClientShell;
import dev.cachet.httpclient.internal.ShellAssembly;
import dev.cachet.storage.Storage;
import java.io.IOException;
import java.net.Authenticator;
import java.net.CookieHandler;
import java.net.ProxySelector;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandler;
import java.net.http.HttpResponse.PushPromiseHandler;
import java.net.http.WebSocket;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import org.jspecify.annotations.Nullable;

/**
 * A {@link HttpClient} with an RFC 9111 HTTP cache in front of it: code that takes an {@code
 * HttpClient} takes this one unchanged, and a repeated request is answered from storage.
 *
 * <p>Each request is looked up in the {@link Storage}. A fresh stored response (RFC 9111 §4.2) is
 * replayed into the caller's {@link BodyHandler} on the calling thread without contacting the
 * origin; a stale one is revalidated with a conditional request (§4.3), served at once while it is
 * revalidated in the background ({@code stale-while-revalidate}, RFC 5861 §3), or served when the
 * origin fails ({@code stale-if-error}, RFC 5861 §4). Otherwise the request goes to the origin
 * through the wrapped client, and the response's body streams to the caller and, when it may be
 * stored (§3), to storage at the same time; only a complete body is committed. A body whose
 * announced {@code Content-Length} has arrived is complete, whenever the caller stops reading; a
 * caller that abandons a body with at most 1 MiB of it left to come (or of unknown length) has the
 * rest read behind it and stored, within 1 MiB more and 30 seconds; with more left, the write is
 * dropped and the stream cancelled. Unsafe methods are written through and invalidate what they
 * change (§4.4). Concurrent misses for one URI make one origin request (request collapsing). Every
 * response carries an RFC 9211 {@code Cache-Status} member named {@code Cachet}, e.g. {@code
 * Cachet; hit; ttl=42}.
 *
 * <p>A storage failure never fails a request: the client uses the origin, counts the failure in
 * {@link #statistics()} and tells the {@link CacheListener}.
 *
 * <p><b>Fields the JDK adds itself.</b> A {@link CookieHandler} given to the builder is applied by
 * the cache, not by the wrapped client, so the {@code Cookie} field is part of what the cache
 * matches with {@code Vary} (RFC 9111 §4.1). An {@link Authenticator} answers challenges inside the
 * wrapped client, where the cache cannot see the {@code Authorization} it adds; so with an
 * authenticator a response that varies on {@code Authorization} is not stored, and a shared cache
 * stores a response to a possibly authorised request only when RFC 9111 §3.5 allows it ({@code
 * public}, {@code must-revalidate}, {@code s-maxage}). The same holds for {@code Cookie} when a
 * wrapped client has a cookie handler of its own.
 *
 * <p><b>Redirects</b> are followed by the cache, per {@link Builder#followRedirects}, one hop at a
 * time, so that each hop is cached on its own. A response's {@link HttpResponse#previousResponse()
 * previousResponse()} chain is the one a plain client gives: the hops the cache followed, each with
 * the responses the wrapped client went through for it (a 401 its {@link Authenticator} answered),
 * also when a stored response answers in place of the origin's (a 304); a hit made no exchange and
 * adds none. Push promises go to the caller's handler uncached. WebSockets are the wrapped
 * client's. A response served from storage has no {@link HttpResponse#sslSession() SSL session};
 * its {@link HttpResponse#request() request} is the caller's, and its {@link HttpResponse#version()
 * version} the one the stored response arrived in, also after a 304 freshened it (for a response
 * stored without one, by an older version of this library, the one the request asks for, else the
 * client's).
 *
 * <p><b>Lifecycle.</b> The client owns its storage: {@link #close()} closes it, whether the builder
 * created it or was given it (unless given with {@link Builder#storage(Storage, boolean)
 * storage(storage, false)}, for a storage shared between clients). Close the client when done with
 * it, with {@code try}-with-resources or the framework's shutdown hook for its beans.
 *
 * <pre>{@code
 * try (CachingHttpClient client = CachingHttpClient.newBuilder()
 *     .storage(FileStorage.newBuilder(Path.of("cache")).build())   // closed with the client
 *     .connectTimeout(Duration.ofSeconds(5))
 *     .build()) {
 *   HttpResponse<String> r = client.send(HttpRequest.newBuilder(uri).build(), BodyHandlers.ofString());
 *   client.statistics().hits();
 * }
 * }</pre>
 */
public final class CachingHttpClient extends HttpClient implements AutoCloseable {
  private final ClientShell shell;
  private final Redirect redirects;

  private CachingHttpClient(ClientShell shell, Redirect redirects) {
    this.shell = shell;
    this.redirects = redirects;
  }

  /** {@return a builder with the defaults: a private cache in a bounded memory store} */
  public static Builder newBuilder() {
    return new Builder();
  }

  /**
   * {@return a builder for a client caching in front of an existing client, with the defaults
   * otherwise}
   *
   * @param client the client that sends what the cache cannot answer, as {@link Builder#wrap} takes
   *     it
   * @throws IllegalArgumentException if it is a {@code CachingHttpClient}
   */
  public static Builder newBuilder(HttpClient client) {
    return new Builder().wrap(client);
  }

  /**
   * Sends a request, answering it from the cache when RFC 9111 allows, and waits for the response.
   *
   * @throws IOException if the origin cannot be reached and no stored response may be served
   * @throws InterruptedException if interrupted while waiting
   */
  @Override
  public <T> HttpResponse<T> send(HttpRequest request, BodyHandler<T> responseBodyHandler)
      throws IOException, InterruptedException {
    requireNonNull(request, "request");
    requireNonNull(responseBodyHandler, "responseBodyHandler");
    return shell.send(request, responseBodyHandler);
  }

  /**
   * Sends a request asynchronously. The cache look-up runs on the calling thread, so a fresh hit
   * returns an already completed future.
   */
  @Override
  public <T> CompletableFuture<HttpResponse<T>> sendAsync(
      HttpRequest request, BodyHandler<T> responseBodyHandler) {
    requireNonNull(request, "request");
    requireNonNull(responseBodyHandler, "responseBodyHandler");
    return shell.sendAsync(request, responseBodyHandler, null);
  }

  /** As {@link #sendAsync(HttpRequest, BodyHandler)}; push promises reach the handler uncached. */
  @Override
  public <T> CompletableFuture<HttpResponse<T>> sendAsync(
      HttpRequest request,
      BodyHandler<T> responseBodyHandler,
      PushPromiseHandler<T> pushPromiseHandler) {
    requireNonNull(request, "request");
    requireNonNull(responseBodyHandler, "responseBodyHandler");
    return shell.sendAsync(request, responseBodyHandler, pushPromiseHandler);
  }

  /** {@return a snapshot of the cache's counters since the client was built} */
  public CacheStatistics statistics() {
    return shell.statistics();
  }

  /** {@return the storage the cache keeps its responses in} */
  public Storage storage() {
    return shell.storage();
  }

  /** {@return the cache's options} */
  public CacheOptions cacheOptions() {
    return shell.options();
  }

  /** The cookie handler the cache applies to requests and responses (not the wrapped client). */
  @Override
  public Optional<CookieHandler> cookieHandler() {
    return shell.cookieHandler();
  }

  @Override
  public Optional<Duration> connectTimeout() {
    return wrapped().connectTimeout();
  }

  /** The redirect policy the cache follows, hop by hop. */
  @Override
  public Redirect followRedirects() {
    return redirects;
  }

  @Override
  public Optional<ProxySelector> proxy() {
    return wrapped().proxy();
  }

  @Override
  public SSLContext sslContext() {
    return wrapped().sslContext();
  }

  @Override
  public SSLParameters sslParameters() {
    return wrapped().sslParameters();
  }

  @Override
  public Optional<Authenticator> authenticator() {
    return wrapped().authenticator();
  }

  @Override
  public Version version() {
    return wrapped().version();
  }

  @Override
  public Optional<Executor> executor() {
    return shell.executor();
  }

  /** A WebSocket builder of the wrapped client; WebSockets are not cached. */
  @Override
  public WebSocket.Builder newWebSocketBuilder() {
    return wrapped().newWebSocketBuilder();
  }

  /**
   * Stops the client's own background executor and closes what the client owns: its storage, unless
   * it was given with {@link Builder#storage(Storage, boolean) storage(storage, false)} (closing a
   * {@link dev.cachet.storage.FileStorage} writes what it still holds), and, on Java 21 and later,
   * the wrapped client it built. With exchanges under way it does so once they have been answered
   * (at the latest after 30 seconds), so that requests still waiting for another's response are
   * answered. A client given to {@link #newBuilder(HttpClient)} and an executor given to the
   * builder are the caller's and are left open. Idempotent.
   */
  @Override
  public void close() {
    shell.close();
  }

  /**
   * As {@link #close()}. On Java 21 and later this overrides {@code HttpClient.shutdown()}: like
   * it, the exchanges in progress are answered before the cache shuts down.
   */
  public void shutdown() {
    shell.close();
  }

  /** As {@link #close()}; overrides {@code HttpClient.shutdownNow()} on Java 21 and later. */
  public void shutdownNow() {
    shell.close();
  }

  /**
   * {@return true once the client has shut down: closed, and the exchanges in progress then
   * answered} Overrides {@code HttpClient.isTerminated()} on Java 21 and later.
   */
  public boolean isTerminated() {
    return shell.isTerminated();
  }

  /**
   * Waits until {@link #isTerminated()}, at most {@code duration}. Overrides {@code
   * HttpClient.awaitTermination(Duration)} on Java 21 and later.
   *
   * @param duration the longest to wait
   * @return whether the client has shut down
   * @throws InterruptedException if interrupted while waiting
   */
  public boolean awaitTermination(Duration duration) throws InterruptedException {
    requireNonNull(duration, "duration");
    return shell.awaitTermination(duration);
  }

  private HttpClient wrapped() {
    return shell.origin();
  }

  @Override
  public String toString() {
    return "CachingHttpClient[" + shell.storage() + ", " + shell.options() + "]";
  }

  /**
   * Builds a {@link CachingHttpClient}. Every setting of {@link HttpClient.Builder} configures the
   * client the cache wraps (the last value given wins, as in the JDK), except {@link
   * #cookieHandler} and {@link #followRedirects}, which the cache applies itself. The cache's own
   * settings ({@link #storage}, {@link #cacheOptions}, {@link #listener}, {@link #clock}, {@link
   * #wrap}) may each be given once. A builder is reusable: {@link #build()} copies it.
   */
  public static final class Builder implements HttpClient.Builder {
    private final HttpClient.Builder jdk = HttpClient.newBuilder();
    private boolean connectionSettings;
    private @Nullable Executor executor;
    private @Nullable CookieHandler cookieHandler;
    private Redirect redirects = Redirect.NEVER;
    private @Nullable Storage storage;
    private boolean closeStorage;
    private @Nullable CacheOptions options;
    private @Nullable CacheListener listener;
    private @Nullable Clock clock;
    private @Nullable HttpClient wrapped;
    private @Nullable Duration backgroundRevalidationTimeout;
    private boolean offline;

    private Builder() {
      jdk.followRedirects(Redirect.NEVER);
    }

    /**
     * The cookie handler, applied by the cache so that the {@code Cookie} field takes part in
     * {@code Vary} matching (RFC 9111 §4.1).
     */
    @Override
    public Builder cookieHandler(CookieHandler cookieHandler) {
      this.cookieHandler = requireNonNull(cookieHandler, "cookieHandler");
      return this;
    }

    @Override
    public Builder connectTimeout(Duration duration) {
      jdk.connectTimeout(duration);
      connectionSettings = true;
      return this;
    }

    @Override
    public Builder sslContext(SSLContext sslContext) {
      jdk.sslContext(sslContext);
      connectionSettings = true;
      return this;
    }

    @Override
    public Builder sslParameters(SSLParameters sslParameters) {
      jdk.sslParameters(sslParameters);
      connectionSettings = true;
      return this;
    }

    /**
     * The executor of the wrapped client, also used for background revalidations; without one the
     * cache runs them on an internal daemon executor stopped by {@link CachingHttpClient#close()}.
     */
    @Override
    public Builder executor(Executor executor) {
      this.executor = requireNonNull(executor, "executor");
      return this;
    }

    /**
     * The redirect policy, carried out by the cache hop by hop; {@code NEVER} by default, as in the
     * JDK.
     */
    @Override
    public Builder followRedirects(Redirect policy) {
      this.redirects = requireNonNull(policy, "policy");
      return this;
    }

    @Override
    public Builder version(Version version) {
      jdk.version(version);
      connectionSettings = true;
      return this;
    }

    @Override
    public Builder priority(int priority) {
      jdk.priority(priority);
      connectionSettings = true;
      return this;
    }

    @Override
    public Builder proxy(ProxySelector proxySelector) {
      jdk.proxy(proxySelector);
      connectionSettings = true;
      return this;
    }

    /**
     * The authenticator of the wrapped client. The cache then does not store responses that vary on
     * {@code Authorization}, and a shared cache follows RFC 9111 §3.5 for every response.
     */
    @Override
    public Builder authenticator(Authenticator authenticator) {
      jdk.authenticator(authenticator);
      connectionSettings = true;
      return this;
    }

    /**
     * Where responses are stored. By default each client creates a {@link
     * dev.cachet.storage.MemoryStorage} sized to the heap, closed with the client: a sixteenth of
     * the maximum heap, at least 32 MiB and at most 256 MiB (64 MiB in a 1 GiB heap), storing
     * responses of up to 16 MiB (headers included); a larger response streams through uncached.
     *
     * <p>The client owns the storage given here: {@link CachingHttpClient#close()} closes it. To
     * share a storage between clients, give it with {@link #storage(Storage, boolean)}.
     *
     * @param storage where responses are stored, closed with the client
     * @return this builder
     * @throws IllegalStateException if a storage was given already
     */
    public Builder storage(Storage storage) {
      return storage(storage, true);
    }

    /**
     * Where responses are stored, and whether the client owns the storage. A storage the client
     * owns is closed by {@link CachingHttpClient#close()}: the usual case, a storage built for this
     * client, often inline in this builder's chain. One used by several clients, or after this
     * client is closed, is given with {@code closeWithClient} false, and the caller closes it.
     *
     * <pre>{@code
     * FileStorage shared = FileStorage.newBuilder(Path.of("http-cache")).build();
     * CachingHttpClient a = CachingHttpClient.newBuilder().storage(shared, false).build();
     * CachingHttpClient b = CachingHttpClient.newBuilder().storage(shared, false).build();
     * // ... a.close(); b.close(); shared.close();
     * }</pre>
     *
     * @param storage where responses are stored
     * @param closeWithClient true when {@link CachingHttpClient#close()} closes the storage, false
     *     when the caller closes it
     * @return this builder
     * @throws IllegalStateException if a storage was given already
     */
    public Builder storage(Storage storage, boolean closeWithClient) {
      requireNonNull(storage, "storage");
      if (this.storage != null) {
        throw new IllegalStateException("storage was already set");
      }
      this.storage = storage;
      this.closeStorage = closeWithClient;
      return this;
    }

    /**
     * How the cache behaves where RFC 9111 leaves a choice; {@link CacheOptions#defaults()} (a
     * private cache) by default.
     *
     * @param options the cache options
     * @return this builder
     * @throws IllegalStateException if options were given already
     */
    public Builder cacheOptions(CacheOptions options) {
      requireNonNull(options, "options");
      if (this.options != null) {
        throw new IllegalStateException("cacheOptions was already set");
      }
      this.options = options;
      return this;
    }

    /**
     * A listener told of each outcome and of storage failures.
     *
     * @param listener the listener
     * @return this builder
     * @throws IllegalStateException if a listener was given already
     */
    public Builder listener(CacheListener listener) {
      requireNonNull(listener, "listener");
      if (this.listener != null) {
        throw new IllegalStateException("listener was already set");
      }
      this.listener = listener;
      return this;
    }

    /**
     * Offline mode (OV-06): when the origin cannot be reached, whatever is stored for a request is
     * served, marked stale in {@code Cache-Status}; see {@link CacheOptions#offline()}. The same as
     * {@code CacheOptions.newBuilder().offline(true)} given to {@link #cacheOptions}, and combined
     * with the options given there.
     *
     * @param offline true to serve what is stored when the origin cannot be reached
     * @return this builder
     */
    public Builder offline(boolean offline) {
      this.offline = offline;
      return this;
    }

    /**
     * The clock giving request and response times (RFC 9111 §4.2.3) and "now" for freshness; {@link
     * Clock#systemUTC()} by default. Tests pass a clock they move.
     *
     * @param clock the clock
     * @return this builder
     * @throws IllegalStateException if a clock was given already
     */
    public Builder clock(Clock clock) {
      requireNonNull(clock, "clock");
      if (this.clock != null) {
        throw new IllegalStateException("clock was already set");
      }
      this.clock = clock;
      return this;
    }

    /**
     * How long a background revalidation ({@code stale-while-revalidate}, RFC 5861 §3) waits for
     * the origin's response when the request that started it has no {@linkplain
     * HttpRequest#timeout() timeout} of its own (default 1 minute); a request's own timeout is used
     * as it is. At most one background revalidation per key runs at a time, so one whose origin
     * never answered would otherwise keep the key's stale response from ever being revalidated
     * behind again. The same time bounds the revalidation as a whole, its response body included
     * (the JDK's timeout ends when the head arrives): one that outlasts it is given up, its write
     * aborted, its stream cancelled and the stored response kept. A revalidation that times out is
     * told to {@link CacheListener#onBackgroundRevalidationFailure} as an {@link
     * java.net.http.HttpTimeoutException}.
     *
     * @param timeout the longest a background revalidation may take, positive
     * @return this builder
     * @throws IllegalArgumentException if not positive
     * @throws IllegalStateException if already set
     */
    public Builder backgroundRevalidationTimeout(Duration timeout) {
      requireNonNull(timeout, "timeout");
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException(
            "backgroundRevalidationTimeout must be positive: " + timeout);
      }
      if (this.backgroundRevalidationTimeout != null) {
        throw new IllegalStateException("backgroundRevalidationTimeout was already set");
      }
      this.backgroundRevalidationTimeout = timeout;
      return this;
    }

    /**
     * Caches in front of an existing client instead of building one. Its connection settings are
     * its own, so none of this builder's may be given; if it follows redirects itself, the cache
     * sees only the final response of each chain. A cookie handler or authenticator it has is
     * treated as described on {@link CachingHttpClient}.
     *
     * @param client the client that sends what the cache cannot answer
     * @return this builder
     * @throws IllegalArgumentException if it is a {@code CachingHttpClient}
     * @throws IllegalStateException if a client to wrap was given already
     */
    public Builder wrap(HttpClient client) {
      requireNonNull(client, "client");
      if (client instanceof CachingHttpClient) {
        throw new IllegalArgumentException("a CachingHttpClient cannot wrap another one");
      }
      if (this.wrapped != null) {
        throw new IllegalStateException("a client to wrap was already set");
      }
      this.wrapped = client;
      return this;
    }

    /**
     * Builds the client.
     *
     * @throws IllegalStateException if a client to wrap and connection settings were both given
     */
    @Override
    public CachingHttpClient build() {
      ClientShell shell =
          new ShellAssembly(
                  jdk,
                  connectionSettings,
                  wrapped,
                  executor,
                  cookieHandler,
                  redirects,
                  storage,
                  closeStorage,
                  DefaultStorage::create,
                  options,
                  offline,
                  listener,
                  clock,
                  backgroundRevalidationTimeout)
              .build();
      return new CachingHttpClient(shell, redirects);
    }
  }
}
