package dev.cachet.httpclient.internal;

import dev.cachet.core.Headers;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.BiPredicate;

/** Between {@code java.net.http} header values and core's {@link Headers}. */
final class Conversions {
  static final BiPredicate<String, String> ALL = (name, value) -> true;
  static final String CACHE_STATUS = "Cache-Status";

  private Conversions() {}

  /**
   * Core headers from JDK headers, without HTTP/2 pseudo-header fields ({@code :status}); a line
   * core cannot hold (no JDK client produces one) is dropped rather than failing the exchange.
   */
  static Headers headers(HttpHeaders http) {
    Map<String, List<String>> map = http.map();
    if (map.isEmpty()) {
      return Headers.empty();
    }
    List<Headers.Field> fields = new ArrayList<>(map.size() + 2);
    for (Map.Entry<String, List<String>> e : map.entrySet()) {
      String name = e.getKey();
      if (name.isEmpty() || name.charAt(0) == ':') {
        continue;
      }
      for (String value : e.getValue()) {
        try {
          fields.add(new Headers.Field(name, value));
        } catch (IllegalArgumentException malformed) {
          // Dropped: such a line can neither be stored nor replayed faithfully.
        }
      }
    }
    return Headers.ofFields(fields);
  }

  /**
   * JDK headers from core headers, with this cache's {@code Cache-Status} member appended to any
   * upstream member (RFC 9211 §2: the cache nearest the user comes last).
   */
  static HttpHeaders httpHeaders(Headers headers, String cacheStatus) {
    return httpHeaders(headers, cacheStatus, 0);
  }

  /**
   * As {@link #httpHeaders(Headers, String)}, with a {@code :status} pseudo-header field of this
   * value when it is not 0, as the JDK gives the fields of an HTTP/2 response.
   */
  static HttpHeaders httpHeaders(Headers headers, String cacheStatus, int pseudoStatus) {
    Map<String, List<String>> map = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    if (pseudoStatus != 0) {
      map.put(":status", List.of(Integer.toString(pseudoStatus)));
    }
    for (int i = 0; i < headers.size(); i++) {
      map.computeIfAbsent(headers.name(i), k -> new ArrayList<>(1)).add(headers.value(i));
    }
    return withCacheStatus(map, cacheStatus);
  }

  /**
   * The header fields the wrapped client received, as a plain client gives them (hop-by-hop fields
   * such as {@code Transfer-Encoding} included), with this cache's {@code Cache-Status} member
   * appended to any upstream member.
   */
  static HttpHeaders withCacheStatus(HttpHeaders received, String cacheStatus) {
    Map<String, List<String>> map = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    map.putAll(received.map());
    return withCacheStatus(map, cacheStatus);
  }

  /** The JDK's version as RFC 9110 §2.5 writes it: {@code HTTP/1.1}, {@code HTTP/2}. */
  static String versionName(HttpClient.Version version) {
    return switch (version) {
      case HTTP_1_1 -> "HTTP/1.1";
      case HTTP_2 -> "HTTP/2";
      // A version of a newer JDK, such as HTTP_3.
      default -> "HTTP/" + version.name().substring("HTTP_".length()).replace('_', '.');
    };
  }

  /**
   * The JDK's version for one written as RFC 9110 §2.5 does, or {@code otherwise} when the JDK has
   * none for it or the version is unknown. HTTP/1.0 is reported as {@code HTTP_1_1}, the JDK's
   * nearest (its client reports an HTTP/1.0 response so too).
   */
  static HttpClient.Version jdkVersion(Optional<String> name, HttpClient.Version otherwise) {
    if (name.isEmpty()) {
      return otherwise;
    }
    return switch (name.get()) {
      case "HTTP/1.1", "HTTP/1.0" -> HttpClient.Version.HTTP_1_1;
      case "HTTP/2" -> HttpClient.Version.HTTP_2;
      default -> {
        try {
          yield HttpClient.Version.valueOf(
              "HTTP_" + name.get().substring("HTTP/".length()).replace('.', '_'));
        } catch (IllegalArgumentException | IndexOutOfBoundsException unknown) {
          yield otherwise;
        }
      }
    };
  }

  /** The fields with this cache's {@code Cache-Status} member after any upstream member. */
  private static HttpHeaders withCacheStatus(Map<String, List<String>> map, String cacheStatus) {
    List<String> upstream = map.remove(CACHE_STATUS);
    String value =
        upstream == null || upstream.isEmpty()
            ? cacheStatus
            : String.join(", ", upstream) + ", " + cacheStatus;
    map.put(CACHE_STATUS, List.of(value));
    return HttpHeaders.of(map, ALL);
  }
}
