package dev.cachet.proxy;

import dev.cachet.storage.Storage;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.FileSystemException;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;

/**
 * The command line: {@code java -jar cachet-proxy.jar --origin URL [options]}. Bad arguments print
 * one {@code error:} line and the usage, and exit with status 2; a port in use, one line and 1.
 */
public final class ProxyCommand {
  /** Exit status for success. */
  public static final int OK = 0;

  /** Exit status when the proxy could not start (a port in use, an unusable directory). */
  public static final int FAILED = 1;

  /** Exit status for bad arguments. */
  public static final int USAGE = 2;

  /** The usage text. */
  public static final String USAGE_TEXT =
      String.join(
          "\n",
          "usage: java -jar cachet-proxy.jar --origin URL [options]",
          "",
          "Runs a caching reverse proxy (a shared cache) in front of one origin.",
          "",
          "options:",
          ProxyOptions.USAGE,
          "  --quiet                no access log",
          "",
          "example: java -jar cachet-proxy.jar --listen 127.0.0.1:8080"
              + " --origin http://127.0.0.1:9000");

  private ProxyCommand() {}

  /**
   * Runs the proxy until it is stopped (Ctrl-C, SIGTERM), or exits with an error status.
   *
   * @param args the command-line arguments
   */
  public static void main(String[] args) {
    if (args.length == 0) {
      System.out.println(USAGE_TEXT);
      System.exit(OK);
    }
    int status = run(Arrays.asList(args), System.out, System.err, "cachet-proxy.jar");
    if (status != OK || args.length == 0) {
      // After Ctrl-C the proxy returns from within JVM shutdown, where System.exit would block.
      System.exit(status);
    }
  }

  /**
   * Parses the arguments and runs the proxy until the JVM shuts down.
   *
   * @param args the command-line arguments
   * @param out where the access log and statistics go
   * @param err where errors and the usage go
   * @param jar the jar's name in the usage line
   * @return the exit status
   */
  public static int run(List<String> args, PrintStream out, PrintStream err, String jar) {
    String usage = USAGE_TEXT.replace("cachet-proxy.jar", jar);
    if (args.contains("-h") || args.contains("--help")) {
      out.println(usage);
      return OK;
    }
    boolean quiet = args.contains("--quiet");
    List<String> rest = args.stream().filter(a -> !a.equals("--quiet")).toList();
    ProxyOptions options;
    try {
      options = ProxyOptions.parse(rest);
    } catch (IllegalArgumentException e) {
      err.println("error: " + e.getMessage());
      err.println(usage);
      return USAGE;
    }
    Storage storage;
    try {
      storage = ReverseProxy.storage(options.storageDirectory(), options.maxBytes());
    } catch (IOException e) {
      err.println(
          "error: cannot keep the cache in "
              + options.storageDirectory().get()
              + ": "
              + describe(e));
      return FAILED;
    }
    ReverseProxy proxy;
    try {
      proxy =
          ReverseProxy.start(
              options, storage, Clock.systemUTC(), quiet ? line -> {} : out::println);
    } catch (IOException | RuntimeException e) {
      closeQuietly(storage);
      err.println("error: " + describe(e));
      return FAILED;
    }
    out.println(
        "Cachet proxy on "
            + (options.tlsCertificate().isPresent() ? "https://" : "http://")
            + hostPort(proxy.address())
            + " -> "
            + options.origin()
            + " (shared cache, "
            + (options.cache()
                ? options.storageDirectory().map(p -> "storage in " + p).orElse("in memory")
                    + ", at most "
                    + bytes(options.maxBytes())
                : "cache off")
            + proxy.adminAddress().map(a -> "; admin on http://" + hostPort(a)).orElse("")
            + "); Ctrl-C to stop");
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  proxy.close();
                  closeQuietly(storage);
                  out.println("Cachet proxy stopped. " + describe(proxy));
                  stopped.countDown();
                },
                "cachet-proxy-shutdown"));
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return OK;
  }

  private static String describe(ReverseProxy proxy) {
    var s = proxy.statistics();
    return String.format(
        Locale.ROOT,
        "%d requests: %d hits, %d misses, %d revalidations (%d not modified); %d stored,"
            + " %d evicted, %d storage errors; hit rate %.0f%%",
        s.requests(),
        s.hits(),
        s.misses(),
        s.revalidations(),
        s.notModified(),
        s.stores(),
        s.evictions(),
        s.storageErrors(),
        s.hitRate() * 100);
  }

  private static String describe(Throwable e) {
    if (e instanceof FileSystemException fs) {
      return fs.getReason() != null ? fs.getReason() : fs.getClass().getSimpleName();
    }
    String m = e.getMessage();
    if (m == null || m.isBlank()) {
      return e.getCause() != null ? describe(e.getCause()) : e.getClass().getSimpleName();
    }
    return m;
  }

  private static void closeQuietly(Storage storage) {
    try {
      storage.close();
    } catch (IOException e) {
      System.err.println("could not close the storage: " + describe(e));
    }
  }

  /** A byte count in the largest binary unit that divides it. */
  static String bytes(long n) {
    String[] units = {"GiB", "MiB", "KiB"};
    long[] sizes = {1L << 30, 1L << 20, 1L << 10};
    for (int i = 0; i < units.length; i++) {
      if (n % sizes[i] == 0) {
        return n / sizes[i] + " " + units[i];
      }
    }
    return n + " bytes";
  }

  /** {@code host:port} as the user writes it, e.g. {@code 127.0.0.1:8080} or {@code [::1]:8080}. */
  static String hostPort(InetSocketAddress address) {
    String host =
        address.getAddress() != null
            ? address.getAddress().getHostAddress()
            : address.getHostString();
    if (host.contains(":")) {
      host = "[" + host + "]";
    }
    return host + ":" + address.getPort();
  }
}
