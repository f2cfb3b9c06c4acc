package dev.cachet.core;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * Terminal: answer from the cache (RFC 9111 §4). The response carries {@code Age} (R4-02, D-01) and
 * no hop-by-hop fields; when {@link #replayBody()} is true, the body is the stored body of {@link
 * #pair()}.
 *
 * <p>Reached from {@link IdleClient} (a fresh or allowed-stale response, or the 504 of {@code
 * only-if-cached}, R4-08), from {@link NeedToBeUpdated} after a 304, and from {@link
 * NeedRevalidation} when {@code stale-if-error} lets the cache serve stale.
 *
 * @param options the machine's options
 * @param response the response to return
 * @param pair the stored pair whose body to send; empty when the cache generated the response
 * @param replayBody true when the stored body goes with the response (false for HEAD, 304, 504)
 * @param status the {@code Cache-Status} parameters (RFC 9211)
 * @param reason why a stale response was served, why the cache generated the response, or why the
 *     response served after a revalidation was withdrawn from the cache (SEC-01)
 */
public record FromCache(
    CacheOptions options,
    Response response,
    Optional<StoredPair> pair,
    boolean replayBody,
    CacheStatus status,
    Optional<Reason> reason)
    implements CacheState, IdleClient.Next, NeedRevalidation.Next {

  /**
   * Creates the state.
   *
   * @param options the machine's options
   * @param response the response to return
   * @param pair the stored pair whose body to send; empty when the cache generated the response
   * @param replayBody true when the stored body goes with the response (false for HEAD, 304, 504)
   * @param status the {@code Cache-Status} parameters (RFC 9211)
   * @param reason why a stale response was served, why the cache generated the response, or why the
   *     response served after a revalidation was withdrawn from the cache (SEC-01)
   */
  public FromCache {
    requireNonNull(options, "options");
    requireNonNull(response, "response");
    requireNonNull(pair, "pair");
    requireNonNull(status, "status");
    requireNonNull(reason, "reason");
    if (replayBody && pair.isEmpty()) {
      throw new IllegalArgumentException("a body can be replayed only from a stored pair");
    }
  }
}
