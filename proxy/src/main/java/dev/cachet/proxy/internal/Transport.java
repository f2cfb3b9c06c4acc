package dev.cachet.proxy.internal;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;

/** Epoll where Netty's native library loads (Linux), NIO elsewhere. */
record Transport(
    IoHandlerFactory factory,
    Class<? extends ServerChannel> serverChannel,
    Class<? extends SocketChannel> socketChannel) {

  /**
   * The buffers of every connection, client and origin: pooled, with a cache per event loop, which
   * costs less per request than Netty 4.2's default adaptive allocator (its shared magazines showed
   * in the hit path's profile; see {@code benchmarks/proxy-vs-nginx.sh}).
   */
  static final ByteBufAllocator ALLOCATOR = PooledByteBufAllocator.DEFAULT;

  static Transport best() {
    if (Epoll.isAvailable()) {
      return new Transport(
          EpollIoHandler.newFactory(), EpollServerSocketChannel.class, EpollSocketChannel.class);
    }
    return new Transport(
        NioIoHandler.newFactory(), NioServerSocketChannel.class, NioSocketChannel.class);
  }

  /** One event loop per core: each runs client and origin connections alike. */
  EventLoopGroup newGroup(int threads) {
    return new MultiThreadIoEventLoopGroup(
        threads, new DefaultThreadFactory("cachet-proxy", true), factory);
  }
}
