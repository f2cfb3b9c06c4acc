package dev.cachet.core;

import static java.util.Objects.requireNonNull;

/**
 * Terminal: store the pair (its body is the response's body, stored under {@link StoredPair#id()})
 * and return the response (RFC 9111 §3). The I/O side must commit the body only when it is complete
 * (S3-10): {@code Content-Length}, when present, gives the length to expect.
 *
 * @param options the machine's options
 * @param pair the pair to store, its response without hop-by-hop fields (S3-08, S3-09)
 * @param response the response to return to the caller, without hop-by-hop fields
 * @param status the {@code Cache-Status} parameters (RFC 9211)
 */
public record StoreAndUse(
    CacheOptions options, StoredPair pair, Response response, CacheStatus status)
    implements CacheState, CacheMiss.Next, NeedRevalidation.Next, InvalidatePairs.Next {

  /**
   * Creates the state.
   *
   * @param options the machine's options
   * @param pair the pair to store, its response without hop-by-hop fields (S3-08, S3-09)
   * @param response the response to return to the caller, without hop-by-hop fields
   * @param status the {@code Cache-Status} parameters (RFC 9211)
   */
  public StoreAndUse {
    requireNonNull(options, "options");
    requireNonNull(pair, "pair");
    requireNonNull(response, "response");
    requireNonNull(status, "status");
  }
}
