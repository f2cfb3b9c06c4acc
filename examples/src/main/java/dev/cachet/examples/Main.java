package dev.cachet.examples;

import dev.cachet.examples.demo.Demo;
import dev.cachet.examples.demo.Style;
import dev.cachet.proxy.ProxyCommand;
import dev.cachet.proxy.ProxyOptions;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The examples' command line: {@code demo [URL]} and {@code proxy ...}. No arguments print the
 * usage; bad arguments print one {@code error:} line and the usage, and exit with status 2.
 */
public final class Main {
  /** Exit status for success. */
  static final int OK = 0;

  /** Exit status when the command ran and failed (a demo step, a port in use). */
  static final int FAILED = 1;

  /** Exit status for bad arguments. */
  static final int USAGE = 2;

  static final String USAGE_TEXT =
      String.join(
          "\n",
          "usage: java -jar cachet-examples.jar <command> [options]",
          "",
          "commands:",
          "  demo [URL]   show Cachet caching against an embedded origin, step by step;",
          "               with a URL, fetch it twice through the cache instead",
          "  proxy        run the caching reverse proxy (a shared cache) in front of an origin,",
          "               as java -jar proxy/target/cachet-proxy.jar does:",
          ProxyOptions.USAGE,
          "",
          "example: java -jar cachet-examples.jar proxy --listen 127.0.0.1:8080"
              + " --origin http://127.0.0.1:9000");

  private Main() {}

  /** Runs a command and exits with its status. */
  public static void main(String[] args) {
    int status = run(Arrays.asList(args), System.out, System.err);
    if (status != OK || args.length == 0 || !args[0].equals("proxy")) {
      // After Ctrl-C the proxy returns from within JVM shutdown, where System.exit would block.
      System.exit(status);
    }
  }

  /** Runs a command and returns its exit status. */
  static int run(List<String> args, PrintStream out, PrintStream err) {
    if (args.isEmpty()) {
      out.println(USAGE_TEXT);
      return OK;
    }
    String command = args.get(0);
    List<String> rest = args.subList(1, args.size());
    try {
      switch (command) {
        case "demo":
          return demo(rest, out);
        case "proxy":
          return proxy(rest, out, err);
        case "-h":
        case "--help":
        case "help":
          out.println(USAGE_TEXT);
          return OK;
        default:
          throw new IllegalArgumentException("unknown command: " + command);
      }
    } catch (IllegalArgumentException e) {
      err.println("error: " + Errors.describe(e));
      err.println(USAGE_TEXT);
      return USAGE;
    } catch (IOException e) {
      err.println("error: " + Errors.describe(e));
      return FAILED;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      err.println("error: interrupted");
      return FAILED;
    }
  }

  private static int demo(List<String> args, PrintStream out)
      throws IOException, InterruptedException {
    if (args.isEmpty()) {
      return Demo.story(out, Style.detect());
    }
    if (args.size() > 1) {
      throw new IllegalArgumentException("demo takes at most one URL");
    }
    if (args.get(0).equals("-h") || args.get(0).equals("--help")) {
      out.println(USAGE_TEXT);
      return OK;
    }
    return Demo.fetchTwice(parseUrl(args.get(0)), out, Style.detect());
  }

  private static URI parseUrl(String value) {
    try {
      URI uri = new URI(value);
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if ((scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null) {
        return uri;
      }
    } catch (URISyntaxException e) {
      // reported below
    }
    throw new IllegalArgumentException("not an http or https URL: " + value);
  }

  /** The proxy command, as {@code java -jar proxy/target/cachet-proxy.jar} runs it. */
  private static int proxy(List<String> args, PrintStream out, PrintStream err) {
    return ProxyCommand.run(args, out, err, "cachet-examples.jar proxy");
  }

  /**
   * A byte count in the largest binary unit that divides it: {@code 64 MiB}, {@code 1000 bytes}.
   */
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

  /**
   * {@code host:port} as the user writes it, e.g. {@code 127.0.0.1:8080} or {@code [::1]:8080}
   * ({@code InetSocketAddress.toString()} would give {@code /127.0.0.1:8080}).
   */
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
