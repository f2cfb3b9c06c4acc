package dev.cachet.core;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * Write freshened header fields into stored pairs, then answer from the cache (RFC 9111 §3.2,
 * §4.3.4; S3-12, V-02). Core has computed the new fields already: the I/O side replaces each pair
 * in {@link #updated()} (same id, same body) and calls {@link #next()}.
 *
 * <p>Reached from {@link NeedRevalidation} on a 304, or on a HEAD response that matches the stored
 * GET responses (V-05). Transitions: {@link #next()} → {@link FromCache}.
 *
 * @param options the machine's options
 * @param updated the pairs with freshened headers and new exchange times
 * @param then the answer once they are written
 */
public record NeedToBeUpdated(CacheOptions options, List<StoredPair> updated, FromCache then)
    implements CacheState, NeedRevalidation.Next {

  /** Creates the state. */
  public NeedToBeUpdated {
    requireNonNull(options, "options");
    updated = List.copyOf(updated);
    requireNonNull(then, "then");
  }

  /** The answer from the cache once the pairs are updated. */
  public FromCache next() {
    return then;
  }
}
