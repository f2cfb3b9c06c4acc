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
 * <p>P-01, P-02: with {@link CacheOptions#partialContent()}, a {@code GET} with {@code Range}
 * answered from a stored complete {@code 200} or from a partial entry gets a {@code 206} whose
 * {@link #slice()} says which bytes of the stored body to send (the response already carries that
 * {@code Content-Range} and {@code Content-Length}), or a {@code 416} without body.
 *
 * @param options the machine's options
 * @param response the response to return
 * @param pair the stored pair whose body to send; empty when the cache generated the response
 * @param replayBody true when the stored body goes with the response (false for HEAD, 304, 504)
 * @param status the {@code Cache-Status} parameters (RFC 9211)
 * @param reason why a stale response was served, why the cache generated the response, or why the
 *     response served after a revalidation was withdrawn from the cache (SEC-01)
 * @param slice the bytes of the stored body to send, when only a range of it goes with the response
 *     (a {@code 206}); empty when the whole body goes, or none
 */
public record FromCache(
    CacheOptions options,
    Response response,
    Optional<StoredPair> pair,
    boolean replayBody,
    CacheStatus status,
    Optional<Reason> reason,
    Optional<ContentRange> slice)
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
   * @param slice the bytes of the stored body to send when only a range of it goes (a {@code 206})
   * @throws IllegalArgumentException if a body is to be replayed without a pair, or a slice sent
   *     without a body
   */
  public FromCache {
    requireNonNull(options, "options");
    requireNonNull(response, "response");
    requireNonNull(pair, "pair");
    requireNonNull(status, "status");
    requireNonNull(reason, "reason");
    requireNonNull(slice, "slice");
    if (replayBody && pair.isEmpty()) {
      throw new IllegalArgumentException("a body can be replayed only from a stored pair");
    }
    if (slice.isPresent() && !replayBody) {
      throw new IllegalArgumentException("a slice is sent only with a replayed body");
    }
  }

  /**
   * Creates the state for a response whose whole stored body (or none) goes with it.
   *
   * @param options the machine's options
   * @param response the response to return
   * @param pair the stored pair whose body to send; empty when the cache generated the response
   * @param replayBody true when the stored body goes with the response
   * @param status the {@code Cache-Status} parameters (RFC 9211)
   * @param reason why a stale response was served, or why the cache generated the response
   */
  public FromCache(
      CacheOptions options,
      Response response,
      Optional<StoredPair> pair,
      boolean replayBody,
      CacheStatus status,
      Optional<Reason> reason) {
    this(options, response, pair, replayBody, status, reason, Optional.empty());
  }
}
