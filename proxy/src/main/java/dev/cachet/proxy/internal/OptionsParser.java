package dev.cachet.proxy.internal;

import static java.util.Objects.requireNonNull;

import dev.cachet.proxy.ProxyOptions;
import dev.cachet.proxy.ProxyOptions.ForwardedStyle;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Reads {@link ProxyOptions} from the command line ({@link ProxyOptions#parse(List)}), and checks
 * the values both the command line and the builder take. Every failure is an {@link
 * IllegalArgumentException} with a one-line message fit for the user, naming the option.
 */
public final class OptionsParser {
  private OptionsParser() {}

  /**
   * Parses {@code --name value} or {@code --name=value} arguments.
   *
   * @param args the arguments, without the program name
   * @return the options they give
   * @throws IllegalArgumentException for an unknown, repeated, missing or invalid option
   */
  public static ProxyOptions parse(List<String> args) {
    String origin = null;
    Set<String> seen = new HashSet<>();
    List<String[]> pairs = new ArrayList<>();
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      String name = arg;
      String value;
      int eq = arg.indexOf('=');
      if (arg.startsWith("--") && eq > 0) {
        name = arg.substring(0, eq);
        value = arg.substring(eq + 1);
      } else if (!arg.startsWith("--")) {
        throw new IllegalArgumentException("unexpected argument: " + arg);
      } else if (i + 1 < args.size()) {
        value = args.get(++i);
      } else {
        throw new IllegalArgumentException(name + " needs a value");
      }
      if (!seen.add(name)) {
        throw new IllegalArgumentException(name + " given twice");
      }
      if (name.equals("--origin")) {
        origin = value;
      } else {
        pairs.add(new String[] {name, value});
      }
    }
    if (origin == null) {
      throw new IllegalArgumentException("--origin is required");
    }
    ProxyOptions.Builder b = ProxyOptions.newBuilder(parseOrigin(origin));
    String cert = null;
    String key = null;
    for (String[] p : pairs) {
      String value = p[1];
      switch (p[0]) {
        case "--listen" -> b.listen(parseListen(value, "--listen"));
        case "--storage" -> parseStorage(value).ifPresent(b::storageDirectory);
        case "--max-bytes" -> b.maxBytes(parseSize(value, "--max-bytes"));
        case "--admin" -> {
          b.admin(
              value.indexOf(':') < 0
                  ? new InetSocketAddress(InetAddress.getLoopbackAddress(), port(value, "--admin"))
                  : parseListen(value, "--admin"));
        }
        case "--forwarded" -> b.forwarded(parseForwarded(value));
        case "--tls-cert" -> cert = value;
        case "--tls-key" -> key = value;
        case "--max-connections" -> {
          long n = parseSize(value, "--max-connections");
          if (n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("--max-connections is too large: " + value);
          }
          b.maxConnections((int) n);
        }
        case "--cache" -> {
          if (!value.equals("on") && !value.equals("off")) {
            throw new IllegalArgumentException("--cache must be on or off: " + value);
          }
          b.cache(value.equals("on"));
        }
        default -> throw new IllegalArgumentException("unknown option: " + p[0]);
      }
    }
    if ((cert == null) != (key == null)) {
      throw new IllegalArgumentException("--tls-cert and --tls-key go together");
    }
    if (cert != null) {
      b.tls(path(cert, "--tls-cert"), path(key, "--tls-key"));
    }
    return b.build();
  }

  private static ForwardedStyle parseForwarded(String value) {
    return switch (value.toLowerCase(Locale.ROOT)) {
      case "x-forwarded" -> ForwardedStyle.X_FORWARDED;
      case "forwarded" -> ForwardedStyle.FORWARDED;
      case "none" -> ForwardedStyle.NONE;
      default ->
          throw new IllegalArgumentException(
              "--forwarded must be x-forwarded, forwarded or none: " + value);
    };
  }

  private static Path path(String value, String option) {
    try {
      return Path.of(value);
    } catch (InvalidPathException e) {
      throw new IllegalArgumentException(option + " is not a valid path: " + value);
    }
  }

  private static int port(String value, String option) {
    try {
      int port = Integer.parseInt(value);
      if (port >= 0 && port <= 65535) {
        return port;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(option + " port must be 0-65535: " + value);
  }

  /**
   * Reads {@code HOST:PORT}, with an IPv6 host in brackets: {@code [::1]:8080}.
   *
   * @param value the address as given
   * @param option the option's name, for the message
   * @return the resolved address
   * @throws IllegalArgumentException if the value is not such an address, or the host is unknown
   */
  public static InetSocketAddress parseListen(String value, String option) {
    int colon = value.lastIndexOf(':');
    if (colon <= 0 || colon == value.length() - 1) {
      throw new IllegalArgumentException(option + " must be HOST:PORT, got: " + value);
    }
    String host = value.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port;
    try {
      port = Integer.parseInt(value.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(option + " port is not a number: " + value);
    }
    if (port < 0 || port > 65535 || host.isEmpty()) {
      throw new IllegalArgumentException(option + " must be HOST:PORT with PORT 0-65535: " + value);
    }
    InetSocketAddress address = new InetSocketAddress(host, port);
    if (address.isUnresolved()) {
      throw new IllegalArgumentException(option + " host is unknown: " + host);
    }
    return address;
  }

  /**
   * Reads the origin: an absolute {@code http} or {@code https} URI with a host, no query, fragment
   * or userinfo.
   *
   * @param value the origin as given
   * @return the origin
   * @throws IllegalArgumentException if the value is not such a URI
   */
  public static URI parseOrigin(String value) {
    URI uri;
    try {
      uri = new URI(value);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("--origin is not a valid URL: " + value);
    }
    return checkOrigin(uri, value);
  }

  /**
   * Checks an origin as {@link #parseOrigin} does.
   *
   * @param uri the origin
   * @param value the origin as the user gave it, for the message
   * @return the origin
   * @throws IllegalArgumentException if the origin is not such a URI
   */
  public static URI checkOrigin(URI uri, String value) {
    requireNonNull(uri, "origin");
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new IllegalArgumentException("--origin must be an http or https URL: " + value);
    }
    if (uri.getHost() == null) {
      throw new IllegalArgumentException("--origin has no host: " + value);
    }
    if (uri.getRawQuery() != null || uri.getRawFragment() != null || uri.getUserInfo() != null) {
      throw new IllegalArgumentException(
          "--origin must not have a query, fragment or user info: " + value);
    }
    return uri;
  }

  /** {@code memory}, or a directory. */
  private static Optional<Path> parseStorage(String value) {
    if (value.equals("memory")) {
      return Optional.empty();
    }
    if (value.isBlank()) {
      throw new IllegalArgumentException("--storage must be memory or a directory");
    }
    return Optional.of(path(value, "--storage"));
  }

  /**
   * Reads a positive number, with an optional binary suffix: {@code 512k}, {@code 64m}.
   *
   * @param value the number as given
   * @param option the option's name, for the message
   * @return the number, times its suffix
   * @throws IllegalArgumentException if the value is not such a number, or too large
   */
  public static long parseSize(String value, String option) {
    String digits = value;
    long unit = 1;
    char last = value.isEmpty() ? ' ' : Character.toLowerCase(value.charAt(value.length() - 1));
    if (last == 'k' || last == 'm' || last == 'g') {
      unit = last == 'k' ? 1024L : last == 'm' ? 1024L * 1024 : 1024L * 1024 * 1024;
      digits = value.substring(0, value.length() - 1);
    }
    long n = -1;
    if (!digits.isEmpty()
        && digits.length() <= 18
        && digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
      n = Long.parseLong(digits);
    }
    if (n <= 0) {
      throw new IllegalArgumentException(option + " must be a positive number: " + value);
    }
    try {
      return Math.multiplyExact(n, unit);
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException(option + " is too large: " + value);
    }
  }
}
