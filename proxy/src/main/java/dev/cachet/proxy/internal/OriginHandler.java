package dev.cachet.proxy.internal;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Flow;
import org.jspecify.annotations.Nullable;

/**
 * One origin connection's side of an exchange: writes the call's request, hands the response head
 * to the call, and streams the body to the call's subscriber as it asks for it (reading from the
 * socket only while there is demand). A connection whose exchange ended cleanly is returned to the
 * pool; one cut short, malformed or late is closed, and a body cut short reaches the subscriber as
 * an error, so it is never stored.
 */
final class OriginHandler extends ChannelInboundHandlerAdapter implements OriginDeadline.Watched {
  private final OriginClient client;
  private @Nullable ChannelHandlerContext ctx;
  private @Nullable OriginCall call;
  private boolean reused;
  private boolean headReceived;
  private boolean skipInterimEnd;
  private boolean reusable;
  private boolean done;
  private Flow.@Nullable Subscriber<List<ByteBuffer>> subscriber;
  private final ArrayDeque<ByteBuffer> ready = new ArrayDeque<>();
  private boolean lastReceived;
  private long demand;
  // Counts the exchanges this connection carried, to tell their subscriptions' signals apart.
  private long exchange;
  private final OriginDeadline deadline;

  OriginHandler(OriginClient client) {
    this.client = client;
    this.deadline = new OriginDeadline(this, client.timeout());
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  /** The context, set when this handler was added, before any other call. */
  private ChannelHandlerContext ctx() {
    return Objects.requireNonNull(ctx);
  }

  /** Sends a call on this connection; on its event loop. */
  void start(OriginCall call, boolean reused) {
    this.exchange++;
    this.call = call;
    this.reused = reused;
    this.headReceived = false;
    this.skipInterimEnd = false;
    this.subscriber = null;
    this.ready.clear();
    this.lastReceived = false;
    this.demand = 0;
    this.done = false;
    this.reusable = true;
    Channel ch = ctx().channel();
    deadline.start(ctx().executor());
    ChannelFuture unused = ch.write(call.head());
    if (call.hasBody()) {
      ch.flush();
      call.sendBody(ch);
    } else {
      ChannelFuture unusedEnd = ch.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
    }
    ch.read();
  }

  // ---- OriginDeadline.Watched: on the loop ----

  @Override
  public OriginDeadline.Waiting waiting() {
    if (done) {
      return OriginDeadline.Waiting.NOTHING;
    }
    if (!headReceived) {
      return OriginDeadline.Waiting.HEAD;
    }
    return demand == 0 && !ready.isEmpty()
        ? OriginDeadline.Waiting.CLIENT
        : OriginDeadline.Waiting.BODY;
  }

  @Override
  public void expired(OriginTimeoutException timeout) {
    fail(timeout);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    try {
      if (call == null || done) {
        return; // data after the exchange: the connection is not reusable
      }
      deadline.touch();
      if (msg instanceof HttpResponse r) {
        onResponse(r);
      }
      if (msg instanceof HttpContent c && !done) {
        onContent(c);
      }
    } finally {
      ReferenceCountUtil.release(msg);
    }
  }

  private void onResponse(HttpResponse response) {
    if (response.decoderResult().isFailure()) {
      fail(new IOException("malformed response from the origin", response.decoderResult().cause()));
      return;
    }
    int code = response.status().code();
    if (response.status().codeClass() == HttpStatusClass.INFORMATIONAL && code != 101) {
      skipInterimEnd = true;
      Objects.requireNonNull(call).interim(response); // channelRead checked it
      return;
    }
    if (code == 101) {
      fail(new IOException("the origin switched protocols, which this proxy does not forward"));
      return;
    }
    headReceived = true;
    reusable = HttpUtil.isKeepAlive(response);
    Flow.Subscriber<List<ByteBuffer>> s;
    try {
      s = Objects.requireNonNull(call).onHead(response);
    } catch (RuntimeException e) {
      fail(e);
      return;
    }
    if (call.bodyMayBlock()) {
      s = new Offloaded(s, client.blocking());
    }
    subscriber = s;
    // Bound to this exchange: a signal its subscriber gives once the connection has gone back to
    // the pool (and on to another exchange) is ignored.
    long current = exchange;
    s.onSubscribe(
        new LoopSubscription(
            ctx().executor(),
            n -> {
              if (exchange == current) {
                doRequest(n);
              }
            },
            () -> {
              if (exchange == current) {
                doCancel();
              }
            }));
  }

  private void onContent(HttpContent content) {
    if (skipInterimEnd) {
      if (content instanceof LastHttpContent) {
        skipInterimEnd = false;
      }
      return;
    }
    if (!headReceived) {
      return;
    }
    if (content.decoderResult().isFailure()) {
      fail(new IOException("the origin's body broke off", content.decoderResult().cause()));
      return;
    }
    ByteBuf buf = content.content();
    if (buf.isReadable()) {
      byte[] bytes = new byte[buf.readableBytes()];
      buf.readBytes(bytes);
      ready.add(ByteBuffer.wrap(bytes));
    }
    if (content instanceof LastHttpContent) {
      lastReceived = true;
    }
    deliver();
  }

  private void deliver() {
    while (demand > 0 && !ready.isEmpty() && !done) {
      demand--;
      Objects.requireNonNull(subscriber).onNext(List.of(ready.poll()));
    }
    if (lastReceived && ready.isEmpty() && !done) {
      finish();
      return;
    }
    if (!done && !lastReceived && demand > 0 && ctx().channel().isActive()) {
      ctx().read();
    }
  }

  private void finish() {
    done = true;
    deadline.cancel();
    Flow.Subscriber<List<ByteBuffer>> s = subscriber;
    boolean keep = reusable && ctx().channel().isActive();
    OriginCall c = call;
    call = null;
    subscriber = null;
    if (keep) {
      client.release(ctx().channel());
    } else {
      ChannelFuture unused = ctx().close();
    }
    Objects.requireNonNull(s).onComplete();
    ended(s, Objects.requireNonNull(c), null);
  }

  /** Tells the call its exchange is over, after the subscriber had its last signal. */
  private static void ended(
      Flow.Subscriber<List<ByteBuffer>> s, OriginCall c, @Nullable Throwable error) {
    Offloaded.afterSignals(s, () -> c.ended(error));
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    if (call != null && !done && !headReceived) {
      ctx.read(); // still waiting for the head (or past interim responses)
    }
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (call != null && !done && ctx.channel().isWritable()) {
      call.writable();
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (call != null && !done) {
      fail(new IOException("the origin closed the connection"));
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (call != null && !done) {
      fail(cause instanceof IOException ? cause : new IOException(cause.toString(), cause));
    }
    ChannelFuture unused = ctx.close();
  }

  private void fail(Throwable error) {
    if (done) {
      return;
    }
    done = true;
    deadline.cancel();
    OriginCall c = call;
    Flow.Subscriber<List<ByteBuffer>> s = subscriber;
    call = null;
    subscriber = null;
    ready.clear();
    ChannelFuture unused = ctx().close();
    if (s != null) {
      s.onError(error);
      ended(s, Objects.requireNonNull(c), error);
    } else if (reused
        && !headReceived
        && Objects.requireNonNull(c).mayRetry()
        && !(error instanceof OriginTimeoutException)) {
      // A pooled connection the origin had closed meanwhile: try once on a new one.
      client.connect(ctx().channel().eventLoop(), c);
    } else {
      Objects.requireNonNull(c).failed(error);
    }
  }

  // ---- the body's subscription, on the loop (LoopSubscription) ----

  private void doRequest(long n) {
    if (done || subscriber == null) {
      return;
    }
    if (n <= 0) {
      fail(new IllegalArgumentException("non-positive request: " + n));
      return;
    }
    demand = demand + n < 0 ? Long.MAX_VALUE : demand + n;
    deliver();
  }

  private void doCancel() {
    if (done) {
      return;
    }
    done = true;
    deadline.cancel();
    OriginCall c = call;
    if (c != null) {
      c.ended(new IOException("the body was cancelled"));
    }
    call = null;
    subscriber = null;
    ready.clear();
    ChannelFuture unused = ctx().close();
  }
}
