package dev.cachet.storage.redis;

import static java.nio.charset.StandardCharsets.US_ASCII;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import redis.clients.jedis.RedisClient;

/**
 * A {@code redis-server} process of the tests' own on 127.0.0.1 and a free port, without
 * persistence, in a temporary directory. The binary is the one named by the system property {@code
 * cachet.redis.server} or the environment variable {@code CACHET_REDIS_SERVER}, else the first
 * {@code redis-server} on the {@code PATH}.
 *
 * <p>When there is none, {@link #startOrSkip()} skips the calling tests with a message saying how
 * to install it, unless {@code cachet.redis.required} (or {@code CACHET_REDIS_REQUIRED}) is {@code
 * true}, as in CI: then the tests fail, so a machine without Redis can never pass them unseen.
 */
final class RedisServer implements AutoCloseable {
  static final String NOT_FOUND =
      "redis-server not found on PATH: install it (apt-get install redis-server) to run the Redis"
          + " storage tests, or name it with -Dcachet.redis.server=/path/to/redis-server";

  private static final Duration START_TIMEOUT = Duration.ofSeconds(15);

  private final Path binary;
  private final Path dir;
  private final int port;
  private volatile Process process;

  private RedisServer(Path binary, Path dir, int port) {
    this.binary = binary;
    this.dir = dir;
    this.port = port;
    // Should the test JVM die before close(), the server must not outlive it.
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  Process p = process;
                  if (p != null) {
                    p.destroyForcibly();
                  }
                }));
  }

  /** Why no server could be started. */
  static final class Unavailable extends Exception {
    private static final long serialVersionUID = 1L;

    Unavailable(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /**
   * Starts a server.
   *
   * @throws Unavailable with the reason, when there is no binary or it does not start
   */
  static RedisServer launch() throws Unavailable {
    Optional<Path> binary = findBinary();
    if (binary.isEmpty()) {
      String named =
          System.getProperty("cachet.redis.server", System.getenv("CACHET_REDIS_SERVER"));
      throw new Unavailable(
          named == null || named.isBlank()
              ? NOT_FOUND
              : "the redis-server named by cachet.redis.server or CACHET_REDIS_SERVER is not an"
                  + " executable file: "
                  + named,
          null);
    }
    try {
      RedisServer server =
          new RedisServer(binary.get(), Files.createTempDirectory("cachet-redis"), freePort());
      server.start();
      return server;
    } catch (IOException | RuntimeException e) {
      throw new Unavailable(
          "redis-server " + binary.get() + " could not be started: " + e.getMessage(), e);
    }
  }

  static Optional<Path> findBinary() {
    String named = System.getProperty("cachet.redis.server", System.getenv("CACHET_REDIS_SERVER"));
    if (named != null && !named.isBlank()) {
      Path p = Path.of(named);
      return Files.isExecutable(p) ? Optional.of(p) : Optional.empty();
    }
    String path = System.getenv("PATH");
    if (path == null) {
      return Optional.empty();
    }
    return Stream.of(path.split(File.pathSeparator))
        .filter(d -> !d.isBlank())
        .map(d -> Path.of(d, "redis-server"))
        .filter(Files::isExecutable)
        .findFirst();
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** The server's URI. */
  URI uri() {
    return URI.create("redis://127.0.0.1:" + port);
  }

  int port() {
    return port;
  }

  /** A client of the tests' own, to look at and tamper with what the storage keeps. */
  RedisClient newClient() {
    return RedisClient.create("127.0.0.1", port);
  }

  /** Starts the process (again, on the same port) and waits until it answers {@code PING}. */
  void start() throws IOException {
    if (process != null && process.isAlive()) {
      throw new IllegalStateException("already running");
    }
    Path log = dir.resolve("redis.log");
    process =
        new ProcessBuilder(
                List.of(
                    binary.toString(),
                    "--port",
                    Integer.toString(port),
                    "--bind",
                    "127.0.0.1",
                    "--save",
                    "",
                    "--appendonly",
                    "no",
                    "--daemonize",
                    "no",
                    "--dir",
                    dir.toString()))
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .start();
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IOException("redis-server exited: " + Files.readString(log));
      }
      if (ping()) {
        return;
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted", e);
      }
    }
    stop();
    throw new IOException("redis-server did not answer within " + START_TIMEOUT);
  }

  /** Kills the process at once, as a crash would, and waits until it is gone. */
  void kill() {
    if (process == null) {
      return;
    }
    process.destroyForcibly();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Freezes the process ({@code SIGSTOP}), as a Redis hung in a long command or a swap storm would
   * be: connections are still accepted, but nothing is answered.
   */
  void pause() throws IOException, InterruptedException {
    signal("-STOP");
  }

  /** Lets a {@linkplain #pause() frozen} process go on ({@code SIGCONT}). */
  void resume() throws IOException, InterruptedException {
    signal("-CONT");
  }

  private void signal(String signal) throws IOException, InterruptedException {
    Process kill = new ProcessBuilder("kill", signal, Long.toString(process.pid())).start();
    if (kill.waitFor() != 0) {
      throw new IOException(
          "kill "
              + signal
              + " failed: "
              + new String(kill.getErrorStream().readAllBytes(), US_ASCII));
    }
  }

  /** Stops the process. */
  void stop() {
    if (process == null) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    stop();
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted((a, b) -> b.compareTo(a)).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private boolean ping() {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
      s.setSoTimeout(500);
      OutputStream out = s.getOutputStream();
      out.write("PING\r\n".getBytes(US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      byte[] reply = in.readNBytes(7);
      return "+PONG\r\n".equals(new String(reply, US_ASCII));
    } catch (IOException e) {
      return false;
    }
  }
}
