package dev.cachet.proxy.internal;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * A client connection (HTTP/1.x), or one HTTP/2 stream: takes requests in the order they came
 * (pipelined HTTP/1.1 requests wait their turn, RFC 9112 §9.3.2), runs one {@link Exchange} at a
 * time, and holds at most a few decoded messages before it stops reading from the socket.
 */
final class ClientConnection extends ChannelInboundHandlerAdapter {
  /** Decoded messages held before reading stops. */
  private static final int MAX_HELD = 4;

  private final ProxyCore core;
  private final Guard guard;
  private final boolean http2;
  private final boolean tls;
  private final ArrayDeque<HttpObject> inbound = new ArrayDeque<>();
  private @Nullable ChannelHandlerContext ctx;
  private @Nullable Exchange current;
  private boolean inDrain;
  private boolean drainAgain;
  private boolean closing;
  // RP-09: an HTTP/2 stream's body deadline; the connection's frames on other streams keep the
  // connection's own deadline (Guard) from ever passing.
  private @Nullable ScheduledFuture<?> streamBodyDeadline;

  ClientConnection(ProxyCore core, Guard guard, boolean http2, boolean tls) {
    this.core = core;
    this.guard = guard;
    this.http2 = http2;
    this.tls = tls;
  }

  boolean isHttp2() {
    return http2;
  }

  boolean isTls() {
    return tls;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  /** The context, set when this handler was added, before any other call. */
  private ChannelHandlerContext ctx() {
    return Objects.requireNonNull(ctx);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (closing || !(msg instanceof HttpObject o)) {
      ReferenceCountUtil.release(msg);
      return;
    }
    inbound.add(o);
    drain();
  }

  /** Moves held messages on as far as the exchange in progress lets them go. */
  void drain() {
    if (inDrain) {
      drainAgain = true;
      return;
    }
    inDrain = true;
    try {
      do {
        drainAgain = false;
        drainOnce();
      } while (drainAgain);
    } finally {
      inDrain = false;
    }
    boolean read = inbound.size() < MAX_HELD && !closing;
    if (ctx().channel().config().isAutoRead() != read) {
      ctx().channel().config().setAutoRead(read);
    }
  }

  private void drainOnce() {
    while (!inbound.isEmpty() && !closing) {
      HttpObject m = inbound.peek();
      if (current == null) {
        inbound.poll();
        if (m instanceof HttpRequest r) {
          begin(r);
        } else {
          ReferenceCountUtil.release(m); // the rest of a refused request
        }
        continue;
      }
      if (m instanceof HttpRequest) {
        return; // the next pipelined request waits for this one's response
      }
      if (!current.wantsBody()) {
        inbound.poll();
        ReferenceCountUtil.release(m);
        continue;
      }
      if (current.offerBody((HttpContent) m)) {
        inbound.poll();
      } else {
        return;
      }
    }
  }

  private void begin(HttpRequest request) {
    Exchange ex = new Exchange(core, this, ctx().channel(), request);
    current = ex;
    if (request.decoderResult().isFailure()) {
      Throwable cause = request.decoderResult().cause();
      int status =
          cause instanceof TooLongHttpLineException
              ? 414
              : cause instanceof TooLongHttpHeaderException
                      || cause instanceof TooLongFrameException
                  ? 431
                  : 400;
      closing = true;
      ReferenceCountUtil.release(request);
      ex.refuseMalformed(status, "malformed request");
      return;
    }
    boolean full = request instanceof LastHttpContent;
    if (!http2) {
      guard.headReceived();
    } else {
      guard.streamStarted();
    }
    ex.start();
    if (full) {
      ReferenceCountUtil.release(request);
    }
    if (!http2 && !ex.wantsBody()) {
      guard.bodyComplete();
    } else if (http2 && ex.wantsBody()) {
      // A body that has not arrived whole by the body timeout resets the stream, as a trickling
      // HTTP/1.1 body closes its connection.
      streamBodyDeadline =
          ctx()
              .executor()
              .schedule(
                  () -> {
                    if (current == ex && ex.wantsBody()) {
                      ChannelFuture unused = ctx().close();
                    }
                  },
                  core.options.bodyTimeout().toNanos(),
                  TimeUnit.NANOSECONDS);
    }
  }

  /** The exchange read the whole request body. */
  void requestBodyComplete() {
    if (!http2) {
      guard.bodyComplete();
    }
    cancelStreamBodyDeadline();
  }

  private void cancelStreamBodyDeadline() {
    ScheduledFuture<?> d = streamBodyDeadline;
    if (d != null) {
      streamBodyDeadline = null;
      d.cancel(false);
    }
  }

  /** The exchange is over; the connection carries the next request or closes. */
  void exchangeFinished(Exchange ex, boolean keepAlive) {
    if (current != ex) {
      return;
    }
    current = null;
    if (http2) {
      guard.streamEnded(core.draining);
    }
    if (!keepAlive || (core.draining && !http2)) {
      closing = true;
      releaseHeld();
      ctx().writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
      return;
    }
    if (!http2) {
      guard.idle();
    }
    drain();
  }

  /** True between requests. */
  boolean isIdle() {
    return current == null && inbound.isEmpty();
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (current != null && ctx.channel().isWritable()) {
      current.writable();
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    closing = true;
    cancelStreamBodyDeadline();
    if (current != null) {
      current.clientGone();
      current = null;
      if (http2) {
        guard.streamEnded(core.draining);
      }
    }
    releaseHeld();
    ctx.fireChannelInactive();
  }

  private void releaseHeld() {
    HttpObject m;
    while ((m = inbound.poll()) != null) {
      ReferenceCountUtil.release(m);
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ChannelFuture unused = ctx.close();
  }
}
