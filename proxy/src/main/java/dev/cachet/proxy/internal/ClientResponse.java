package dev.cachet.proxy.internal;

import dev.cachet.engine.ResponseHead;
import dev.cachet.engine.ResponseSink;
import dev.cachet.engine.StoredContent;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.Flow;
import org.jspecify.annotations.Nullable;

/**
 * The one response an {@link Exchange} writes to its client: the engine's, as the {@link
 * ResponseSink} (the head from {@link ClientHeads}, the body through a {@link ClientWriter}), or
 * the proxy's own ({@link OwnAnswers}: a refusal, a 502 or 504, an answer as the final recipient);
 * interim responses before it; and whether the connection carries another request after it. Runs on
 * the client channel's loop, in order, through its {@link Serial}.
 */
final class ClientResponse implements ResponseSink {
  private final Exchange exchange;
  private final ProxyCore core;
  private final ClientConnection conn;
  private final Channel channel;
  private final Serial serial;
  private final HttpRequest request;
  private final String method;
  private final boolean http10;
  private final ClientHeads heads;
  private boolean responseStarted;
  private boolean writerDone;
  private boolean finished;
  private boolean keepAlive;
  private @Nullable ClientWriter writer;
  private String logStatus = "";
  private volatile @Nullable String failedCacheStatus; // the engine's member for a failed exchange

  ClientResponse(
      Exchange exchange,
      ProxyCore core,
      ClientConnection conn,
      Channel channel,
      HttpRequest request) {
    this.exchange = exchange;
    this.core = core;
    this.conn = conn;
    this.channel = channel;
    this.serial = new Serial(channel.eventLoop());
    this.request = request;
    this.method = request.method().name();
    this.http10 = !conn.isHttp2() && request.protocolVersion().minorVersion() == 0;
    this.keepAlive =
        conn.isHttp2() || (!http10 && !HopByHop.hasConnectionOption(request.headers(), "close"));
    this.heads =
        new ClientHeads(
            conn.isHttp2(), http10, request.method().equals(HttpMethod.HEAD), core.dates);
  }

  /** The exchange's steps, in order on the client channel's loop. */
  Serial serial() {
    return serial;
  }

  /** The client's protocol version as {@code Via} names it (RFC 9110 §7.6.3). */
  String viaVersion() {
    return conn.isHttp2() ? "2" : http10 ? "1.0" : "1.1";
  }

  /** True once a response began or the exchange is over: a request body still coming is dropped. */
  boolean answered() {
    return responseStarted || finished;
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
    conn.exchangeFinished(exchange, false);
    ChannelFuture unused = channel.close();
  }

  /** Ends the exchange once the response is written, and the request body was read. */
  void maybeFinish() {
    if (finished || !writerDone) {
      return;
    }
    finished = true;
    // A body not read to its end leaves the connection unable to carry another request.
    conn.exchangeFinished(exchange, keepAlive && !exchange.wantsBody());
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

  @Override
  public void originFailed(String cacheStatus) {
    failedCacheStatus = cacheStatus;
  }

  /** The engine could not answer: a 502 or 504, or a cut-off body if the response began. */
  void gatewayFailed(Throwable error) {
    if (finished) {
      return;
    }
    if (responseStarted) {
      bodyFailed(error);
      return;
    }
    int status = OwnAnswers.gatewayStatus(error);
    // RFC 9211 §2: what the cache did, as the engine said when the exchange failed.
    String member = failedCacheStatus;
    if (member == null) {
      member = core.cacheName + (core.engine.isPresent() ? "; fwd=miss" : "; fwd=bypass");
    }
    String message = OwnAnswers.gatewayMessage(status);
    core.accessLog.accept(
        method + " " + request.uri() + " " + status + " " + message + " " + member);
    write(OwnAnswers.text(status, message, member, core.dates.now()));
  }

  /** Refuses the request with a status of the proxy's own, and closes the connection. */
  void refuse(int status, String message) {
    keepAlive = conn.isHttp2();
    core.accessLog.accept(method + " " + request.uri() + " " + status + " " + message);
    String cacheStatus = core.cacheName + "; fwd=bypass; detail=\"refused\"";
    write(OwnAnswers.text(status, message, cacheStatus, core.dates.now()));
  }

  /** RFC 9110 §7.6.2: with {@code Max-Forwards: 0} the proxy answers as the final recipient. */
  void answerAsFinalRecipient(String target) {
    core.accessLog.accept(method + " " + target + " 200 answered by the proxy");
    write(
        OwnAnswers.asFinalRecipient(
            request, target, viaVersion(), core.cacheName, core.dates.now()));
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
