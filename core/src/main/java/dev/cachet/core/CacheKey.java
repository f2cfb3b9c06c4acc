package dev.cachet.core;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

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
  /**
   * Creates a key from an already normalised value.
   *
   * @param value the normalised URI as a string
   */
  public CacheKey {
    requireNonNull(value, "value");
  }

  /**
   * {@return the key of an absolute URI}
   *
   * @param uri an absolute URI
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
    int port = uri.getPort();
    boolean defaultPort =
        port == -1
            || (port == 80 && scheme.equals("http"))
            || (port == 443 && scheme.equals("https"));
    String already = alreadyNormal(uri, scheme, host, port, defaultPort);
    if (already != null) {
      return new CacheKey(already);
    }
    StringBuilder sb = new StringBuilder(64);
    sb.append(scheme).append("://");
    if (uri.getRawUserInfo() != null) {
      sb.append(uri.getRawUserInfo()).append('@');
    }
    sb.append(host.toLowerCase(Locale.ROOT));
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
   * The URI's own string when it is already the normal form, so that most keys cost no new string:
   * lower-case scheme and host as given, a port only when not the default, a non-empty path, no
   * fragment, and nothing else (the length of the parts adds up to the whole string, so there is no
   * empty port or stray character).
   */
  private static @Nullable String alreadyNormal(
      URI uri, String scheme, String host, int port, boolean defaultPort) {
    if (port != -1 && defaultPort) {
      return null;
    }
    String path = uri.getRawPath();
    if (path == null
        || path.isEmpty()
        || uri.getRawFragment() != null
        || !uri.getScheme().equals(scheme)
        || !isLowerCase(host)) {
      return null;
    }
    String s = uri.toString();
    String userInfo = uri.getRawUserInfo();
    String query = uri.getRawQuery();
    int length =
        scheme.length()
            + 3
            + (userInfo == null ? 0 : userInfo.length() + 1)
            + host.length()
            + (port == -1 ? 0 : 1 + digits(port))
            + path.length()
            + (query == null ? 0 : query.length() + 1);
    return s.length() == length && s.startsWith("://", scheme.length()) ? s : null;
  }

  private static int digits(int n) {
    int d = 1;
    while (n >= 10) {
      n /= 10;
      d++;
    }
    return d;
  }

  private static boolean isLowerCase(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if ((c >= 'A' && c <= 'Z') || c > 0x7f) {
        return false;
      }
    }
    return true;
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
