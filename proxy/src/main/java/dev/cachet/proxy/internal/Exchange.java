package dev.cachet.proxy.internal;

import dev.cachet.core.Headers;
import dev.cachet.core.Request;
import dev.cachet.core.StoredPair;
import dev.cachet.engine.CacheRequest;
import dev.cachet.engine.Origin;
import dev.cachet.engine.OriginRequest;
import dev.cachet.engine.ResponseHandler;
import dev.cachet.engine.ResponseHead;
import dev.cachet.engine.ResponseSink;
import dev.cachet.engine.StoredContent;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Flow;
import org.jspecify.annotations.Nullable;

/**
 * One client request and its response: checks and normalises the request, hands it to the cache
 * engine with itself as the {@link Origin} (over the pooled origin client) and the {@link
 * ResponseSink} (writing to the client's channel), relays the request body to the origin with
 * backpressure, forwards interim responses, and answers 502 or 504 itself when the origin fails.
 * Everything but the engine's own threads runs on the client channel's event loop.
 *
 * <p>It is longer than most classes here because it is the one place where the proxy meets the
 * engine (both of the engine's interfaces a shell implements), so that the engine's contract is
 * kept, and can be checked, in one file.
 */
final class Exchange implements Origin, ResponseSink {
  private final ProxyCore core;
  private final ClientConnection conn;
  private final Channel channel;
  private final Serial serial;
  private final HttpRequest request;
  private final String method;
  private final boolean head;
  private final String viaVersion;
  private final boolean http10;
  private String uri = "";
  private boolean hasBody;
  private boolean bodyClaimed;
  private boolean requestComplete;
  private @Nullable Channel bodyTarget;
  private boolean responseStarted;
  private boolean finished;
  private boolean keepAlive;
  private @Nullable ClientWriter writer;
  private int originStatus;
  private @Nullable String originReason;
  private @Nullable String originVersion;
  private String logStatus = "";

  Exchange(ProxyCore core, ClientConnection conn, Channel channel, HttpRequest request) {
    this.core = core;
    this.conn = conn;
    this.channel = channel;
    this.serial = new Serial(channel.eventLoop());
    this.request = request;
    this.method = request.method().name();
    this.head = request.method().equals(HttpMethod.HEAD);
    this.http10 = !conn.isHttp2() && request.protocolVersion().minorVersion() == 0;
    this.viaVersion = conn.isHttp2() ? "2" : http10 ? "1.0" : "1.1";
    this.keepAlive =
        conn.isHttp2() || (!http10 && !HopByHop.hasConnectionOption(request.headers(), "close"));
  }

  // ---- the request ----

  /** Checks the request and sends it on; on the loop. */
  void start() {
    HttpHeaders h = request.headers();
    hasBody =
        HttpUtil.isTransferEncodingChunked(request)
            || HttpUtil.getContentLength(request, 0L) > 0
            || (conn.isHttp2() && !(request instanceof LastHttpContent));
    requestComplete = !hasBody;
    if (!conn.isHttp2()) {
      if (request.protocolVersion().majorVersion() != 1) {
        refuse(505, "only HTTP/1.0 and HTTP/1.1 are spoken here");
        return;
      }
      int hosts = h.getAll("host").size();
      if (hosts > 1 || (hosts == 0 && !http10)) {
        refuse(400, "an HTTP/1.1 request needs exactly one Host field");
        return;
      }
      if (h.contains("transfer-encoding") && h.contains("content-length")) {
        refuse(400, "a request with both Content-Length and Transfer-Encoding");
        return;
      }
    }
    if (h.size() > core.options.maxFields()) {
      refuse(431, "more than " + core.options.maxFields() + " fields");
      return;
    }
    if (request.method().equals(HttpMethod.CONNECT)) {
      refuse(501, "CONNECT is not supported by a reverse proxy");
      return;
    }
    for (String expect : h.getAll("expect")) {
      if (!expect.trim().equalsIgnoreCase("100-continue")) {
        refuse(417, "unsupported expectation: " + expect);
        return;
      }
    }
    String target = request.uri();
    if (target.equals("*")) {
      refuse(501, "asterisk-form requests are not forwarded");
      return;
    }
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
    Headers fields =
        RequestFields.forOrigin(
            request,
            maxForwards,
            viaVersion,
            RequestFields.clientAddress(channel),
            conn.isTls(),
            core.options.forwarded());
    CacheRequest cacheRequest =
        new CacheRequest(
            new Request(method, full, fields), hasBody, Optional.of(core.options.originTimeout()));
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

  /**
   * Takes a piece of the request body from the connection; false when it cannot be taken yet (the
   * origin is not connected, or cannot take more), so the connection holds it and stops reading.
   */
  boolean offerBody(HttpContent content) {
    if (requestComplete) {
      ReferenceCountUtil.release(content);
      return true;
    }
    boolean last = content instanceof LastHttpContent;
    if (bodyTarget == null) {
      if (responseStarted || finished) {
        // Answered without the body (a hit, or an error): drop it.
        ReferenceCountUtil.release(content);
        if (last) {
          bodyDone();
        }
        return true;
      }
      return false;
    }
    if (!bodyTarget.isWritable()) {
      return false;
    }
    if (last) {
      ChannelFuture unused = bodyTarget.writeAndFlush(content);
      bodyDone();
    } else {
      ChannelFuture unused = bodyTarget.write(content);
    }
    return true;
  }

  private void bodyDone() {
    requestComplete = true;
    conn.requestBodyComplete();
    maybeFinish();
  }

  /** True while the request body is still to be read. */
  boolean wantsBody() {
    return !requestComplete;
  }

  // ---- Origin: the engine's requests to the origin ----

  @Override
  public CompletableFuture<?> send(OriginRequest originRequest, ResponseHandler responses) {
    CompletableFuture<Void> result = new CompletableFuture<>();
    boolean foreground = !originRequest.background();
    boolean withBody = foreground && hasBody && !bodyClaimed;
    if (withBody) {
      bodyClaimed = true;
    }
    if (foreground && hasBody && !withBody) {
      result.completeExceptionally(new IOException("the request body was sent already"));
      return result;
    }
    DefaultHttpRequest out =
        OriginRequests.head(originRequest.request(), request, withBody, core.origin.authority());
    EventLoop loop = foreground ? channel.eventLoop() : core.origin.anyLoop();
    core.origin.send(
        loop,
        new OriginCall() {
          @Override
          public HttpRequest head() {
            return out;
          }

          @Override
          public boolean hasBody() {
            return withBody;
          }

          @Override
          public void sendBody(Channel origin) {
            serial.run(
                () -> {
                  bodyTarget = origin;
                  conn.drain();
                });
          }

          @Override
          public void writable() {
            serial.run(conn::drain);
          }

          @Override
          public void interim(HttpResponse response) {
            if (foreground) {
              serial.run(() -> forwardInterim(response));
            }
          }

          @Override
          public Flow.Subscriber<List<ByteBuffer>> onHead(HttpResponse response) {
            if (foreground) {
              originStatus = response.status().code();
              originReason = response.status().reasonPhrase();
              originVersion = response.protocolVersion().text();
            }
            Flow.Subscriber<List<ByteBuffer>> body =
                responses.onHead(
                    response.status().code(),
                    OriginRequests.fields(response.headers()),
                    Optional.of(response.protocolVersion().text()));
            return body;
          }

          @Override
          public void ended(@Nullable Throwable error) {
            // Origin#send: the future completes when the exchange with the origin is over.
            if (error == null) {
              result.complete(null);
            } else {
              result.completeExceptionally(error);
            }
          }

          @Override
          public boolean bodyMayBlock() {
            return responses.bodyMayBlock();
          }

          @Override
          public void failed(Throwable error) {
            result.completeExceptionally(error);
          }
        });
    return result;
  }

  @Override
  public IOException timedOut(String message) {
    return new OriginTimeoutException(message);
  }

  /** RFC 9110 §15.2: 1xx go to HTTP/1.1 and HTTP/2 clients as they come, before the response. */
  private void forwardInterim(HttpResponse response) {
    if (http10 || responseStarted || finished || !channel.isActive()) {
      return;
    }
    DefaultFullHttpResponse interim =
        new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, response.status(), Unpooled.EMPTY_BUFFER);
    Set<String> drop = HopByHop.names(response.headers());
    for (Map.Entry<String, String> e : response.headers()) {
      String lower = e.getKey().toLowerCase(Locale.ROOT);
      if (!HopByHop.drop(lower, drop) && !lower.equals("content-length")) {
        interim.headers().add(e.getKey(), e.getValue());
      }
    }
    ChannelFuture unused = channel.writeAndFlush(interim);
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
          boolean bodyless = bodyless(responseHead.status());
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
    boolean bodyless = bodyless(responseHead.status());
    ClientWriter w = new ClientWriter(channel, this, bodyless, serial);
    serial.run(
        () -> {
          if (finished || responseStarted) {
            w.abort();
            return;
          }
          writer = w;
          writeHead(responseHead, bodyless ? -1 : declaredLength(responseHead.fields()), bodyless);
        });
    return w;
  }

  private boolean bodyless(int status) {
    return head || status < 200 || status == 204 || status == 304;
  }

  /** A single, well-formed {@code Content-Length}, or -1. */
  private static long declaredLength(Headers fields) {
    List<String> values = fields.allValues("Content-Length");
    if (values.size() != 1) {
      return -1;
    }
    String v = values.get(0).trim();
    if (v.isEmpty() || v.length() > 18 || !v.chars().allMatch(c -> c >= '0' && c <= '9')) {
      return -1;
    }
    return Long.parseLong(v);
  }

  private void writeHead(ResponseHead responseHead, long length, boolean bodyless) {
    responseStarted = true;
    int code = responseHead.status();
    HttpResponseStatus status =
        code == originStatus && originReason != null && !originReason.isEmpty()
            ? new HttpResponseStatus(code, originReason)
            : HttpResponseStatus.valueOf(code);
    DefaultHttpResponse response = new DefaultHttpResponse(HttpVersion.HTTP_1_1, status);
    HttpHeaders out = response.headers();
    Headers fields = responseHead.fieldsWithCacheStatus();
    boolean hasDate = false;
    String keptLength = null;
    for (Headers.Field f : fields.fields()) {
      String lower = f.name().toLowerCase(Locale.ROOT);
      if (lower.equals("content-length")) {
        keptLength = f.value();
        continue;
      }
      if (lower.equals("connection")
          || lower.equals("transfer-encoding")
          || lower.equals("keep-alive")
          || lower.equals("proxy-connection")
          || lower.equals("upgrade")
          || lower.equals("te")) {
        continue;
      }
      if (lower.equals("date")) {
        hasDate = true;
      }
      out.add(f.name(), f.value());
    }
    if (!hasDate) {
      out.set("Date", core.dates.now());
    }
    out.add(
        "Via",
        responseHead
                .pair()
                .flatMap(StoredPair::httpVersion)
                .or(() -> Optional.ofNullable(originVersion))
                .map(Exchange::via)
                .orElse("1.1")
            + " "
            + RequestFields.PSEUDONYM);
    if (length >= 0) {
      out.set("Content-Length", length);
    } else if (bodyless) {
      if (keptLength != null && (head || code == 304)) {
        out.set("Content-Length", keptLength);
      }
    } else if (!conn.isHttp2()) {
      if (http10) {
        keepAlive = false;
      } else {
        out.set("Transfer-Encoding", "chunked");
      }
    }
    if (core.draining && !conn.isHttp2()) {
      keepAlive = false;
    }
    if (!conn.isHttp2()) {
      if (!keepAlive) {
        out.set("Connection", "close");
      } else if (http10) {
        out.set("Connection", "keep-alive");
      }
    }
    logStatus = code + " " + fields.firstValue("Cache-Status").orElse("");
    ChannelFuture unused = channel.write(response);
  }

  private static String via(String version) {
    return switch (version) {
      case "HTTP/1.0" -> "1.0";
      case "HTTP/2", "HTTP/2.0" -> "2";
      default -> "1.1";
    };
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
    conn.exchangeFinished(this, keepAlive && requestComplete);
  }

  private boolean writerDone;

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
    Throwable cause = error;
    while (cause instanceof CompletionException && cause.getCause() != null) {
      cause = cause.getCause();
    }
    boolean timeout = false;
    for (Throwable t = cause; t != null; t = t.getCause()) {
      if (t instanceof OriginTimeoutException) {
        timeout = true;
      }
    }
    int status = timeout ? 504 : 502;
    String member =
        core.failures
            .take(method, uri)
            .orElse(core.cacheName + (core.engine.isPresent() ? "; fwd=miss" : "; fwd=bypass"));
    String message =
        timeout
            ? "the origin did not answer in time"
            : "the origin could not be reached or sent a malformed response";
    core.accessLog.accept(
        method + " " + request.uri() + " " + status + " " + message + " " + member);
    answer(status, message, member);
  }

  /** Refuses a request the decoder could not read; on the loop. */
  void refuseMalformed(int status, String message) {
    hasBody = false;
    requestComplete = true;
    refuse(status, message);
  }

  /** Refuses the request with a status of the proxy's own, and closes the connection. */
  private void refuse(int status, String message) {
    keepAlive = conn.isHttp2();
    core.accessLog.accept(method + " " + request.uri() + " " + status + " " + message);
    answer(status, message, core.cacheName + "; fwd=bypass; detail=\"refused\"");
  }

  private void answer(int status, String message, String cacheStatus) {
    write(
        OwnAnswers.text(
            status, message, cacheStatus, core.dates.now(), !keepAlive && !conn.isHttp2()));
  }

  /** RFC 9110 §7.6.2: with {@code Max-Forwards: 0} the proxy answers as the final recipient. */
  private void answerAsFinalRecipient(String target) {
    core.accessLog.accept(method + " " + target + " 200 answered by the proxy");
    write(
        OwnAnswers.asFinalRecipient(
            request,
            target,
            viaVersion,
            core.cacheName,
            core.dates.now(),
            !keepAlive && !conn.isHttp2()));
  }

  private void write(FullHttpResponse response) {
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
