package dev.cachet.core;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * Write freshened header fields into stored pairs, then answer from the cache (RFC 9111 §3.2,
 * §4.3.4; S3-12, V-02). Core has computed the new fields already: the I/O side replaces each pair
 * in {@link #updated()} (same id, same body) and calls {@link #next()}.
 *
 * <p>A freshened response passes the storage rules again (SEC-01): the pairs in {@link
 * #withdrawn()} may no longer be stored (the 304 made them {@code private} or {@code no-store},
 * say) and must be removed. {@link #next()} may answer from one of them, for the one client that
 * revalidated: the I/O side opens its body first and removes the pairs once it has it.
 *
 * <p>Reached from {@link NeedRevalidation} on a 304, or on a HEAD response that matches the stored
 * GET responses (V-05). Transitions: {@link #next()} → {@link FromCache}.
 *
 * @param options the machine's options
 * @param updated the pairs with freshened headers and new exchange times, as they are stored
 * @param withdrawn the stored pairs to remove, as they were found
 * @param then the answer once they are written
 */
public record NeedToBeUpdated(
    CacheOptions options, List<StoredPair> updated, List<StoredPair> withdrawn, FromCache then)
    implements CacheState, NeedRevalidation.Next {

  /**
   * Creates the state.
   *
   * @param options the machine's options
   * @param updated the pairs with freshened headers and new exchange times, as they are stored
   * @param withdrawn the stored pairs to remove, as they were found
   * @param then the answer once they are written
   */
  public NeedToBeUpdated {
    requireNonNull(options, "options");
    updated = List.copyOf(updated);
    withdrawn = List.copyOf(withdrawn);
    requireNonNull(then, "then");
  }

  /**
   * The state with nothing withdrawn.
   *
   * @param options the machine's options
   * @param updated the pairs to write back with their new header fields and times
   * @param then the answer from the cache once they are written
   */
  public NeedToBeUpdated(CacheOptions options, List<StoredPair> updated, FromCache then) {
    this(options, updated, List.of(), then);
  }

  /** {@return the answer from the cache once the pairs are updated} */
  public FromCache next() {
    return then;
  }
}
