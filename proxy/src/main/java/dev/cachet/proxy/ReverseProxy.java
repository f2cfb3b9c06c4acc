package dev.cachet.proxy;

import static java.util.Objects.requireNonNull;

import dev.cachet.engine.CacheStatistics;
import dev.cachet.proxy.internal.Server;
import dev.cachet.storage.FileStorage;
import dev.cachet.storage.MemoryStorage;
import dev.cachet.storage.Storage;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A caching reverse proxy: a shared cache (RFC 9111 §1) between clients and one origin, on the same
 * engine as {@code CachingHttpClient}. It speaks HTTP/1.1 (keep-alive, pipelining) and HTTP/2 (h2c
 * with prior knowledge, or TLS with ALPN when given a certificate) to clients and pooled HTTP/1.1
 * to the origin, streams bodies both ways with backpressure, obeys {@code CDN-Cache-Control} before
 * {@code Cache-Control} (RFC 9213), and puts an RFC 9211 {@code Cache-Status} on every response it
 * sends.
 *
 * <pre>{@code
 * ProxyOptions options = ProxyOptions.newBuilder(URI.create("http://127.0.0.1:9000")).build();
 * try (ReverseProxy proxy = ReverseProxy.start(options)) {
 *   System.out.println("listening on " + proxy.address());
 *   ...
 * }
 * }</pre>
 */
public final class ReverseProxy implements AutoCloseable {
  private final Server server;
  private final Optional<Storage> owned;

  private ReverseProxy(Server server, Optional<Storage> owned) {
    this.server = server;
    this.owned = owned;
  }

  /**
   * Starts a proxy with the storage its options describe (memory, or a directory), which it closes
   * when it closes.
   *
   * @param options what to listen on, the origin and the storage
   * @return the running proxy
   * @throws IOException if an address cannot be bound, or the storage directory cannot be used
   */
  public static ReverseProxy start(ProxyOptions options) throws IOException {
    requireNonNull(options, "options");
    Storage storage = storage(options.storageDirectory(), options.maxBytes());
    try {
      return new ReverseProxy(
          Server.start(options, storage, Clock.systemUTC(), line -> {}), Optional.of(storage));
    } catch (IOException | RuntimeException e) {
      closeQuietly(storage);
      throw e;
    }
  }

  /**
   * Starts a proxy keeping responses in {@code storage}, which the caller closes after the proxy.
   *
   * @param options what to listen on and the origin
   * @param storage where responses are kept
   * @param clock the cache's clock
   * @param accessLog receives one line per request
   * @return the running proxy
   * @throws IOException if an address cannot be bound
   */
  public static ReverseProxy start(
      ProxyOptions options, Storage storage, Clock clock, Consumer<String> accessLog)
      throws IOException {
    requireNonNull(options, "options");
    requireNonNull(storage, "storage");
    requireNonNull(clock, "clock");
    requireNonNull(accessLog, "accessLog");
    return new ReverseProxy(Server.start(options, storage, clock, accessLog), Optional.empty());
  }

  /**
   * A {@link FileStorage} in this directory (created if missing) when one is given, else a {@link
   * MemoryStorage}, bounded to {@code maxBytes}. The memory store lets bodies being stored take at
   * most a quarter of that besides (SEC-08), so that the heap a proxy needs is about 1.25 times
   * {@code maxBytes} plus its working set.
   *
   * @param directory the directory to keep responses in, or empty for memory
   * @param maxBytes the bound in bytes
   * @return the storage
   * @throws IOException if the directory cannot be created or opened
   */
  public static Storage storage(Optional<Path> directory, long maxBytes) throws IOException {
    if (directory.isEmpty()) {
      return MemoryStorage.newBuilder()
          .maximumBytes(maxBytes)
          .maximumInFlightBytes(Math.max(1L << 20, maxBytes / 4))
          .build();
    }
    Path dir = directory.get();
    if (Files.exists(dir) && !Files.isDirectory(dir)) {
      throw new IOException("cannot keep the cache in " + dir + ": not a directory");
    }
    Files.createDirectories(dir);
    return FileStorage.newBuilder(dir).maximumBytes(maxBytes).build();
  }

  /** {@return the address clients connect to (with the actual port when port 0 was asked for)} */
  public InetSocketAddress address() {
    return server.address();
  }

  /** {@return the admin listener's address, when it has one} */
  public Optional<InetSocketAddress> adminAddress() {
    return server.adminAddress();
  }

  /** {@return the cache's counters (zeros when the cache is off)} */
  public CacheStatistics statistics() {
    return server.statistics();
  }

  /** {@return the number of open client connections} */
  public int connections() {
    return server.connections();
  }

  /**
   * Removes every response stored for this target: a path as a client sends it ({@code /a/b?c}), or
   * an absolute URL on the origin.
   *
   * @param target a path as a client sends it, or an absolute URL on the origin
   * @return false when the storage failed
   * @throws IllegalArgumentException if the target is malformed
   */
  public boolean purge(String target) {
    return server.purge(requireNonNull(target, "target"));
  }

  /**
   * Removes what this proxy stored under a path prefix ({@code /images/}).
   *
   * @param prefix the path prefix
   * @return how many targets were purged
   * @throws IllegalArgumentException if the prefix is malformed
   */
  public int purgePrefix(String prefix) {
    return server.purgePrefix(requireNonNull(prefix, "prefix"));
  }

  /**
   * Stops accepting, lets exchanges in flight finish (up to the shutdown grace), closes the rest,
   * and closes the storage if the proxy opened it. Idempotent.
   */
  @Override
  public void close() {
    server.close();
    owned.ifPresent(ReverseProxy::closeQuietly);
  }

  private static void closeQuietly(Storage storage) {
    try {
      storage.close();
    } catch (IOException e) {
      System.getLogger(ReverseProxy.class.getName())
          .log(System.Logger.Level.WARNING, "could not close the storage", e);
    }
  }
}
