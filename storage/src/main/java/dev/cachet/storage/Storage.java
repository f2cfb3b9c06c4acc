package dev.cachet.storage;

import dev.cachet.core.CacheKey;
import dev.cachet.core.StoredPair;
import java.io.Closeable;
import java.io.IOException;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Where a cache keeps its stored pairs and their bodies. The core states decide; a storage carries
 * out what they decide: {@code StoreAndUse} stores a pair and its body ({@link #newWriter}), {@code
 * NeedToBeUpdated} replaces a pair's headers ({@link #update}), {@code InvalidatePairs} removes
 * pairs ({@link #remove}, {@link #removeAll}).
 *
 * <p>Per cache key a storage holds every pair that {@code Vary} may choose between; {@link #find}
 * costs in proportion to the pairs under that key, never a scan of the store. Bodies stream both
 * ways. A pair becomes visible to {@link #find} only when its writer commits, together with its
 * complete body; an aborted write leaves nothing behind.
 *
 * <p>Of a pair's request a storage needs to keep only the method, the URI, the field lines its
 * response's {@code Vary} names (RFC 9111 §4.1) and whether it carried {@code Authorization} (§3.5;
 * {@link FileStorage} keeps that as the field with an empty value); a pair found may have only
 * those, and {@link #openBody} takes either the pair given to {@link #newWriter} or the one found.
 *
 * <p>Implementations are thread-safe. Every failure is reported as an {@link IOException} (usually
 * a {@link StorageException}), never as a half-done state. A storage is done when it passes the
 * contract suite {@code StorageContract} from this module's test-jar.
 */
public interface Storage extends Closeable {

  /**
   * The committed pairs stored under a key, in any order; empty when none.
   *
   * @throws IOException if the storage cannot be read
   */
  List<StoredPair> find(CacheKey key) throws IOException;

  /**
   * Starts storing a pair and its body. Nothing is visible until {@link BodyWriter#commit()}; if a
   * pair with the same id exists, the commit replaces it.
   *
   * @throws IOException if the storage cannot accept the write
   */
  BodyWriter newWriter(StoredPair pair) throws IOException;

  /**
   * Opens the body of a committed pair; empty when the pair is gone (removed, evicted, or replaced
   * since it was found: the stored pair with its id no longer {@linkplain StoredPair#equals equals}
   * it), so the body returned is always the one stored with these headers. The caller closes the
   * returned body.
   *
   * @throws IOException if the body cannot be read
   */
  Optional<StoredBody> openBody(StoredPair pair) throws IOException;

  /**
   * Replaces the request, response and times of a committed pair with the same id and key, keeping
   * its body (RFC 9111 §3.2, §4.3.4). Returns false when the pair is gone.
   *
   * @throws IOException if the update cannot be made; the old pair is then unchanged
   */
  boolean update(StoredPair pair) throws IOException;

  /**
   * Removes these pairs (and their bodies) from under a key; ids that are not stored are ignored.
   *
   * @throws IOException if the removal cannot be made
   */
  void remove(CacheKey key, Collection<UUID> ids) throws IOException;

  /**
   * Removes every pair under a key (RFC 9111 §4.4).
   *
   * @throws IOException if the removal cannot be made
   */
  void removeAll(CacheKey key) throws IOException;

  /**
   * The bytes the stored pairs and bodies take, as counted against the storage's bound.
   *
   * @throws IOException if the storage cannot be read
   */
  long size() throws IOException;

  /**
   * Whether committing a body of this length (-1 when unknown) returns without waiting for I/O, so
   * that a caller may commit on a thread that must not block.
   */
  default boolean commitIsCheap(long length) {
    return false;
  }

  /** How many pairs the storage has evicted to stay within its bound since it was opened. */
  long evictionCount();

  /**
   * Removes everything.
   *
   * @throws IOException if the storage cannot be cleared
   */
  void clear() throws IOException;

  /** Releases the storage's resources; pending writers are aborted. */
  @Override
  void close() throws IOException;
}
