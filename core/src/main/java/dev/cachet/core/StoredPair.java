package dev.cachet.core;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.UUID;

/**
 * A stored request and response, as a cache keeps them (RFC 9111 §3), with the times the age
 * calculation needs (§4.2.3). The body is not part of the pair; storage holds it under {@link
 * #id()}.
 *
 * @param id the pair's identity, given by the caller when the pair is created
 * @param key the cache key it is stored under
 * @param request the request that produced it (its header fields drive {@code Vary}, §4.1)
 * @param response the stored response, without hop-by-hop fields (§3.1)
 * @param requestTime when the request that produced the response was sent ({@code request_time})
 * @param responseTime when the response was received ({@code response_time})
 */
public record StoredPair(
    UUID id,
    CacheKey key,
    Request request,
    Response response,
    Instant requestTime,
    Instant responseTime) {

  /**
   * Creates a pair.
   *
   * @throws NullPointerException if any argument is null
   */
  public StoredPair {
    requireNonNull(id, "id");
    requireNonNull(key, "key");
    requireNonNull(request, "request");
    requireNonNull(response, "response");
    requireNonNull(requestTime, "requestTime");
    requireNonNull(responseTime, "responseTime");
  }

  /** This pair with another response and exchange times, as after a freshening 304 (§4.3.4). */
  public StoredPair withResponse(Response response, Instant requestTime, Instant responseTime) {
    return new StoredPair(id, key, request, response, requestTime, responseTime);
  }
}
