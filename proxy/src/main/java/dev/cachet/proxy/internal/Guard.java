package dev.cachet.proxy.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpServerCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The first handler of every client connection: it keeps the connection's deadline, which {@link
 * Registry} checks. A request head must arrive whole within the head timeout of its first byte (of
 * the connection's opening, for the first), a body within the body timeout of its head, and an idle
 * connection is closed after the idle timeout. The deadline covers the whole head, not each read,
 * so a client sending a byte now and then (slowloris) is closed as soon as one that sends nothing.
 */
final class Guard extends ChannelInboundHandlerAdapter {
  /** Where the connection is. */
  enum State {
    /** Waiting for (the rest of) a request head. */
    HEAD,
    /** Reading a request body. */
    BODY,
    /** Answering: no deadline of the client's. */
    BUSY,
    /** Between requests. */
    IDLE,
    /**
     * An HTTP/2 connection: closed after the idle timeout without a byte from the client, or after
     * the head timeout when a frame has begun and not ended.
     */
    H2
  }

  @SuppressWarnings("StringConcatToTextBlock") // wire bytes with CRLF line ends, not prose
  private static final byte[] SHED =
      ("HTTP/1.1 503 Service Unavailable\r\nRetry-After: 1\r\nContent-Length: 0\r\n"
              + "Cache-Status: Cachet; fwd=bypass; detail=\"too many connections\"\r\n"
              + "Connection: close\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII);

  private final Registry registry;
  private final long headNanos;
  private final long bodyNanos;
  private final long idleNanos;
  private @Nullable Channel channel;
  private volatile State state = State.HEAD;
  private volatile long deadline;
  private volatile long since;
  private boolean headBytes;

  Guard(Registry registry, Duration head, Duration body, Duration idle) {
    this.registry = registry;
    this.headNanos = head.toNanos();
    this.bodyNanos = body.toNanos();
    this.idleNanos = idle.toNanos();
  }

  @Nullable Channel channel() {
    return channel;
  }

  State state() {
    return state;
  }

  long since() {
    return since;
  }

  long deadline() {
    return deadline;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    channel = ctx.channel();
    long now = System.nanoTime();
    since = now;
    deadline = now + headNanos;
    if (!registry.admit(this)) {
      ctx.writeAndFlush(Unpooled.wrappedBuffer(SHED)).addListener(ChannelFutureListener.CLOSE);
      return;
    }
    ctx.fireChannelActive();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof ByteBuf) {
      State s = state;
      if (s == State.IDLE) {
        long now = System.nanoTime();
        state = State.HEAD;
        since = now;
        deadline = now + headNanos;
      } else if (s == State.H2) {
        // A frame must arrive whole within the head timeout of its first byte (FrameProgress),
        // and the connection may rest for the idle timeout between frames.
        long now = System.nanoTime();
        if (!frameUnderway) {
          frameUnderway = true;
          frameSince = now;
        }
        deadline = Math.min(now + idleNanos, frameSince + headNanos);
      }
      if (s == State.HEAD || s == State.IDLE) {
        headBytes = true;
      }
    }
    ctx.fireChannelRead(msg);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    registry.remove(this);
    ctx.fireChannelInactive();
  }

  /** A request head arrived. */
  void headReceived() {
    state = State.BODY;
    deadline = System.nanoTime() + bodyNanos;
  }

  /** The request body (if any) arrived whole. */
  void bodyComplete() {
    state = State.BUSY;
    deadline = Long.MAX_VALUE;
  }

  /** The connection waits for the next request. */
  void idle() {
    long now = System.nanoTime();
    state = State.IDLE;
    headBytes = false;
    since = now;
    deadline = now + idleNanos;
  }

  private int streams;
  private boolean frameUnderway;
  private long frameSince;

  /**
   * Netty read a whole HTTP/2 frame from the client; on the loop. A next frame begun in the same
   * read is timed from the next read. A frame Netty consumes without handing it on (a header block
   * it refuses with a stream error), or TLS bytes that carry no frame, leave a frame underway: the
   * connection is then closed after the head timeout rather than the idle timeout, the safe way.
   */
  void frameRead() {
    frameUnderway = false;
    deadline = System.nanoTime() + idleNanos;
  }

  /** An HTTP/2 stream began a request; on the loop. */
  void streamStarted() {
    streams++;
  }

  /** An HTTP/2 stream's exchange ended; closes the connection when draining and none is left. */
  void streamEnded(boolean draining) {
    streams--;
    if (draining && streams <= 0) {
      ChannelFuture unused = Objects.requireNonNull(channel).close();
    }
  }

  /**
   * True when nothing is in progress: between requests, or an HTTP/2 connection without streams.
   */
  boolean quiet() {
    return state == State.IDLE || state == State.HEAD || (state == State.H2 && streams <= 0);
  }

  /** The connection speaks HTTP/2. */
  void http2() {
    state = State.H2;
    deadline = System.nanoTime() + idleNanos;
  }

  /** True when the deadline has passed; any thread. */
  boolean expired(long now) {
    long d = deadline;
    return d != Long.MAX_VALUE && now - d >= 0;
  }

  /** Closes the connection if its deadline passed; on its loop. */
  @SuppressWarnings("StringConcatToTextBlock") // wire bytes with CRLF line ends, not prose
  void expire() {
    Channel channel = Objects.requireNonNull(this.channel);
    if (!channel.isActive() || !expired(System.nanoTime())) {
      return;
    }
    if (state == State.HEAD
        && headBytes
        && channel.pipeline().get(HttpServerCodec.class) != null
        && channel.pipeline().get(io.netty.handler.ssl.SslHandler.class) == null) {
      // RFC 9110 §15.5.9: say why before closing, when the head had begun.
      channel
          .pipeline()
          .firstContext()
          .writeAndFlush(
              Unpooled.wrappedBuffer(
                  ("HTTP/1.1 408 Request Timeout\r\nContent-Length: 0\r\n"
                          + "Cache-Status: Cachet; fwd=bypass; detail=\"request head too slow\"\r\n"
                          + "Connection: close\r\n\r\n")
                      .getBytes(StandardCharsets.US_ASCII)))
          .addListener(ChannelFutureListener.CLOSE);
      return;
    }
    ChannelFuture unused = channel.close();
  }

  /** Closed to make room for a new connection; on any thread. */
  void shed() {
    Channel channel = Objects.requireNonNull(this.channel);
    channel
        .eventLoop()
        .execute(
            () -> {
              ChannelFuture unused = channel.close();
            });
  }
}
