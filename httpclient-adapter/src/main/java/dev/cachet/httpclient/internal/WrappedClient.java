package dev.cachet.httpclient.internal;

import dev.cachet.core.Headers;
import dev.cachet.core.Request;
import dev.cachet.engine.ResponseHandler;
import java.io.IOException;
import java.net.CookieHandler;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpClient.Redirect;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandler;
import java.net.http.HttpResponse.BodySubscribers;
import java.net.http.HttpResponse.PushPromiseHandler;
import java.net.http.HttpResponse.ResponseInfo;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import org.jspecify.annotations.Nullable;

/**
 * The JDK client that talks to origins, with what the cache applies around it: the cookie handler
 * and redirect policy it applies itself, and the time limit of its background revalidations.
 */
public final class WrappedClient {
  private static final System.Logger LOG = System.getLogger("dev.cachet.httpclient");

  private final HttpClient client;
  private final boolean owned;
  private final Optional<CookieHandler> cookies;
  private final Redirect redirects;
  private final Duration backgroundTimeout;

  /**
   * @param client the client; it must not follow redirects itself unless {@code redirects} is
   *     {@code NEVER}
   * @param owned true when closing the cache closes it
   * @param cookies the cookie handler the cache applies itself, if any
   * @param redirects the redirect policy the cache follows
   * @param backgroundTimeout the timeout of a background revalidation whose request has none
   */
  public WrappedClient(
      HttpClient client,
      boolean owned,
      Optional<CookieHandler> cookies,
      Redirect redirects,
      Duration backgroundTimeout) {
    this.client = client;
    this.owned = owned;
    this.cookies = cookies;
    this.redirects = redirects;
    this.backgroundTimeout = backgroundTimeout;
  }

  HttpClient client() {
    return client;
  }

  Optional<CookieHandler> cookies() {
    return cookies;
  }

  /** Closes the client if the cache built it (on Java 21 and later it owns threads). */
  void closeIfOwned() {
    if (owned && client instanceof AutoCloseable c) {
      try {
        c.close();
      } catch (Exception e) {
        LOG.log(System.Logger.Level.WARNING, "closing the wrapped client failed", e);
      }
    }
  }

  /** The request as the cache sees it: the caller's fields plus the cookies the cache adds. */
  Request toCore(HttpRequest request) {
    Headers headers = Conversions.headers(request.headers());
    if (cookies.isPresent()) {
      try {
        Map<String, List<String>> got = cookies.get().get(request.uri(), request.headers().map());
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
    if (cookies.isPresent()) {
      try {
        cookies.get().put(uri, headers.map());
      } catch (IOException | RuntimeException e) {
        LOG.log(System.Logger.Level.DEBUG, "cookie handler failed", e);
      }
    }
  }

  /**
   * The request to send: the caller's own when the cache changed nothing, else a copy (method,
   * body, timeout, version) with exactly the fields of {@code toSend}.
   */
  @SuppressWarnings(
      "ReferenceEquality") // core returns the request it was given when it changed nothing
  HttpRequest originRequest(HttpRequest caller, Request toSend, @Nullable Request converted) {
    if (toSend == converted && cookies.isEmpty()) {
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
   * this thread when the caller blocks anyway (no thread hop: {@code HttpClient.sendAsync} hands
   * every completion to the CompletableFuture default executor, which on a machine with fewer than
   * three cores starts a new thread per request), else with {@code sendAsync}.
   */
  <T> CompletableFuture<HttpResponse<T>> sendToOrigin(
      HttpRequest request,
      BodyHandler<T> handler,
      @Nullable PushPromiseHandler<T> push,
      boolean blocking) {
    if (blocking && push == null) {
      try {
        return CompletableFuture.completedFuture(client.send(request, handler));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return CompletableFuture.failedFuture(e);
      } catch (IOException | RuntimeException e) {
        return CompletableFuture.failedFuture(e);
      }
    }
    try {
      return push == null
          ? client.sendAsync(request, handler)
          : client.sendAsync(request, handler, push);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** The next request of a redirect the cache follows, if it follows this response. */
  Optional<HttpRequest> redirect(HttpRequest request, int status, HttpHeaders headers) {
    if (redirects == Redirect.NEVER) {
      return Optional.empty();
    }
    return Redirects.next(redirects, request, status, headers);
  }

  /** The version a request asks for, else the wrapped client's. */
  HttpClient.Version requestedVersion(HttpRequest request) {
    return request.version().orElse(client.version());
  }

  /**
   * Sends a revalidation behind a stale response: bounded in time, its body never the caller's.
   *
   * @param request the caller's request the stale response answered
   * @param conditional the conditional request the engine makes of it
   * @param responses what the engine does with the origin's answer
   */
  CompletableFuture<?> sendBehind(
      HttpRequest request, Request conditional, ResponseHandler responses) {
    HttpRequest base =
        request.timeout().isPresent()
            ? request
            : HttpRequest.newBuilder(request, (n, v) -> true).timeout(backgroundTimeout).build();
    HttpRequest r = originRequest(base, conditional, null);
    BodyHandler<Void> handler =
        received -> {
          Flow.Subscriber<List<ByteBuffer>> s = handOver(request.uri(), received, responses);
          return responses.bodyMayBlock()
              ? new Relay<>(s, null)
              : BodySubscribers.fromSubscriber(s, x -> null);
        };
    return sendToOrigin(r, handler, null, false);
  }

  /** Hands the origin's head to the engine, once the cookie handler the cache applies has it. */
  Flow.Subscriber<List<ByteBuffer>> handOver(
      URI uri, ResponseInfo received, ResponseHandler responses) {
    putCookies(uri, received.headers());
    return responses.onHead(
        received.statusCode(),
        Conversions.headers(received.headers()),
        Optional.of(Conversions.versionName(received.version())));
  }
}
