package dev.cachet.examples.proxy;

import static java.util.Objects.requireNonNull;

import dev.cachet.core.CacheOptions;
import dev.cachet.engine.CacheStatistics;
import dev.cachet.httpclient.CachingHttpClient;
import dev.cachet.storage.Storage;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A caching reverse proxy: a {@link CachingHttpClient} in shared-cache mode (RFC 9111 §1) between
 * an HTTP/1.1 listener and one origin. Responses carry a {@code Cache-Status} member named {@code
 * Cachet} (RFC 9211); a conditional request is answered 304 from a fresh stored response when its
 * validators match (RFC 9111 §4.3.2).
 *
 * <pre>{@code
 * try (ReverseProxy proxy = ReverseProxy.start(options, storage, System.out::println)) {
 *   proxy.awaitShutdown();
 * }
 * }</pre>
 */
public final class ReverseProxy implements Closeable {
  /** The most client connections served at once. */
  static final int MAX_CONNECTIONS = 256;

  /** How long a client connection may sit idle. */
  static final Duration IDLE_TIMEOUT = Duration.ofSeconds(60);

  /** How long shutdown waits for exchanges in progress. */
  static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(5);

  /** How long to wait for the origin's response head. */
  static final Duration ORIGIN_TIMEOUT = Duration.ofSeconds(60);

  private final ProxyServer server;
  private final CachingHttpClient client;

  private ReverseProxy(ProxyServer server, CachingHttpClient client) {
    this.server = server;
    this.client = client;
  }

  /**
   * Starts a proxy listening on {@code options.listen()} and forwarding to {@code
   * options.origin()}, keeping responses in {@code storage}, which the caller closes after the
   * proxy.
   *
   * @param accessLog receives one line per request
   * @throws IOException if the listen address cannot be bound
   */
  public static ReverseProxy start(
      ProxyOptions options, Storage storage, Consumer<String> accessLog) throws IOException {
    return start(options, storage, Clock.systemUTC(), accessLog);
  }

  /** As {@link #start(ProxyOptions, Storage, Consumer)}, with the cache's clock. */
  public static ReverseProxy start(
      ProxyOptions options, Storage storage, Clock clock, Consumer<String> accessLog)
      throws IOException {
    requireNonNull(options, "options");
    OriginErrors originErrors = new OriginErrors();
    CachingHttpClient client =
        CachingHttpClient.newBuilder()
            .storage(storage, false) // the caller closes it after the proxy
            .listener(originErrors)
            // O-05: a gateway cache is what CDN-Cache-Control targets (RFC 9213 §2.1).
            .cacheOptions(
                CacheOptions.newBuilder()
                    .shared(true)
                    .targetedFields(List.of("CDN-Cache-Control"))
                    .build())
            .clock(clock)
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
    Forwarder forwarder =
        new Forwarder(
            client, options.origin(), Optional.of(ORIGIN_TIMEOUT), clock, accessLog, originErrors);
    try {
      ProxyServer server =
          ProxyServer.start(
              options.listen(), forwarder, MAX_CONNECTIONS, IDLE_TIMEOUT, SHUTDOWN_GRACE);
      return new ReverseProxy(server, client);
    } catch (IOException | RuntimeException e) {
      client.close();
      throw e;
    }
  }

  /** The address the proxy listens on (with the actual port when port 0 was asked for). */
  public InetSocketAddress address() {
    return server.address();
  }

  /** The cache's counters. */
  public CacheStatistics statistics() {
    return client.statistics();
  }

  /** Stops listening, lets exchanges in progress finish (up to 5 s), and closes the client. */
  @Override
  public void close() {
    server.close();
    client.close();
  }
}
