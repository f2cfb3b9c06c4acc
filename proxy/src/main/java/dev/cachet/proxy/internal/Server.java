package dev.cachet.proxy.internal;

import dev.cachet.core.CacheOptions;
import dev.cachet.engine.CacheEngine;
import dev.cachet.engine.CacheListener;
import dev.cachet.engine.CacheStatistics;
import dev.cachet.micrometer.CacheEngineMetrics;
import dev.cachet.proxy.ProxyOptions;
import dev.cachet.storage.Storage;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The running proxy: the Netty listener, the admin listener, the origin client and the engine, and
 * their orderly shutdown. {@code ReverseProxy} is its public face.
 */
public final class Server implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(Server.class.getName());

  private final ProxyOptions options;
  private final EventLoopGroup group;
  private final ProxyCore core;
  private final Channel listener;
  private final Optional<Channel> admin;
  private final Optional<CacheEngine> engine;
  private final PurgeIndex index;
  private final Registry registry;
  private volatile boolean closed;

  private Server(
      ProxyOptions options,
      EventLoopGroup group,
      ProxyCore core,
      Channel listener,
      Optional<Channel> admin,
      PurgeIndex index) {
    this.options = options;
    this.group = group;
    this.core = core;
    this.listener = listener;
    this.admin = admin;
    this.engine = core.engine;
    this.index = index;
    this.registry = core.registry;
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
    List<Channel> bound = new ArrayList<>();
    CacheEngine engine = null;
    try {
      OriginFailures failures = new OriginFailures();
      PurgeIndex index = new PurgeIndex();
      List<CacheListener> listeners = List.of(failures, index);
      if (options.cache()) {
        engine =
            CacheEngine.newBuilder(storage)
                // O-05: a gateway cache is what CDN-Cache-Control targets (RFC 9213 §2.1).
                .options(
                    CacheOptions.newBuilder()
                        .shared(true)
                        .targetedFields(List.of("CDN-Cache-Control"))
                        .build())
                .clock(clock)
                .listener(new Listeners(listeners))
                .backgroundTimeout(options.originTimeout())
                .build();
      }
      Registry registry = new Registry(options.maxConnections());
      OriginClient origin =
          new OriginClient(group, transport, options.origin(), options.originTimeout());
      ProxyCore core =
          new ProxyCore(
              options,
              origin,
              Optional.ofNullable(engine),
              engine == null ? CacheEngine.DEFAULT_CACHE_NAME : engine.cacheName(),
              new HttpDates(clock),
              failures,
              accessLog,
              registry);
      SslContext ssl = serverSsl(options);
      Channel listener =
          bind(
              new ServerBootstrap()
                  .group(group)
                  .channel(transport.serverChannel())
                  .option(ChannelOption.SO_BACKLOG, 1024)
                  .option(ChannelOption.SO_REUSEADDR, true)
                  .childOption(ChannelOption.TCP_NODELAY, true)
                  .childHandler(new ChannelSetup(core, ssl)),
              options.listen());
      bound.add(listener);
      registry.start(group);
      Server[] self = new Server[1];
      Optional<Channel> adminChannel = Optional.empty();
      if (options.admin().isPresent()) {
        PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        if (engine != null) {
          new CacheEngineMetrics(engine, core.cacheName, Tags.empty()).bindTo(metrics);
        }
        Gauge.builder("cachet.proxy.connections", registry, Registry::size)
            .description("open client connections")
            .register(metrics);
        Channel a =
            bind(
                new ServerBootstrap()
                    .group(group)
                    .channel(transport.serverChannel())
                    .option(ChannelOption.SO_REUSEADDR, true)
                    .childHandler(
                        new ChannelInitializer<Channel>() {
                          @Override
                          protected void initChannel(Channel ch) {
                            ch.pipeline().addLast(new HttpServerCodec());
                            ch.pipeline().addLast(new HttpObjectAggregator(64 * 1024));
                            ch.pipeline().addLast(new Admin(self[0], metrics));
                          }
                        }),
                options.admin().get());
        bound.add(a);
        adminChannel = Optional.of(a);
      }
      self[0] = new Server(options, group, core, listener, adminChannel, index);
      return self[0];
    } catch (IOException | RuntimeException e) {
      for (Channel c : bound) {
        c.close().awaitUninterruptibly();
      }
      group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS).awaitUninterruptibly();
      if (engine != null) {
        engine.close();
      }
      throw e;
    }
  }

  private static Channel bind(ServerBootstrap b, InetSocketAddress address) throws IOException {
    var f = b.bind(address).awaitUninterruptibly();
    if (!f.isSuccess()) {
      Throwable cause = f.cause();
      String host = address.getAddress().getHostAddress();
      String where = (host.contains(":") ? "[" + host + "]" : host) + ":" + address.getPort();
      String why =
          cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
      BindException e = new BindException("cannot listen on " + where + ": " + why);
      e.initCause(cause);
      throw e;
    }
    return f.channel();
  }

  private static @Nullable SslContext serverSsl(ProxyOptions options) throws IOException {
    if (options.tlsCertificate().isEmpty() || options.tlsKey().isEmpty()) {
      return null;
    }
    try {
      return SslContextBuilder.forServer(
              options.tlsCertificate().get().toFile(), options.tlsKey().get().toFile())
          .sslProvider(SslProvider.JDK)
          .applicationProtocolConfig(
              new ApplicationProtocolConfig(
                  ApplicationProtocolConfig.Protocol.ALPN,
                  ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                  ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                  ApplicationProtocolNames.HTTP_2,
                  ApplicationProtocolNames.HTTP_1_1))
          .build();
    } catch (IOException | IllegalArgumentException e) {
      throw new IOException("cannot read the TLS certificate or key: " + e.getMessage(), e);
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
    return engine
        .map(CacheEngine::statistics)
        .orElse(new CacheStatistics(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0));
  }

  /** Open client connections. */
  public int connections() {
    return registry.size();
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
    index.forget(uri.toString());
    return engine.map(e -> e.purge(uri)).orElse(true);
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
    for (String u : index.take(p)) {
      if (engine.map(e -> e.purge(URI.create(u))).orElse(true)) {
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
    for (Guard g : registry.all()) {
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
    long deadline = System.nanoTime() + options.shutdownGrace().toNanos();
    while (registry.size() > 0 && System.nanoTime() < deadline) {
      try {
        Thread.sleep(20); // waiting for exchanges in flight; nothing to wait on but the count
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    if (registry.size() > 0) {
      LOG.log(System.Logger.Level.INFO, "closing {0} connections still busy", registry.size());
    }
    registry.stop();
    for (Guard g : registry.all()) {
      Channel c = g.channel();
      if (c != null) {
        ChannelFuture unused = c.close();
      }
    }
    core.origin.close();
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
    engine.ifPresent(CacheEngine::close);
  }
}
