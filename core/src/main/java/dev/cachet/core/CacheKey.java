package dev.cachet.core;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.util.Locale;

/**
 * The primary cache key: the target URI, normalised (RFC 9111 §2, RFC 3986 §6.2.2–6.2.3). The
 * request method is not part of the key: each stored pair keeps its request, and the rules match
 * the method against it, so a {@code HEAD} can find a stored {@code GET} (K-02) while a {@code GET}
 * never uses a stored {@code HEAD}.
 *
 * <p>Normalisation lower-cases scheme and host, drops the scheme's default port and the fragment,
 * and gives an empty path as {@code /}. Storages must not use the value as a file or key name
 * directly; they hash it.
 *
 * @param value the normalised URI as a string
 */
public record CacheKey(String value) {
  /** Creates a key from an already normalised value. */
  public CacheKey {
    requireNonNull(value, "value");
  }

  /**
   * The key of an absolute URI.
   *
   * @throws IllegalArgumentException if the URI is not absolute
   */
  public static CacheKey of(URI uri) {
    requireNonNull(uri, "uri");
    if (!uri.isAbsolute()) {
      throw new IllegalArgumentException("URI must be absolute: " + uri);
    }
    String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
    String host = uri.getHost();
    if (host == null) {
      // Opaque or registry-based authority: keep it as given, without the fragment.
      String s = uri.toString();
      int hash = s.indexOf('#');
      return new CacheKey(hash < 0 ? s : s.substring(0, hash));
    }
    StringBuilder sb = new StringBuilder(64);
    sb.append(scheme).append("://");
    if (uri.getRawUserInfo() != null) {
      sb.append(uri.getRawUserInfo()).append('@');
    }
    sb.append(host.toLowerCase(Locale.ROOT));
    int port = uri.getPort();
    boolean defaultPort =
        port == -1
            || (port == 80 && scheme.equals("http"))
            || (port == 443 && scheme.equals("https"));
    if (!defaultPort) {
      sb.append(':').append(port);
    }
    String path = uri.getRawPath();
    sb.append(path == null || path.isEmpty() ? "/" : path);
    if (uri.getRawQuery() != null) {
      sb.append('?').append(uri.getRawQuery());
    }
    return new CacheKey(sb.toString());
  }

  /**
   * The key of a request that is being stored: {@link #of(URI)}, with the URI's own string as its
   * value when that is already normalised, so that a stored pair does not hold the same text twice.
   */
  static CacheKey ofStored(URI uri) {
    CacheKey key = of(uri);
    String given = uri.toString();
    return given.equals(key.value) ? new CacheKey(given) : key;
  }

  /** True when both URIs have the same origin: scheme, host and port (RFC 9110 §4.3.1). */
  static boolean sameOrigin(URI a, URI b) {
    if (a.getScheme() == null || b.getScheme() == null || a.getHost() == null) {
      return false;
    }
    return a.getScheme().equalsIgnoreCase(b.getScheme())
        && a.getHost().equalsIgnoreCase(b.getHost())
        && port(a) == port(b);
  }

  private static int port(URI u) {
    if (u.getPort() != -1) {
      return u.getPort();
    }
    return switch (u.getScheme().toLowerCase(Locale.ROOT)) {
      case "http" -> 80;
      case "https" -> 443;
      default -> -1;
    };
  }

  @Override
  public String toString() {
    return value;
  }
}
