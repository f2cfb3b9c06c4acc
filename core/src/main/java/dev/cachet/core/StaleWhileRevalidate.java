package dev.cachet.core;

import static java.util.Objects.requireNonNull;

/**
 * Terminal: serve a stale response now and revalidate it in the background (RFC 5861 §3, X-02).
 * Both halves travel together so no caller can serve without revalidating: the I/O side returns
 * {@link #serve()} and runs {@link #revalidate()} (one per key at a time).
 *
 * @param options the machine's options
 * @param serve the stale response to return at once
 * @param revalidate the revalidation to carry out behind it
 */
public record StaleWhileRevalidate(
    CacheOptions options, FromCache serve, NeedRevalidation revalidate)
    implements CacheState, IdleClient.Next {

  /**
   * Creates the state.
   *
   * @param options the machine's options
   * @param serve the stale response to return at once
   * @param revalidate the revalidation to carry out behind it
   */
  public StaleWhileRevalidate {
    requireNonNull(options, "options");
    requireNonNull(serve, "serve");
    requireNonNull(revalidate, "revalidate");
  }
}
