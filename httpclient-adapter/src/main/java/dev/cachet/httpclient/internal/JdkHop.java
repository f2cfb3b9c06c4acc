package dev.cachet.httpclient.internal;

import static java.util.Objects.requireNonNull;

import dev.cachet.core.Request;
import dev.cachet.engine.CacheRequest;
import dev.cachet.engine.Origin;
import dev.cachet.engine.OriginRequest;
import dev.cachet.engine.ResponseHandler;
import dev.cachet.engine.ResponseHead;
import dev.cachet.engine.ResponseSink;
import dev.cachet.engine.StoredContent;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandler;
import java.net.http.HttpResponse.BodySubscriber;
import java.net.http.HttpResponse.BodySubscribers;
import java.net.http.HttpResponse.ResponseInfo;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Flow;
import org.jspecify.annotations.Nullable;

/**
 * One hop of an {@link HttpExchange} as the engine sees it: the {@link Origin} (the wrapped JDK
 * client) and the {@link ResponseSink} (the caller's {@code BodyHandler}). What the engine hands
 * over is kept here until it completes, then made into the caller's {@code HttpResponse}.
 */
final class JdkHop<T> implements Origin, ResponseSink {
  /**
   * The JDK's {@code BodyHandlers.ofByteArray()}: a lambda that captures nothing, so every call
   * returns this one instance. Were a JDK to return a new one each time, the identity check that
   * uses it would fail safe (the subscriber path).
   */
  private static final BodyHandler<byte[]> OF_BYTE_ARRAY = HttpResponse.BodyHandlers.ofByteArray();

  private final HttpExchange<T> exchange;
  private final ClientShell shell;
  private final WrappedClient client;
  private final HttpRequest request;
  private final Request converted;

  // What the engine handed over: written on the engine's or the origin's thread before the
  // engine's future completes, and read once it has (the future's completion orders them), so
  // plain fields suffice; the hit path writes several and a volatile write costs a fence each.
  private @Nullable ResponseInfo info; // the origin's latest head
  private @Nullable HttpResponse<T> fromOrigin; // the wrapped client's latest response
  private @Nullable BodySubscriber<T> callerSubscriber; // the caller's, for a body
  private int code;
  private @Nullable LazyHeaders headers;
  private HttpClient.@Nullable Version version;
  private @Nullable HttpRequest redirect;
  private boolean stored; // answered from storage
  private Optional<HttpResponse<T>> storedChain = Optional.empty();
  private @Nullable CompletableFuture<T> storedBody;
  private @Nullable T wholeBody; // the stored body read whole, for ofByteArray
  private boolean handlerFailed; // the caller's handler or subscriber failed on a hit

  JdkHop(HttpExchange<T> exchange, HttpRequest request) {
    this.exchange = exchange;
    this.shell = exchange.shell();
    this.client = shell.wrapped();
    this.request = request;
    this.converted = client.toCore(request);
  }

  CacheRequest cacheRequest() {
    Optional<HttpRequest.BodyPublisher> publisher = request.bodyPublisher();
    boolean hasBody = publisher.isPresent() && publisher.get().contentLength() != 0;
    return new CacheRequest(converted, hasBody, request.timeout());
  }

  // ---- the origin: the wrapped client ----

  @Override
  public CompletableFuture<?> send(OriginRequest toSend, ResponseHandler responses) {
    if (toSend.background()) {
      return client.sendBehind(request, toSend.request(), responses);
    }
    HttpRequest r = client.originRequest(request, toSend.request(), converted);
    BodyHandler<T> handler =
        received -> {
          info = received;
          callerSubscriber = null;
          return bodySubscriber(client.handOver(request.uri(), received, responses), responses);
        };
    return client
        .sendToOrigin(r, handler, exchange.push(), exchange.blocking())
        .whenComplete(
            (response, e) -> {
              if (response != null) {
                fromOrigin = response;
              }
            });
  }

  @Override
  public IOException timedOut(String message) {
    return new HttpTimeoutException(message);
  }

  /**
   * The JDK body subscriber for what the engine routed the body to. The JDK client delivers a body
   * inline to its own subscribers but through its executor to any other (a thread hop per response,
   * ~60-80 us on 2 cores); wrapped by {@code fromSubscriber}, a subscriber counts as one of its
   * own. So a body that goes nowhere the caller waits for at its head, and whose storage does no
   * I/O, is delivered inline.
   */
  private BodySubscriber<T> bodySubscriber(
      Flow.Subscriber<List<ByteBuffer>> routed, ResponseHandler responses) {
    BodySubscriber<T> caller = callerSubscriber;
    if (caller != null && routed == caller) {
      return caller;
    }
    boolean inline = !responses.bodyMayBlock();
    if (caller == null) {
      return inline ? BodySubscribers.fromSubscriber(routed, x -> null) : new Relay<>(routed, null);
    }
    if (inline && Relay.collectsWholeBody(caller)) {
      // The caller's is the JDK's own byte-array subscriber (ofByteArray, ofString), which yields
      // the body only once complete.
      return BodySubscribers.fromSubscriber(
          routed, x -> caller.getBody().toCompletableFuture().join());
    }
    return new Relay<>(routed, caller);
  }

  // ---- the sink: the caller's handler ----

  @Override
  public boolean wantsWholeBody() {
    // The caller's handler is the JDK's BodyHandlers.ofByteArray(): its subscriber would gather
    // the replayed chunks and copy them into a new, zeroed array. Reading the stored body whole
    // gives the same fresh array in one copy, with no subscriber; the handler has no other effect.
    return exchange.handler() == OF_BYTE_ARRAY;
  }

  @Override
  public void fromStore(ResponseHead head, StoredContent body) {
    stored = true;
    HttpResponse<T> after = fromOrigin;
    // A stored response answers in place of the origin's (a 304, stale-if-error): what the wrapped
    // client went through for it (a 401 its authenticator answered) comes before it.
    storedChain = after != null ? exchange.withWrappedChain(after) : exchange.previous();
    // The version the stored response arrived in; for a pair stored without one (older data) or
    // no pair (only-if-cached's 504), the one the request asks for, else the client's.
    HttpClient.Version requested = client.requestedVersion(request);
    HttpClient.Version v =
        head.pair().isPresent()
            ? Conversions.jdkVersion(head.pair().get().httpVersion(), requested)
            : requested;
    version = v;
    code = head.status();
    if (head.pair().isPresent()) {
      UUID id = head.pair().get().id();
      // As the JDK gives an HTTP/2 response's fields: with its :status pseudo-header.
      int pseudoStatus = v == HttpClient.Version.HTTP_1_1 ? 0 : head.status();
      // Built only when the caller (or a redirect, or the BodyHandler) reads them.
      headers = LazyHeaders.of(shell.hitHeaders().deferred(id, head, pseudoStatus));
    } else {
      headers = LazyHeaders.built(Conversions.httpHeaders(head.fields(), head.cacheStatusValue()));
    }
    if (Redirects.isRedirect(code)) {
      redirect = client.redirect(request, code, headers.get()).orElse(null);
      if (redirect != null) {
        body.close();
        return;
      }
    }
    if (wantsWholeBody()) {
      @SuppressWarnings("unchecked") // the handler is ofByteArray(), so T is byte[]
      T whole = (T) body.bytes().orElseGet(() -> new byte[0]);
      wholeBody = whole;
      return;
    }
    BodySubscriber<T> subscriber;
    try {
      subscriber = exchange.handler().apply(new Info(code, headers, v));
    } catch (RuntimeException e) {
      handlerFailed = true;
      throw e;
    }
    body.replayTo(subscriber);
    storedBody = subscriber.getBody().toCompletableFuture();
  }

  @Override
  public Flow.Subscriber<List<ByteBuffer>> fromOrigin(ResponseHead head) {
    // Set by this hop's origin, inside whose onHead this is called.
    ResponseInfo received = requireNonNull(info, "info");
    code = head.status();
    version = received.version();
    // The caller sees the fields the wrapped client received, as through a plain client: core's
    // response differs only in leaving out hop-by-hop fields, a concern of forwarding, and nothing
    // is forwarded here.
    HttpHeaders fields = received.headers();
    String cacheStatus = head.cacheStatusValue();
    LazyHeaders h = LazyHeaders.of(() -> Conversions.withCacheStatus(fields, cacheStatus));
    headers = h;
    redirect =
        Redirects.isRedirect(code) ? client.redirect(request, code, h.get()).orElse(null) : null;
    if (redirect != null) {
      return BodySubscribers.replacing(null);
    }
    BodySubscriber<T> s = exchange.handler().apply(new Info(code, h, received.version()));
    callerSubscriber = s;
    return s;
  }

  // ---- the caller's response ----

  /** The caller's response, once the engine has handed everything over. */
  CompletableFuture<HttpResponse<T>> response() {
    if (stored) {
      return storedResponse();
    }
    // The engine completed without a stored answer: the wrapped client's response was relayed.
    HttpResponse<T> r = requireNonNull(fromOrigin, "fromOrigin");
    HttpRequest next = redirect;
    return next != null
        ? exchange.follow(next, relayed(r, null))
        : CompletableFuture.completedFuture(relayed(r, r.body()));
  }

  /** The wrapped client's response as the caller receives it, with this body. */
  private HttpResponse<T> relayed(HttpResponse<T> r, @Nullable T body) {
    LazyHeaders h = requireNonNull(headers, "headers");
    Optional<HttpResponse<T>> chain = exchange.withWrappedChain(r);
    return new CachedResponse<>(
        code, h, body, request, chain, r.sslSession(), r.uri(), r.version());
  }

  private CompletableFuture<HttpResponse<T>> storedResponse() {
    HttpRequest next = redirect;
    if (next != null) {
      return exchange.follow(next, stored(null));
    }
    T whole = wholeBody;
    if (whole != null) {
      return CompletableFuture.completedFuture(stored(whole));
    }
    CompletableFuture<T> body = requireNonNull(storedBody, "storedBody");
    if (!exchange.blocking()) {
      return body.thenApply(this::stored);
    }
    return body.handle(
        (b, e) -> {
          if (e != null) {
            throw new CompletionException(ClientShell.asSendThrows(e));
          }
          return stored(b);
        });
  }

  /**
   * The response from storage, with this body; fromStore set its parts before the engine completed.
   */
  private HttpResponse<T> stored(@Nullable T body) {
    LazyHeaders h = requireNonNull(headers, "headers");
    HttpClient.Version v = requireNonNull(version, "version");
    return new CachedResponse<>(
        code, h, body, request, storedChain, Optional.empty(), request.uri(), v);
  }

  /** The caller's failure: what the origin or the caller's handler failed with. */
  CompletableFuture<HttpResponse<T>> failed(Throwable error) {
    Throwable cause = ClientShell.unwrap(error);
    return CompletableFuture.failedFuture(
        handlerFailed && exchange.blocking() ? ClientShell.asSendThrows(cause) : cause);
  }
}
