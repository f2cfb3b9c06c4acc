package dev.cachet.core;

import static java.util.Objects.requireNonNull;

import dev.cachet.core.internal.RequestFacts;
import java.net.URI;

/**
 * An HTTP request as the cache sees it: method, target URI and header fields, no content (RFC 9110
 * §9, RFC 9111 §2).
 *
 * @param method the request method, case-sensitive as RFC 9110 §9.1 says (e.g. {@code GET})
 * @param uri the absolute target URI
 * @param headers the request's header fields
 */
public record Request(String method, URI uri, Headers headers) {
  /**
   * Creates a request.
   *
   * @param method the request method, case-sensitive as RFC 9110 §9.1 says (e.g. {@code GET})
   * @param uri the absolute target URI
   * @param headers the request's header fields
   * @throws NullPointerException if any argument is null
   * @throws IllegalArgumentException if the method is empty or the URI is not absolute
   */
  public Request {
    requireNonNull(method, "method");
    requireNonNull(uri, "uri");
    requireNonNull(headers, "headers");
    if (method.isEmpty()) {
      throw new IllegalArgumentException("empty method");
    }
    if (!uri.isAbsolute()) {
      throw new IllegalArgumentException("the target URI must be absolute: " + uri);
    }
  }

  /**
   * {@return a request with no header fields}
   *
   * @param method the request method
   * @param uri the absolute target URI
   */
  public static Request of(String method, URI uri) {
    return new Request(method, uri, Headers.empty());
  }

  /**
   * {@return a GET request with no header fields}
   *
   * @param uri the absolute target URI
   */
  public static Request get(URI uri) {
    return new Request("GET", uri, Headers.empty());
  }

  /**
   * {@return this request with other header fields}
   *
   * @param headers the new header fields
   */
  public Request withHeaders(Headers headers) {
    return new Request(method, uri, headers);
  }

  /** {@return true for the safe methods GET, HEAD, OPTIONS and TRACE (RFC 9110 §9.2.1)} */
  public boolean isSafe() {
    return switch (method) {
      case "GET", "HEAD", "OPTIONS", "TRACE" -> true;
      default -> false;
    };
  }

  /**
   * What the caching rules need from request header fields; nothing to parse when there are none.
   */
  static RequestFacts factsOf(Headers headers) {
    return headers.isEmpty() ? RequestFacts.NONE : RequestFacts.parse(headers::allValues);
  }

  /** {@return the cache key of this request's target URI (RFC 9111 §2)} */
  public CacheKey key() {
    return CacheKey.of(uri);
  }

  @Override
  public String toString() {
    return method + " " + uri + " " + headers;
  }
}
