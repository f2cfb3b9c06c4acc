package dev.cachet.benchmarks;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * The origin every contender talks to: the JDK's {@code HttpServer} on 127.0.0.1 (an ephemeral
 * port), in the benchmark's own JVM, so that no network and no other process is timed.
 *
 * <p>Paths, each {@code /{kind}/{bodyBytes}/{name}}:
 *
 * <ul>
 *   <li>{@code /fresh/...}: 200, {@code Cache-Control: max-age=3600}, a strong {@code ETag}.
 *   <li>{@code /revalidate/...}: 200, {@code Cache-Control: private, max-age=0} and a strong {@code
 *       ETag}; a request whose {@code If-None-Match} names that tag gets 304 with no body (RFC 9110
 *       §13.1.2, RFC 9111 §4.3).
 *   <li>{@code /miss/...}: 200, {@code Cache-Control: max-age=3600}, a strong {@code ETag}; used
 *       with a new name for every request.
 * </ul>
 *
 * <p>Bodies are shared, preallocated arrays, so serving one allocates no body. The origin counts
 * what it answered so that a benchmark can prove, before it is timed, that a hit is a hit.
 */
final class Origin implements AutoCloseable {
  static {
    // The JDK server writes headers and body separately; without TCP_NODELAY, Nagle's algorithm
    // and delayed ACKs add ~40 ms to small exchanges, and the origin, not the client, is timed.
    // Read once, when the server's configuration class loads.
    System.setProperty("sun.net.httpserver.nodelay", "true");
  }

  private final HttpServer server;
  private final ExecutorService executor;
  private final Map<Integer, byte[]> bodies = new ConcurrentHashMap<>();
  private final LongAdder full = new LongAdder();
  private final LongAdder notModified = new LongAdder();

  private Origin(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  /** Starts an origin on 127.0.0.1 with a small pool of daemon threads. */
  static Origin start() throws IOException {
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 256);
    ExecutorService executor =
        Executors.newFixedThreadPool(
            4,
            r -> {
              Thread t = new Thread(r, "origin");
              t.setDaemon(true);
              return t;
            });
    Origin origin = new Origin(server, executor);
    server.createContext("/", origin::handle);
    server.setExecutor(executor);
    server.start();
    return origin;
  }

  /** The absolute URI of {@code /{kind}/{bodyBytes}/{name}} on this origin. */
  URI uri(String kind, int bodyBytes, String name) {
    return URI.create(
        "http://127.0.0.1:"
            + server.getAddress().getPort()
            + "/"
            + kind
            + "/"
            + bodyBytes
            + "/"
            + name);
  }

  /** {@code count} URIs {@code /{kind}/{bodyBytes}/{prefix}{i}}, i from 0. */
  List<URI> uris(String kind, int bodyBytes, String prefix, int count) {
    List<URI> uris = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      uris.add(uri(kind, bodyBytes, prefix + i));
    }
    return uris;
  }

  /** How many 200 responses (with a body) the origin has sent. */
  long fullResponses() {
    return full.sum();
  }

  /** How many 304 responses the origin has sent. */
  long notModifiedResponses() {
    return notModified.sum();
  }

  /** All responses the origin has sent. */
  long responses() {
    return full.sum() + notModified.sum();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      try (InputStream in = exchange.getRequestBody()) {
        in.transferTo(OutputStream.nullOutputStream());
      }
      String[] parts = exchange.getRequestURI().getPath().split("/", 4);
      if (parts.length != 4) {
        exchange.sendResponseHeaders(404, -1);
        return;
      }
      String kind = parts[1];
      int size;
      try {
        size = Integer.parseInt(parts[2]);
      } catch (NumberFormatException e) {
        exchange.sendResponseHeaders(404, -1);
        return;
      }
      String etag = "\"" + parts[3] + "\"";
      var headers = exchange.getResponseHeaders();
      headers.set("ETag", etag);
      headers.set("Content-Type", "application/octet-stream");
      switch (kind) {
        case "fresh", "miss" -> headers.set("Cache-Control", "max-age=3600");
        case "revalidate" -> {
          // "private": Apache's cache stores a response only when it is explicitly cacheable
          // (public, private, Expires or a positive max-age); max-age=0 alone is not enough.
          headers.set("Cache-Control", "private, max-age=0");
          if (etag.equals(exchange.getRequestHeaders().getFirst("If-None-Match"))) {
            notModified.increment();
            exchange.sendResponseHeaders(304, -1);
            return;
          }
        }
        default -> {
          exchange.sendResponseHeaders(404, -1);
          return;
        }
      }
      byte[] body = bodies.computeIfAbsent(size, Origin::body);
      full.increment();
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }

  private static byte[] body(int size) {
    byte[] b = new byte[size];
    for (int i = 0; i < size; i++) {
      b[i] = (byte) ('a' + i % 26);
    }
    return b;
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
    try {
      executor.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
