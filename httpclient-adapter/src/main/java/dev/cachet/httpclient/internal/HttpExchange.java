package dev.cachet.httpclient.internal;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandler;
import java.net.http.HttpResponse.PushPromiseHandler;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * One caller's request through a {@code CachingHttpClient}: each hop (the request, then each
 * redirect the cache follows) is sent through the engine as a {@link JdkHop}, and the caller
 * receives the last hop's response with the earlier ones linked as its previous responses.
 */
final class HttpExchange<T> {
  private final ClientShell shell;
  private final HttpRequest first;
  private final BodyHandler<T> handler;
  private final PushPromiseHandler<T> push;

  /**
   * True for {@code send}: the origin is called with the wrapped client's blocking {@code send} on
   * the caller's thread, and a failure of the caller's handler on a hit is thrown as {@code send}
   * throws it.
   */
  private final boolean blocking;

  private int hops;
  private Optional<HttpResponse<T>> previous = Optional.empty();

  HttpExchange(
      ClientShell shell,
      HttpRequest request,
      BodyHandler<T> handler,
      PushPromiseHandler<T> push,
      boolean blocking) {
    this.shell = shell;
    this.first = request;
    this.handler = handler;
    this.push = push;
    this.blocking = blocking;
  }

  ClientShell shell() {
    return shell;
  }

  BodyHandler<T> handler() {
    return handler;
  }

  PushPromiseHandler<T> push() {
    return push;
  }

  boolean blocking() {
    return blocking;
  }

  Optional<HttpResponse<T>> previous() {
    return previous;
  }

  /** Looks the request up on the calling thread; a fresh hit completes before this returns. */
  CompletableFuture<HttpResponse<T>> start() {
    return hop(first);
  }

  private CompletableFuture<HttpResponse<T>> hop(HttpRequest request) {
    JdkHop<T> hop = new JdkHop<>(this, request);
    CompletableFuture<Void> done;
    try {
      done = shell.engine().send(hop.cacheRequest(), hop, hop);
    } catch (RuntimeException e) {
      done = CompletableFuture.failedFuture(e);
    }
    return done.handle((v, e) -> e == null ? hop.response() : hop.failed(e)).thenCompose(f -> f);
  }

  /** Follows a redirect: the response without its body becomes the next one's previous. */
  CompletableFuture<HttpResponse<T>> follow(HttpRequest next, HttpResponse<T> withoutBody) {
    if (++hops > Redirects.MAX_HOPS) {
      return CompletableFuture.failedFuture(new IOException("too many redirects"));
    }
    previous = Optional.of(withoutBody);
    return hop(next);
  }

  /**
   * The chain before the wrapped client's response: the hops the cache followed ({@link
   * #previous}), then the responses the wrapped client went through itself for this one (a 401 its
   * {@code Authenticator} answered), oldest first, as a plain client links them.
   */
  Optional<HttpResponse<T>> withWrappedChain(HttpResponse<T> response) {
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
}
