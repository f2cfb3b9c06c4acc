package dev.cachet.examples.proxy;

import static java.util.Objects.requireNonNull;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The reverse proxy's settings, parsed from the command line.
 *
 * @param listen the address to accept clients on
 * @param origin the origin's base URI, {@code http} or {@code https}
 * @param storageDirectory where to keep responses on disk; empty to keep them in memory
 * @param maxBytes the storage's bound in bytes
 */
public record ProxyOptions(
    InetSocketAddress listen, URI origin, Optional<Path> storageDirectory, long maxBytes) {

  /** The listen address when none is given. */
  public static final String DEFAULT_LISTEN = "127.0.0.1:8080";

  /** The storage bound when none is given: 64 MiB. */
  public static final long DEFAULT_MAX_BYTES = 64L * 1024 * 1024;

  /** The options' usage text, one option a line. */
  public static final String USAGE =
      String.join(
          "\n",
          "  --listen HOST:PORT     where to accept clients (default " + DEFAULT_LISTEN + ")",
          "  --origin URL           the origin to forward to, e.g. http://127.0.0.1:9000 (required)",
          "  --storage memory|DIR   keep responses in memory (default) or in directory DIR",
          "  --max-bytes N          the storage's bound in bytes; suffix k, m or g for KiB, MiB,"
              + " GiB (default 64m)");

  /** Checks the options. */
  public ProxyOptions {
    requireNonNull(listen, "listen");
    requireNonNull(origin, "origin");
    requireNonNull(storageDirectory, "storageDirectory");
    if (maxBytes <= 0) {
      throw new IllegalArgumentException("maxBytes must be positive: " + maxBytes);
    }
  }

  /**
   * Parses {@code --name value} or {@code --name=value} arguments.
   *
   * @throws IllegalArgumentException with a one-line message fit for the user, for an unknown,
   *     repeated, missing or invalid option
   */
  public static ProxyOptions parse(List<String> args) {
    String listen = null;
    String origin = null;
    String storage = null;
    String maxBytes = null;
    Set<String> seen = new HashSet<>();
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
      switch (name) {
        case "--listen":
          listen = value;
          break;
        case "--origin":
          origin = value;
          break;
        case "--storage":
          storage = value;
          break;
        case "--max-bytes":
          maxBytes = value;
          break;
        default:
          throw new IllegalArgumentException("unknown option: " + name);
      }
    }
    if (origin == null) {
      throw new IllegalArgumentException("--origin is required");
    }
    return new ProxyOptions(
        parseListen(listen == null ? DEFAULT_LISTEN : listen),
        parseOrigin(origin),
        parseStorage(storage == null ? "memory" : storage),
        maxBytes == null ? DEFAULT_MAX_BYTES : parseSize(maxBytes));
  }

  /** {@code HOST:PORT}, with an IPv6 host in brackets: {@code [::1]:8080}. */
  static InetSocketAddress parseListen(String value) {
    int colon = value.lastIndexOf(':');
    if (colon <= 0 || colon == value.length() - 1) {
      throw new IllegalArgumentException("--listen must be HOST:PORT, got: " + value);
    }
    String host = value.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port;
    try {
      port = Integer.parseInt(value.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--listen port is not a number: " + value);
    }
    if (port < 0 || port > 65535 || host.isEmpty()) {
      throw new IllegalArgumentException("--listen must be HOST:PORT with PORT 0-65535: " + value);
    }
    InetSocketAddress address = new InetSocketAddress(host, port);
    if (address.isUnresolved()) {
      throw new IllegalArgumentException("--listen host is unknown: " + host);
    }
    return address;
  }

  /** An absolute {@code http} or {@code https} URI with a host, no query, fragment or userinfo. */
  static URI parseOrigin(String value) {
    URI uri;
    try {
      uri = new URI(value);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("--origin is not a valid URL: " + value);
    }
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
  static Optional<Path> parseStorage(String value) {
    if (value.equals("memory")) {
      return Optional.empty();
    }
    if (value.isBlank()) {
      throw new IllegalArgumentException("--storage must be memory or a directory");
    }
    try {
      return Optional.of(Path.of(value));
    } catch (InvalidPathException e) {
      throw new IllegalArgumentException("--storage is not a valid path: " + value);
    }
  }

  /** A positive number of bytes, with an optional binary suffix: {@code 512k}, {@code 64m}. */
  static long parseSize(String value) {
    String digits = value;
    long unit = 1;
    char last = value.isEmpty() ? ' ' : Character.toLowerCase(value.charAt(value.length() - 1));
    if (last == 'k' || last == 'm' || last == 'g') {
      unit = last == 'k' ? 1024L : last == 'm' ? 1024L * 1024 : 1024L * 1024 * 1024;
      digits = value.substring(0, value.length() - 1);
    }
    long n = RequestBody.parseLength(digits);
    if (n <= 0) {
      throw new IllegalArgumentException("--max-bytes must be a positive number: " + value);
    }
    try {
      return Math.multiplyExact(n, unit);
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException("--max-bytes is too large: " + value);
    }
  }
}
