package dev.cachet.proxy.internal;

import dev.cachet.engine.CacheEngine;
import dev.cachet.engine.CacheStatistics;
import dev.cachet.proxy.ProxyOptions;
import dev.cachet.storage.Storage;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The running proxy: the Netty listener, the admin listener, the origin client and the engine, and
 * their orderly shutdown. {@code ReverseProxy} is its public face.
 */
public final class Server implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(Server.class.getName());

  private final EventLoopGroup group;
  private final ProxyCore core;
  private final Channel listener;
  private final Optional<Channel> admin;
  private volatile boolean closed;

  private Server(EventLoopGroup group, ProxyCore core, Channel listener, Optional<Channel> admin) {
    this.group = group;
    this.core = core;
    this.listener = listener;
    this.admin = admin;
  }

  /**
   * Starts the proxy.
   *
   * @throws IOException if an address cannot be bound or the certificate cannot be read
   */
  public static Server start(
      ProxyOptions options, Storage storage, Clock clock, Consumer<String> accessLog)
      throws IOException {
    Transport transport = Transport.best();
    EventLoopGroup group = transport.newGroup(Runtime.getRuntime().availableProcessors());
    ServerSockets sockets = new ServerSockets(group, transport);
    List<Channel> bound = new ArrayList<>();
    ProxyCore core = null;
    try {
      OriginClient origin =
          new OriginClient(group, transport, options.origin(), options.originTimeout());
      core = new ProxyCore(options, origin, storage, clock, accessLog);
      Channel listener = sockets.clients(core);
      bound.add(listener);
      core.registry.start(group);
      Server[] self = new Server[1];
      Optional<Channel> adminChannel = Optional.empty();
      if (options.admin().isPresent()) {
        Channel a = sockets.admin(core, options.admin().get(), () -> self[0]);
        bound.add(a);
        adminChannel = Optional.of(a);
      }
      self[0] = new Server(group, core, listener, adminChannel);
      return self[0];
    } catch (IOException | RuntimeException e) {
      for (Channel c : bound) {
        c.close().awaitUninterruptibly();
      }
      group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS).awaitUninterruptibly();
      if (core != null) {
        core.engine.ifPresent(CacheEngine::close);
      }
      throw e;
    }
  }

  /** The address clients connect to. */
  public InetSocketAddress address() {
    return (InetSocketAddress) listener.localAddress();
  }

  /** The admin listener's address, if there is one. */
  public Optional<InetSocketAddress> adminAddress() {
    return admin.map(a -> (InetSocketAddress) a.localAddress());
  }

  /** The engine's counters; zeros when the cache is off. */
  public CacheStatistics statistics() {
    return core.engine
        .map(CacheEngine::statistics)
        .orElse(new CacheStatistics(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0));
  }

  /** Open client connections. */
  public int connections() {
    return core.registry.size();
  }

  boolean isDraining() {
    return core.draining;
  }

  /**
   * Removes what is stored for one target: a path as clients send it, or an absolute URL.
   *
   * @throws IllegalArgumentException if the target is malformed
   */
  public boolean purge(String target) {
    URI uri = toOriginUri(target);
    core.index.forget(uri.toString());
    return core.engine.map(e -> e.purge(uri)).orElse(true);
  }

  /**
   * Removes what this proxy stored under a path prefix; returns how many targets were purged.
   *
   * @throws IllegalArgumentException if the prefix is malformed
   */
  public int purgePrefix(String prefix) {
    String p = toOriginUri(prefix).toString();
    if (prefix.endsWith("/") && !p.endsWith("/")) {
      p = p + "/";
    }
    int n = 0;
    for (String u : core.index.take(p)) {
      if (core.engine.map(e -> e.purge(URI.create(u))).orElse(true)) {
        n++;
      }
    }
    return n;
  }

  private URI toOriginUri(String target) {
    if (!target.startsWith("/")) {
      URI absolute = URI.create(target);
      if (absolute.isAbsolute()) {
        return absolute;
      }
    }
    try {
      return URI.create(core.originPrefix + Target.normalise(target));
    } catch (Target.Invalid e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  /**
   * Stops accepting, lets exchanges in flight finish within the grace period (their responses ask
   * to close the connection), closes what is left, and closes the engine.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    core.draining = true;
    listener.close().awaitUninterruptibly();
    admin.ifPresent(a -> a.close().awaitUninterruptibly());
    for (Guard g : core.registry.all()) {
      Channel c = g.channel();
      if (c != null) {
        c.eventLoop()
            .execute(
                () -> {
                  if (g.quiet()) {
                    ChannelFuture unused = c.close();
                  }
                });
      }
    }
    long deadline = System.nanoTime() + core.options.shutdownGrace().toNanos();
    while (core.registry.size() > 0 && System.nanoTime() < deadline) {
      try {
        Thread.sleep(20); // waiting for exchanges in flight; nothing to wait on but the count
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    if (core.registry.size() > 0) {
      LOG.log(System.Logger.Level.INFO, "closing {0} connections still busy", core.registry.size());
    }
    core.registry.stop();
    for (Guard g : core.registry.all()) {
      Channel c = g.channel();
      if (c != null) {
        ChannelFuture unused = c.close();
      }
    }
    core.origin.close();
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
    core.engine.ifPresent(CacheEngine::close);
  }
}
