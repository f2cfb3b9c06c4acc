package dev.cachet.examples.proxy;

import static java.util.Objects.requireNonNull;

import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small HTTP/1.1 listener on a plain {@link ServerSocket}: one thread per connection from a
 * bounded pool, an idle timeout, and an orderly shutdown. It is written for the proxy rather than
 * taken from {@code com.sun.net.httpserver}, which overwrites the {@code Date} of every response,
 * while a proxy must pass the origin's through (RFC 9110 §6.6.1).
 */
final class ProxyServer implements Closeable {
  private static final System.Logger LOG = System.getLogger(ProxyServer.class.getName());

  private final ServerSocket listener;
  private final Handler handler;
  private final Duration idleTimeout;
  private final Duration shutdownGrace;
  private final ThreadPoolExecutor workers;
  private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
  private final Thread acceptor;
  private volatile boolean open = true;

  private ProxyServer(
      ServerSocket listener,
      Handler handler,
      int maxConnections,
      Duration idleTimeout,
      Duration shutdownGrace) {
    this.listener = listener;
    this.handler = handler;
    this.idleTimeout = idleTimeout;
    this.shutdownGrace = shutdownGrace;
    AtomicInteger ids = new AtomicInteger();
    this.workers =
        new ThreadPoolExecutor(
            0,
            maxConnections,
            30,
            TimeUnit.SECONDS,
            new SynchronousQueue<>(),
            r -> {
              Thread t = new Thread(r, "cachet-proxy-" + ids.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    this.acceptor = new Thread(this::acceptLoop, "cachet-proxy-accept");
    this.acceptor.setDaemon(true);
  }

  /**
   * Binds the address and starts accepting connections.
   *
   * @param address where to listen; port 0 picks a free port
   * @param maxConnections the most connections served at once; more are answered 503
   * @param idleTimeout how long a connection may wait for its client before it is closed
   * @param shutdownGrace how long {@link #close()} waits for exchanges in progress
   * @throws IOException if the address cannot be bound
   */
  static ProxyServer start(
      InetSocketAddress address,
      Handler handler,
      int maxConnections,
      Duration idleTimeout,
      Duration shutdownGrace)
      throws IOException {
    requireNonNull(address, "address");
    requireNonNull(handler, "handler");
    if (maxConnections < 1) {
      throw new IllegalArgumentException("maxConnections must be positive: " + maxConnections);
    }
    ServerSocket listener = new ServerSocket();
    try {
      listener.setReuseAddress(true);
      listener.bind(address, 128);
    } catch (IOException e) {
      listener.close();
      throw e;
    }
    ProxyServer server =
        new ProxyServer(listener, handler, maxConnections, idleTimeout, shutdownGrace);
    server.acceptor.start();
    return server;
  }

  /** The address the listener is bound to. */
  InetSocketAddress address() {
    return (InetSocketAddress) listener.getLocalSocketAddress();
  }

  /** False once {@link #close()} has begun. */
  boolean isOpen() {
    return open;
  }

  private void acceptLoop() {
    while (open) {
      Socket socket;
      try {
        socket = listener.accept();
      } catch (IOException e) {
        if (!open) {
          return;
        }
        // Out of file descriptors, say: back off rather than spin while it lasts.
        LOG.log(Level.WARNING, "accept failed", e);
        try {
          Thread.sleep(100);
        } catch (InterruptedException interrupted) {
          return;
        }
        continue;
      }
      try {
        socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, idleTimeout.toMillis()));
        socket.setTcpNoDelay(true);
        Connection connection = new Connection(socket, handler, this);
        connections.add(connection);
        try {
          workers.execute(connection);
        } catch (RejectedExecutionException e) {
          connections.remove(connection);
          refuse(socket);
        }
      } catch (IOException e) {
        LOG.log(Level.DEBUG, "could not set up connection", e);
        closeQuietly(socket);
      }
    }
  }

  /** Answers 503 to a connection over the limit (RFC 9110 §15.6.4) and closes it. */
  private static void refuse(Socket socket) {
    String response =
        "HTTP/1.1 503 Service Unavailable\r\nDate: "
            + HttpDate.format(Instant.now())
            + "\r\nRetry-After: 1\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
    try (socket) {
      OutputStream out = socket.getOutputStream();
      out.write(response.getBytes(StandardCharsets.US_ASCII));
      out.flush();
    } catch (IOException e) {
      LOG.log(Level.DEBUG, "could not refuse connection", e);
    }
  }

  void closed(Connection connection) {
    connections.remove(connection);
  }

  /**
   * Stops accepting, closes idle connections, lets exchanges in progress finish within the grace
   * period, then closes whatever is left.
   */
  @Override
  public void close() {
    if (!open) {
      return;
    }
    open = false;
    closeQuietly(listener);
    for (Connection c : connections) {
      if (c.isIdle()) {
        c.abort();
      }
    }
    workers.shutdown();
    try {
      if (!workers.awaitTermination(shutdownGrace.toMillis(), TimeUnit.MILLISECONDS)) {
        LOG.log(Level.INFO, "closing {0} connections still busy", connections.size());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    for (Connection c : connections) {
      c.abort();
    }
    workers.shutdownNow();
    try {
      acceptor.join(shutdownGrace.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void closeQuietly(Closeable c) {
    try {
      c.close();
    } catch (IOException e) {
      LOG.log(Level.DEBUG, "close failed", e);
    }
  }
}
