package dev.cachet.proxy.internal;

import dev.cachet.core.Headers;
import dev.cachet.core.Request;
import dev.cachet.engine.CacheRequest;
import dev.cachet.engine.Origin;
import dev.cachet.engine.OriginRequest;
import dev.cachet.engine.ResponseHandler;
import dev.cachet.engine.ResponseHead;
import dev.cachet.engine.ResponseSink;
import dev.cachet.engine.StoredContent;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import org.jspecify.annotations.Nullable;

/**
 * One client request and its response: hands the request, once {@link RequestChecks} passed it, to
 * the cache engine with itself as the {@link Origin} (each call a {@link RelayedCall} over the
 * pooled origin client) and the {@link ResponseSink} (the head from {@link ClientHeads}, the body
 * through a {@link ClientWriter}), relays the request body to the origin with backpressure, and
 * answers 502 or 504 itself when the origin fails. Everything but the engine's own threads runs on
 * the client channel's event loop, so the engine's contract with a shell is kept in this one file.
 */
final class Exchange implements Origin, ResponseSink {
  private final ProxyCore core;
  private final ClientConnection conn;
  private final Channel channel;
  private final Serial serial;
  private final HttpRequest request;
  private final String method;
  private final String viaVersion;
  private final boolean http10;
  private final ClientHeads heads;
  private final RequestBody body;
  private String uri = "";
  private boolean responseStarted;
  private boolean writerDone;
  private boolean finished;
  private boolean keepAlive;
  private @Nullable ClientWriter writer;
  private String logStatus = "";

  Exchange(ProxyCore core, ClientConnection conn, Channel channel, HttpRequest request) {
    this.core = core;
    this.conn = conn;
    this.channel = channel;
    this.serial = new Serial(channel.eventLoop());
    this.request = request;
    this.method = request.method().name();
    this.http10 = !conn.isHttp2() && request.protocolVersion().minorVersion() == 0;
    this.viaVersion = conn.isHttp2() ? "2" : http10 ? "1.0" : "1.1";
    this.keepAlive =
        conn.isHttp2() || (!http10 && !HopByHop.hasConnectionOption(request.headers(), "close"));
    this.heads =
        new ClientHeads(
            conn.isHttp2(), http10, request.method().equals(HttpMethod.HEAD), core.dates);
    this.body = new RequestBody(conn, serial, request, this::maybeFinish);
  }

  // ---- the request ----

  /** Checks the request and sends it on; on the loop. */
  void start() {
    Optional<RequestChecks.Refusal> refusal =
        RequestChecks.refusal(request, conn.isHttp2(), core.options.maxFields());
    if (refusal.isPresent()) {
      refuse(refusal.get().status(), refusal.get().message());
      return;
    }
    String target = request.uri();
    String pathAndQuery;
    try {
      pathAndQuery = Target.normalise(target);
    } catch (Target.Invalid e) {
      refuse(400, Objects.requireNonNull(e.getMessage()));
      return;
    }
    long maxForwards = RequestFields.maxForwards(request);
    if (maxForwards == 0) {
      answerAsFinalRecipient(target);
      return;
    }
    URI full;
    try {
      full = URI.create(core.originPrefix + pathAndQuery);
    } catch (IllegalArgumentException e) {
      refuse(400, "malformed request target");
      return;
    }
    uri = full.toString();
    RequestFields.Client client = RequestFields.Client.of(channel, conn.isTls());
    Headers fields =
        RequestFields.forOrigin(request, maxForwards, viaVersion, client, core.options.forwarded());
    CacheRequest cacheRequest =
        new CacheRequest(
            new Request(method, full, fields),
            body.present(),
            Optional.of(core.options.originTimeout()));
    CompletableFuture<Void> sent;
    try {
      sent = core.send(cacheRequest, this, this);
    } catch (RuntimeException e) {
      sent = CompletableFuture.failedFuture(e);
    }
    CompletableFuture<?> unused =
        sent.whenComplete(
            (ok, error) -> {
              if (error != null) {
                serial.run(() -> originFailed(error));
              }
            });
  }

  /** Takes a piece of the request body from the connection: see {@link RequestBody#offer}. */
  boolean offerBody(HttpContent content) {
    return body.offer(content, responseStarted || finished);
  }

  /** True while the request body is still to be read. */
  boolean wantsBody() {
    return !body.complete();
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
  void originLine(HttpResponse response) {
    heads.originLine(response);
  }

  /** RFC 9110 §15.2: 1xx go to HTTP/1.1 and HTTP/2 clients as they come, before the response. */
  void interim(HttpResponse response) {
    serial.run(
        () -> {
          if (http10 || responseStarted || finished || !channel.isActive()) {
            return;
          }
          ChannelFuture unused = channel.writeAndFlush(ClientHeads.interim(response));
        });
  }

  // ---- ResponseSink: the response the engine hands over ----

  @Override
  public void fromStore(ResponseHead responseHead, StoredContent body) {
    serial.run(
        () -> {
          if (finished || responseStarted) {
            body.close();
            return;
          }
          boolean bodyless = heads.bodyless(responseHead.status());
          writeHead(responseHead, bodyless ? -1 : body.length(), bodyless);
          ClientWriter w = new ClientWriter(channel, this, bodyless, serial);
          writer = w;
          if (bodyless) {
            body.close();
            w.onComplete();
          } else {
            body.replayTo(w);
          }
        });
  }

  @Override
  public Flow.Subscriber<List<ByteBuffer>> fromOrigin(ResponseHead responseHead) {
    boolean bodyless = heads.bodyless(responseHead.status());
    ClientWriter w = new ClientWriter(channel, this, bodyless, serial);
    serial.run(
        () -> {
          if (finished || responseStarted) {
            w.abort();
            return;
          }
          writer = w;
          long length = bodyless ? -1 : ClientHeads.declaredLength(responseHead.fields());
          writeHead(responseHead, length, bodyless);
        });
    return w;
  }

  private void writeHead(ResponseHead responseHead, long length, boolean bodyless) {
    responseStarted = true;
    if (heads.closeDelimited(length, bodyless) || (core.draining && !conn.isHttp2())) {
      keepAlive = false;
    }
    HttpResponse response = heads.head(responseHead, length, bodyless, keepAlive);
    String cacheStatus = response.headers().get("Cache-Status");
    logStatus = responseHead.status() + " " + (cacheStatus == null ? "" : cacheStatus);
    ChannelFuture unused = channel.write(response);
  }

  /** The whole response was written. */
  void responseWritten() {
    writerDone = true;
    core.accessLog.accept(method + " " + request.uri() + " " + logStatus);
    maybeFinish();
  }

  /** The response body broke off: the client must see it incomplete, so the connection closes. */
  void bodyFailed(Throwable error) {
    if (finished) {
      return;
    }
    finished = true;
    core.accessLog.accept(
        method + " " + request.uri() + " " + logStatus + " broke off: " + error.getMessage());
    conn.exchangeFinished(this, false);
    ChannelFuture unused = channel.close();
  }

  private void maybeFinish() {
    if (finished || !writerDone) {
      return;
    }
    finished = true;
    // A body not read to its end leaves the connection unable to carry another request.
    conn.exchangeFinished(this, keepAlive && body.complete());
  }

  /** The client channel became writable again. */
  void writable() {
    if (writer != null) {
      writer.writable();
    }
  }

  /** The client went away. */
  void clientGone() {
    finished = true;
    if (writer != null) {
      writer.abort();
    }
  }

  // ---- the proxy's own answers ----

  private void originFailed(Throwable error) {
    if (finished) {
      return;
    }
    if (responseStarted) {
      bodyFailed(error);
      return;
    }
    int status = OwnAnswers.gatewayStatus(error);
    String member =
        core.failures
            .take(method, uri)
            .orElse(core.cacheName + (core.engine.isPresent() ? "; fwd=miss" : "; fwd=bypass"));
    String message = OwnAnswers.gatewayMessage(status);
    core.accessLog.accept(
        method + " " + request.uri() + " " + status + " " + message + " " + member);
    write(OwnAnswers.text(status, message, member, core.dates.now()));
  }

  /** Refuses a request the decoder could not read; on the loop. */
  void refuseMalformed(int status, String message) {
    body.discard();
    refuse(status, message);
  }

  /** Refuses the request with a status of the proxy's own, and closes the connection. */
  private void refuse(int status, String message) {
    keepAlive = conn.isHttp2();
    core.accessLog.accept(method + " " + request.uri() + " " + status + " " + message);
    String cacheStatus = core.cacheName + "; fwd=bypass; detail=\"refused\"";
    write(OwnAnswers.text(status, message, cacheStatus, core.dates.now()));
  }

  /** RFC 9110 §7.6.2: with {@code Max-Forwards: 0} the proxy answers as the final recipient. */
  private void answerAsFinalRecipient(String target) {
    core.accessLog.accept(method + " " + target + " 200 answered by the proxy");
    write(
        OwnAnswers.asFinalRecipient(request, target, viaVersion, core.cacheName, core.dates.now()));
  }

  private void write(FullHttpResponse response) {
    if (!keepAlive && !conn.isHttp2()) {
      response.headers().set("Connection", "close");
    }
    responseStarted = true;
    writerDone = true;
    channel
        .writeAndFlush(response)
        .addListener(
            (ChannelFutureListener)
                f -> {
                  if (!f.isSuccess()) {
                    ChannelFuture unused = channel.close();
                  }
                  maybeFinish();
                });
  }
}
