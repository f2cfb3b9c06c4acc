package dev.cachet.examples.demo;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The demo's origin server on 127.0.0.1, one endpoint per part of the story. It counts every
 * request it sees, so the demo can show (and check) when the cache spared the origin.
 *
 * <ul>
 *   <li>{@code /article}: fresh for 60 s, with an {@code ETag}; answers 304 to a matching {@code
 *       If-None-Match}; {@link #editArticle()} changes it.
 *   <li>{@code /greeting}: {@code Vary: Accept-Language}, English, French or German.
 *   <li>{@code /no-store}: {@code Cache-Control: no-store}.
 *   <li>{@code /basket}: GET shows it (fresh for 60 s), POST adds an item.
 *   <li>{@code /news}: fresh for 10 s, then {@code stale-while-revalidate=60}; each request is a
 *       new edition.
 *   <li>anything else: 404.
 * </ul>
 */
final class DemoOrigin implements AutoCloseable {
  private final HttpServer server;
  private final ExecutorService executor;
  private final AtomicInteger requests = new AtomicInteger();
  private final AtomicInteger notModified = new AtomicInteger();
  private final AtomicInteger articleVersion = new AtomicInteger(1);
  private final AtomicInteger basketItems = new AtomicInteger();
  private final AtomicInteger newsEdition = new AtomicInteger();
  private final AtomicInteger visitors = new AtomicInteger();

  private DemoOrigin(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  /** Starts the origin on a free port of the loopback address. */
  static DemoOrigin start() throws IOException {
    // Without TCP_NODELAY the JDK's server writes head and body in two segments and waits on the
    // client's delayed ACK: tens of milliseconds per response that have nothing to do with caching.
    System.setProperty("sun.net.httpserver.nodelay", "true");
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    ExecutorService executor =
        Executors.newFixedThreadPool(
            4,
            r -> {
              Thread t = new Thread(r, "cachet-demo-origin");
              t.setDaemon(true);
              return t;
            });
    DemoOrigin origin = new DemoOrigin(server, executor);
    server.createContext("/", origin::handle);
    server.setExecutor(executor);
    server.start();
    return origin;
  }

  /** The origin's base URI, {@code http://127.0.0.1:PORT}. */
  URI uri() {
    InetSocketAddress a = server.getAddress();
    return URI.create("http://" + a.getAddress().getHostAddress() + ":" + a.getPort());
  }

  /** Every request the origin has seen. */
  int requests() {
    return requests.get();
  }

  /** The 304 responses the origin has sent. */
  int notModified() {
    return notModified.get();
  }

  /** Publishes a new version of {@code /article}, with a new {@code ETag}. */
  void editArticle() {
    articleVersion.incrementAndGet();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      requests.incrementAndGet();
      try (InputStream body = exchange.getRequestBody()) {
        body.transferTo(OutputStream.nullOutputStream());
      }
      String path = exchange.getRequestURI().getPath();
      String method = exchange.getRequestMethod();
      switch (path) {
        case "/article":
          article(exchange);
          break;
        case "/greeting":
          greeting(exchange);
          break;
        case "/no-store":
          exchange.getResponseHeaders().set("Cache-Control", "no-store");
          send(exchange, 200, "You are visitor #" + visitors.incrementAndGet());
          break;
        case "/basket":
          if (method.equals("POST")) {
            basketItems.incrementAndGet();
            send(exchange, 200, "Added an item");
          } else {
            exchange.getResponseHeaders().set("Cache-Control", "max-age=60");
            send(exchange, 200, "Basket: " + basketItems.get() + " item(s)");
          }
          break;
        case "/news":
          exchange
              .getResponseHeaders()
              .set("Cache-Control", "max-age=10, stale-while-revalidate=60");
          send(exchange, 200, "News, edition " + newsEdition.incrementAndGet());
          break;
        default:
          send(exchange, 404, "Not found: " + path);
      }
    }
  }

  private void article(HttpExchange exchange) throws IOException {
    int version = articleVersion.get();
    String etag = "\"v" + version + "\"";
    exchange.getResponseHeaders().set("Cache-Control", "max-age=60");
    exchange.getResponseHeaders().set("ETag", etag);
    String ifNoneMatch = exchange.getRequestHeaders().getFirst("If-None-Match");
    if (ifNoneMatch != null && ifNoneMatch.contains(etag)) {
      notModified.incrementAndGet();
      exchange.sendResponseHeaders(304, -1);
      return;
    }
    send(exchange, 200, "Article, version " + version);
  }

  private void greeting(HttpExchange exchange) throws IOException {
    String language = exchange.getRequestHeaders().getFirst("Accept-Language");
    language = language == null ? "en" : language.toLowerCase(Locale.ROOT);
    String greeting;
    if (language.startsWith("fr")) {
      greeting = "Bonjour";
      language = "fr";
    } else if (language.startsWith("de")) {
      greeting = "Hallo";
      language = "de";
    } else {
      greeting = "Hello";
      language = "en";
    }
    exchange.getResponseHeaders().set("Cache-Control", "max-age=60");
    exchange.getResponseHeaders().set("Vary", "Accept-Language");
    exchange.getResponseHeaders().set("Content-Language", language);
    send(exchange, 200, greeting);
  }

  private static void send(HttpExchange exchange, int status, String text) throws IOException {
    byte[] body = text.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
    exchange.sendResponseHeaders(status, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
