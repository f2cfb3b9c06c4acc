package dev.cachet.core;

import static java.util.Objects.requireNonNull;

/**
 * Terminal: return the response without storing it, and say why (RFC 9111 §3).
 *
 * @param options the machine's options
 * @param response the response to return, without hop-by-hop fields
 * @param status the {@code Cache-Status} parameters (RFC 9211)
 * @param reason why it was not stored, e.g. {@code S3-05 private response in a shared cache}
 */
public record CouldNotBeStored(
    CacheOptions options, Response response, CacheStatus status, Reason reason)
    implements CacheState, CacheMiss.Next, NeedRevalidation.Next, InvalidatePairs.Next {

  /**
   * Creates the state.
   *
   * @param options the machine's options
   * @param response the response to return, without hop-by-hop fields
   * @param status the {@code Cache-Status} parameters (RFC 9211)
   * @param reason why it was not stored, e.g. {@code S3-05 private response in a shared cache}
   */
  public CouldNotBeStored {
    requireNonNull(options, "options");
    requireNonNull(response, "response");
    requireNonNull(status, "status");
    requireNonNull(reason, "reason");
  }
}
