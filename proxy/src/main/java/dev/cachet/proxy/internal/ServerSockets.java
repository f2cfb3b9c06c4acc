package dev.cachet.proxy.internal;

import dev.cachet.micrometer.CacheEngineMetrics;
import dev.cachet.proxy.ProxyOptions;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
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
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The proxy's listening sockets: the client listener (HTTPS with HTTP/2 offered by ALPN when a
 * certificate is configured, else cleartext HTTP/1.1 or HTTP/2), and the admin listener with its
 * Prometheus metrics. A socket that cannot be bound is a {@link BindException} naming the address.
 */
final class ServerSockets {
  private final EventLoopGroup group;
  private final Transport transport;

  ServerSockets(EventLoopGroup group, Transport transport) {
    this.group = group;
    this.transport = transport;
  }

  /**
   * Binds the client listener.
   *
   * @throws IOException if the address cannot be bound or the certificate cannot be read
   */
  Channel clients(ProxyCore core) throws IOException {
    SslContext ssl = serverSsl(core.options);
    return bind(
        new ServerBootstrap()
            .group(group)
            .channel(transport.serverChannel())
            .option(ChannelOption.SO_BACKLOG, 1024)
            .option(ChannelOption.SO_REUSEADDR, true)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childOption(ChannelOption.ALLOCATOR, Transport.ALLOCATOR)
            .childHandler(new ChannelSetup(core, ssl)),
        core.options.listen());
  }

  /**
   * Binds the admin listener on this address, with the engine's and the connections' meters.
   *
   * @param server the running proxy the admin requests act on, there once the listener serves
   * @throws IOException if the address cannot be bound
   */
  Channel admin(ProxyCore core, InetSocketAddress address, Supplier<Server> server)
      throws IOException {
    PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    core.engine.ifPresent(
        e -> new CacheEngineMetrics(e, core.cacheName, Tags.empty()).bindTo(metrics));
    Gauge.builder("cachet.proxy.connections", core.registry, Registry::size)
        .description("open client connections")
        .register(metrics);
    return bind(
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
                    ch.pipeline().addLast(new Admin(server.get(), metrics));
                  }
                }),
        address);
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
}
