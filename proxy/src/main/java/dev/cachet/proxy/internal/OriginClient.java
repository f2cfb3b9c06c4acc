package dev.cachet.proxy.internal;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.net.ssl.SSLException;

/**
 * The connection-pooled HTTP/1.1 client to the one origin. Each event loop keeps its own idle
 * connections, and a request is sent from the loop of the client connection it serves, so a proxied
 * exchange runs on one thread from end to end without locks.
 */
final class OriginClient {
  /** Idle connections kept per event loop. */
  private static final int MAX_IDLE_PER_LOOP = 64;

  private final EventLoopGroup group;
  private final Bootstrap bootstrap;
  private final String host;
  private final int port;
  private final String authority;
  private final Duration timeout;
  private final Map<EventLoop, ArrayDeque<Channel>> idle = new ConcurrentHashMap<>();
  private final ExecutorService blocking =
      Executors.newCachedThreadPool(new DefaultThreadFactory("cachet-proxy-store", true));

  OriginClient(EventLoopGroup group, Transport transport, URI origin, Duration timeout)
      throws SSLException {
    this.group = group;
    this.timeout = timeout;
    boolean tls = origin.getScheme().toLowerCase(Locale.ROOT).equals("https");
    this.host = origin.getHost();
    this.port = origin.getPort() >= 0 ? origin.getPort() : tls ? 443 : 80;
    this.authority = origin.getRawAuthority();
    SslContext ssl = tls ? SslContextBuilder.forClient().build() : null;
    HttpDecoderConfig decoder =
        new HttpDecoderConfig()
            .setMaxInitialLineLength(8192)
            .setMaxHeaderSize(64 * 1024)
            .setMaxChunkSize(16 * 1024);
    this.bootstrap =
        new Bootstrap()
            .channel(transport.socketChannel())
            .option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.ALLOCATOR, Transport.ALLOCATOR)
            .option(ChannelOption.AUTO_READ, false)
            .option(
                ChannelOption.CONNECT_TIMEOUT_MILLIS,
                (int) Math.min(Integer.MAX_VALUE, timeout.toMillis()))
            .handler(
                new ChannelInitializer<Channel>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    if (ssl != null) {
                      ch.pipeline().addLast(ssl.newHandler(ch.alloc(), host, port));
                    }
                    ch.pipeline().addLast(new HttpClientCodec(decoder, false, false));
                    ch.pipeline().addLast(new OriginHandler(OriginClient.this));
                  }
                });
  }

  /** The origin's authority, for {@code Host}. */
  String authority() {
    return authority;
  }

  /** How long the origin may take. */
  Duration timeout() {
    return timeout;
  }

  /** Threads for delivering bodies to subscribers that may block on storage. */
  Executor blocking() {
    return blocking;
  }

  /** A loop for work no client connection owns (background revalidations). */
  EventLoop anyLoop() {
    return group.next();
  }

  /** Sends the call on a connection owned by this loop: an idle one, or a new one. */
  void send(EventLoop loop, OriginCall call) {
    if (!loop.inEventLoop()) {
      loop.execute(() -> send(loop, call));
      return;
    }
    ArrayDeque<Channel> pool = idle.get(loop);
    while (pool != null && !pool.isEmpty()) {
      Channel c = pool.pollLast();
      if (c.isActive()) {
        c.pipeline().get(OriginHandler.class).start(call, true);
        return;
      }
    }
    connect(loop, call);
  }

  /** Sends the call on a new connection. */
  void connect(EventLoop loop, OriginCall call) {
    ChannelFuture f = bootstrap.clone(loop).connect(host, port);
    f.addListener(
        done -> {
          if (done.isSuccess()) {
            f.channel().pipeline().get(OriginHandler.class).start(call, false);
          } else {
            Throwable cause = done.cause();
            call.failed(
                cause instanceof IOException
                    ? cause
                    : new IOException("cannot connect to the origin: " + cause, cause));
          }
        });
  }

  /** A connection whose exchange ended cleanly goes back to its loop's pool. */
  void release(Channel c) {
    EventLoop loop = c.eventLoop();
    ArrayDeque<Channel> pool = idle.computeIfAbsent(loop, l -> new ArrayDeque<>());
    if (pool.size() >= MAX_IDLE_PER_LOOP) {
      ChannelFuture unused = c.close();
      return;
    }
    pool.addLast(c);
  }

  /** Closes idle connections. */
  void close() {
    blocking.shutdown();
    for (ArrayDeque<Channel> pool : idle.values()) {
      for (Channel c : pool.toArray(new Channel[0])) {
        ChannelFuture unused = c.close();
      }
    }
  }
}
