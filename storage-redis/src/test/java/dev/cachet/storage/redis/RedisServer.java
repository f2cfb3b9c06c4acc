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
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import redis.clients.jedis.RedisClient;

/**
 * A {@code redis-server} process of the tests' own on 127.0.0.1 and a free port, without
 * persistence, in a temporary directory. The binary is the one named by the system property {@code
 * cachet.redis.server} or the environment variable {@code CACHET_REDIS_SERVER}; else the first
 * {@code redis-server} on the {@code PATH}; else the one for this platform that the test-scoped
 * {@code com.github.codemonstur:embedded-redis} jar carries (Redis 6.2 for Linux and macOS on
 * x86-64 and arm64), copied out to a temporary file. So {@code ./mvnw verify} runs these tests on a
 * machine with only a JDK.
 *
 * <p>When no server can be started, {@link RedisServerExtension} fails the tests with the reason;
 * they are skipped only when {@code cachet.redis.skip} (or {@code CACHET_REDIS_SKIP}) is {@code
 * true}, which someone has to ask for.
 */
final class RedisServer implements AutoCloseable {
  static final String NOT_FOUND =
      "no redis-server: none on the PATH, and the embedded-redis test jar has none for "
          + platform()
          + ". Install one (apt-get install redis-server), or name it with"
          + " -Dcachet.redis.server=/path/to/redis-server";

  /**
   * The binaries in the embedded-redis jar, by {@link #platform()}. Their names carry the Redis
   * version, so a new embedded-redis version may rename them: then no server is found and the tests
   * fail saying so.
   */
  private static final Map<String, String> BUNDLED =
      Map.of(
          "linux-amd64", "redis-server-6.2.6-v5-linux-amd64",
          "linux-arm64", "redis-server-6.2.7-linux-arm64",
          "darwin-amd64", "redis-server-6.2.6-v5-darwin-amd64",
          "darwin-arm64", "redis-server-6.2.6-v5-darwin-arm64");

  /** The copied-out bundled binary, made once per JVM; null until looked for. */
  private static Optional<Path> bundled;

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
    Optional<Path> binary;
    try {
      binary = findBinary();
    } catch (UncheckedIOException e) {
      throw new Unavailable(e.getMessage() + ": " + e.getCause(), e);
    }
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
    Optional<Path> onPath =
        path == null
            ? Optional.empty()
            : Stream.of(path.split(File.pathSeparator))
                .filter(d -> !d.isBlank())
                .map(d -> Path.of(d, "redis-server"))
                .filter(Files::isExecutable)
                .findFirst();
    return onPath.isPresent() ? onPath : bundledBinary();
  }

  /**
   * The embedded-redis jar's binary for this platform, copied to an executable temporary file (a
   * jar entry cannot be run in place), or empty when the jar has none for it.
   */
  static synchronized Optional<Path> bundledBinary() {
    if (bundled != null) {
      return bundled;
    }
    String resource = BUNDLED.get(platform());
    if (resource == null) {
      return bundled = Optional.empty();
    }
    try (InputStream in = RedisServer.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        return bundled = Optional.empty();
      }
      Path dir = Files.createTempDirectory("cachet-redis-bin");
      Path binary = dir.resolve("redis-server");
      Files.copy(in, binary);
      if (!binary.toFile().setExecutable(true, true)) {
        throw new IOException("cannot make " + binary + " executable");
      }
      binary.toFile().deleteOnExit();
      dir.toFile().deleteOnExit();
      return bundled = Optional.of(binary);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot copy out the bundled " + resource, e);
    }
  }

  /** This JVM's platform as the embedded-redis jar names it, such as {@code linux-amd64}. */
  static String platform() {
    String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
    String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
    String system = os.startsWith("linux") ? "linux" : os.startsWith("mac") ? "darwin" : os;
    String machine =
        arch.equals("amd64") || arch.equals("x86_64")
            ? "amd64"
            : arch.equals("aarch64") || arch.equals("arm64") ? "arm64" : arch;
    return system + "-" + machine;
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
