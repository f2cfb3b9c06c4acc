package dev.cachet.core;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * Delete stored pairs, then go on (RFC 9111 §4.3.3, §4.3.5, §4.4). The I/O side removes {@link
 * #pairs()} and every pair under {@link #keys()}, then calls {@link #next()}.
 *
 * <p>Reached from {@link CacheMiss} after a non-error response to an unsafe method (I-01, I-02:
 * {@code keys} holds the target URI and same-origin {@code Location}/{@code Content-Location}), and
 * from {@link NeedRevalidation} when a full response replaces stored ones (V-03) or a HEAD response
 * shows stored GET responses outdated (V-05).
 *
 * <p>Transitions: {@link #next()} → {@link StoreAndUse} | {@link CouldNotBeStored}.
 *
 * @param options the machine's options
 * @param pairs the stored pairs to delete
 * @param keys the cache keys whose pairs to delete entirely
 * @param then the state that follows the deletion
 */
public record InvalidatePairs(
    CacheOptions options, List<StoredPair> pairs, List<CacheKey> keys, Next then)
    implements CacheState, CacheMiss.Next, NeedRevalidation.Next {

  /**
   * What may follow an invalidation, and what any response from the origin leads to when it is
   * stored or not: so it is what may follow a miss and a revalidation too, with no cast.
   */
  public sealed interface Next extends CacheMiss.Next, NeedRevalidation.Next
      permits StoreAndUse, CouldNotBeStored {}

  /**
   * Creates the state.
   *
   * @param options the machine's options
   * @param pairs the stored pairs to delete
   * @param keys the cache keys whose pairs to delete entirely
   * @param then the state that follows the deletion
   */
  public InvalidatePairs {
    requireNonNull(options, "options");
    pairs = List.copyOf(pairs);
    keys = List.copyOf(keys);
    requireNonNull(then, "then");
  }

  /** {@return the state after the pairs are deleted} */
  public Next next() {
    return then;
  }
}
