package dev.cachet.core;

import static java.util.Objects.requireNonNull;

import dev.cachet.core.internal.ResponseFacts;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * An HTTP response as the cache sees it: status code and header fields, no content (RFC 9110 §15,
 * §6.3).
 *
 * <p>The fields the caching rules read ({@code Cache-Control}, {@code Date}, {@code Expires},
 * {@code Age}, {@code Last-Modified}, {@code ETag}, {@code Vary}, ...) are parsed once, on first
 * use, and kept with the response, so a stored response is never parsed again on lookup. Equality
 * is by status and headers.
 */
public final class Response {
  private final int status;
  private final Headers headers;
  private volatile @Nullable ResponseFacts facts;

  private Response(int status, Headers headers) {
    this.status = status;
    this.headers = headers;
  }

  /**
   * {@return a response with this status and these header fields}
   *
   * @param status the status code, 100 to 999
   * @param headers the header fields
   * @throws NullPointerException if headers is null
   * @throws IllegalArgumentException if the status is outside 100..999
   */
  public static Response of(int status, Headers headers) {
    requireNonNull(headers, "headers");
    if (status < 100 || status > 999) {
      throw new IllegalArgumentException("status code out of range: " + status);
    }
    return new Response(status, headers);
  }

  /** {@return the status code (RFC 9110 §15)} */
  public int status() {
    return status;
  }

  /** {@return the header fields} */
  public Headers headers() {
    return headers;
  }

  /**
   * {@return the lower-cased field names its {@code Vary} nominates (RFC 9111 §4.1), as core
   * matches them: none for {@code Vary: *} or a {@code Vary} that is not a list of field names
   * (SEC-05), which match no request}
   */
  public List<String> varyNames() {
    ResponseFacts f = facts();
    return f.varyStar() ? List.of() : f.varyNames();
  }

  /**
   * {@return this response with other header fields (its parsed facts are computed afresh)}
   *
   * @param headers the new header fields
   */
  public Response withHeaders(Headers headers) {
    return of(status, headers);
  }

  /**
   * {@return this response with another status code; it shares this response's parsed facts}
   *
   * @param status the new status code, 100 to 999
   */
  public Response withStatus(int status) {
    Response r = of(status, headers);
    r.facts = facts();
    return r;
  }

  /**
   * This response as it stays stored: equal to it, with its strings shared with other stored
   * responses ({@link Headers#shared()}) and its parsed facts, if already computed.
   */
  Response shared() {
    Response r = new Response(status, headers.shared());
    r.facts = facts;
    return r;
  }

  /** The parsed fields, computed on first use and kept. */
  ResponseFacts facts() {
    ResponseFacts f = facts;
    if (f == null) {
      f = ResponseFacts.parse(headers::allValues);
      facts = f;
    }
    return f;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Response r && r.status == status && r.headers.equals(headers);
  }

  @Override
  public int hashCode() {
    return status * 31 + headers.hashCode();
  }

  @Override
  public String toString() {
    return "Response[" + status + " " + headers + "]";
  }
}
