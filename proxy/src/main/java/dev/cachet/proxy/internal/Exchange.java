package dev.cachet.proxy.internal;

import dev.cachet.core.Headers;
import dev.cachet.core.Request;
import dev.cachet.engine.CacheRequest;
import dev.cachet.engine.Origin;
import dev.cachet.engine.OriginRequest;
import dev.cachet.engine.ResponseHandler;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import java.io.IOException;
import java.net.URI;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * One client request and its response: hands the request, once {@link RequestChecks} passed it, to
 * the cache engine with itself as the {@link Origin} (each call a {@link RelayedCall} over the
 * pooled origin client) and its {@link ClientResponse} as the sink, and relays the request body
 * ({@link RequestBody}) to the origin with backpressure. Everything but the engine's own threads
 * runs on the client channel's event loop.
 */
final class Exchange implements Origin {
  private final ProxyCore core;
  private final ClientConnection conn;
  private final Channel channel;
  private final HttpRequest request;
  private final ClientResponse response;
  private final RequestBody body;

  Exchange(ProxyCore core, ClientConnection conn, Channel channel, HttpRequest request) {
    this.core = core;
    this.conn = conn;
    this.channel = channel;
    this.request = request;
    this.response = new ClientResponse(this, core, conn, channel, request);
    this.body = new RequestBody(conn, response.serial(), request, response::maybeFinish);
  }

  // ---- the request ----

  /** Checks the request and sends it on; on the loop. */
  void start() {
    Optional<RequestChecks.Refusal> refusal =
        RequestChecks.refusal(request, conn.isHttp2(), core.options.maxFields());
    if (refusal.isPresent()) {
      response.refuse(refusal.get().status(), refusal.get().message());
      return;
    }
    String target = request.uri();
    String pathAndQuery;
    try {
      pathAndQuery = Target.normalise(target);
    } catch (Target.Invalid e) {
      response.refuse(400, Objects.requireNonNull(e.getMessage()));
      return;
    }
    long maxForwards = RequestFields.maxForwards(request);
    if (maxForwards == 0) {
      response.answerAsFinalRecipient(target);
      return;
    }
    URI full;
    try {
      full = URI.create(core.originPrefix + pathAndQuery);
    } catch (IllegalArgumentException e) {
      response.refuse(400, "malformed request target");
      return;
    }
    RequestFields.Client client = RequestFields.Client.of(channel, conn.isTls());
    Headers fields =
        RequestFields.forOrigin(
            request, maxForwards, response.viaVersion(), client, core.options.forwarded());
    CacheRequest cacheRequest =
        new CacheRequest(
            new Request(request.method().name(), full, fields),
            body.present(),
            Optional.of(core.options.originTimeout()));
    CompletableFuture<Void> sent;
    try {
      sent = core.send(cacheRequest, this, response);
    } catch (RuntimeException e) {
      sent = CompletableFuture.failedFuture(e);
    }
    CompletableFuture<?> unused =
        sent.whenComplete(
            (ok, error) -> {
              if (error != null) {
                response.serial().run(() -> response.gatewayFailed(error));
              }
            });
  }

  /** Refuses a request the decoder could not read; on the loop. */
  void refuseMalformed(int status, String message) {
    body.discard();
    response.refuse(status, message);
  }

  /** Takes a piece of the request body from the connection: see {@link RequestBody#offer}. */
  boolean offerBody(HttpContent content) {
    return body.offer(content, response.answered());
  }

  /** True while the request body is still to be read. */
  boolean wantsBody() {
    return !body.complete();
  }

  /** The client channel became writable again. */
  void writable() {
    response.writable();
  }

  /** The client went away. */
  void clientGone() {
    response.clientGone();
  }

  // ---- Origin: the engine's requests to the origin ----

  @Override
  public CompletableFuture<?> send(OriginRequest originRequest, ResponseHandler responses) {
    boolean foreground = !originRequest.background();
    boolean withBody = foreground && body.present() && body.claim();
    if (foreground && body.present() && !withBody) {
      return CompletableFuture.failedFuture(new IOException("the request body was sent already"));
    }
    DefaultHttpRequest out =
        OriginRequests.head(originRequest.request(), request, withBody, core.origin.authority());
    EventLoop loop = foreground ? channel.eventLoop() : core.origin.anyLoop();
    RelayedCall call = new RelayedCall(this, out, foreground, withBody, responses);
    core.origin.send(loop, call);
    return call.result();
  }

  @Override
  public IOException timedOut(String message) {
    return new OriginTimeoutException(message);
  }

  /** The origin connection for the request body is ready. */
  void relayBodyTo(Channel origin) {
    body.sendTo(origin);
  }

  /** The origin connection can take more of the request body. */
  void originWritable() {
    body.originWritable();
  }

  /** The origin's response to the client's own request began with this status line. */
  void originLine(HttpResponse head) {
    response.originLine(head);
  }

  /** An interim response to the client's own request arrived. */
  void interim(HttpResponse interim) {
    response.interim(interim);
  }
}
