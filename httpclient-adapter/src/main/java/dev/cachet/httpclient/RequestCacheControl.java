package dev.cachet.httpclient;

import static java.util.Objects.requireNonNull;

import dev.cachet.core.CacheControl;
import java.net.http.HttpRequest;

/**
 * Puts a typed {@link CacheControl} on a JDK request as its {@code Cache-Control} field (RFC 9111
 * §5.2.1): the JDK's {@link HttpRequest} has no tags, and the field is what the cache reads.
 *
 * <pre>{@code
 * HttpRequest offline = RequestCacheControl.with(request, CacheControl.FORCE_CACHE);
 * HttpRequest reload =
 *     RequestCacheControl.set(HttpRequest.newBuilder(uri), CacheControl.FORCE_NETWORK).build();
 * }</pre>
 */
public final class RequestCacheControl {
  private RequestCacheControl() {}

  /**
   * Sets the builder's {@code Cache-Control} field to these directives, replacing one set before;
   * an empty {@code CacheControl} leaves the builder as it is.
   *
   * @return the builder
   */
  public static HttpRequest.Builder set(HttpRequest.Builder builder, CacheControl cacheControl) {
    requireNonNull(builder, "builder");
    requireNonNull(cacheControl, "cacheControl");
    if (!cacheControl.isEmpty()) {
      builder.setHeader(CacheControl.FIELD_NAME, cacheControl.toHeaderValue());
    }
    return builder;
  }

  /**
   * A copy of the request with these directives as its only {@code Cache-Control} field (none when
   * {@code cacheControl} is empty).
   */
  public static HttpRequest with(HttpRequest request, CacheControl cacheControl) {
    requireNonNull(request, "request");
    requireNonNull(cacheControl, "cacheControl");
    HttpRequest.Builder b =
        HttpRequest.newBuilder(request, (name, value) -> !name.equalsIgnoreCase("Cache-Control"));
    return set(b, cacheControl).build();
  }

  /** The request's {@code Cache-Control} directives, read as the cache reads them. */
  public static CacheControl of(HttpRequest request) {
    requireNonNull(request, "request");
    return CacheControl.parse(request.headers().allValues(CacheControl.FIELD_NAME));
  }
}
