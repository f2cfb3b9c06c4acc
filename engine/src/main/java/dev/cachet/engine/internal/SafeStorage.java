package dev.cachet.engine.internal;

import dev.cachet.core.CacheKey;
import dev.cachet.core.InvalidatePairs;
import dev.cachet.core.StoredPair;
import dev.cachet.storage.BodyWriter;
import dev.cachet.storage.Storage;
import dev.cachet.storage.StoredBody;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The storage as the engine uses it: a call that fails is reported (with the request's URI) and
 * answered as if the storage held nothing or took nothing, so a storage failure never fails a
 * request (RFC 9111 leaves every storage decision to the cache: not storing is always allowed).
 */
final class SafeStorage {
  /** Where failures go. */
  interface Failures {
    void storageError(URI uri, Throwable error);
  }

  private final Storage storage;
  private final Failures failures;

  SafeStorage(Storage storage, Failures failures) {
    this.storage = storage;
    this.failures = failures;
  }

  Storage storage() {
    return storage;
  }

  /** The pairs under a key; none when the storage fails. */
  List<StoredPair> find(CacheKey key, URI uri) {
    try {
      return storage.find(key);
    } catch (IOException | RuntimeException e) {
      failures.storageError(uri, e);
      return List.of();
    }
  }

  /** The pair's body; empty when it is gone or cannot be opened. */
  Optional<StoredBody> openBody(StoredPair pair, URI uri) {
    try {
      return storage.openBody(pair);
    } catch (IOException | RuntimeException e) {
      failures.storageError(uri, e);
      return Optional.empty();
    }
  }

  /** A writer for the pair; empty when the storage cannot take it. */
  Optional<BodyWriter> newWriter(StoredPair pair, URI uri) {
    try {
      return Optional.of(storage.newWriter(pair));
    } catch (IOException | RuntimeException e) {
      failures.storageError(uri, e);
      return Optional.empty();
    }
  }

  /** Whether committing a body of this length (-1 when unknown) returns without waiting for I/O. */
  boolean commitIsCheap(long length) {
    try {
      return storage.commitIsCheap(length);
    } catch (RuntimeException e) {
      return false;
    }
  }

  void update(List<StoredPair> pairs, URI uri) {
    for (StoredPair p : pairs) {
      try {
        storage.update(p);
      } catch (IOException | RuntimeException e) {
        failures.storageError(uri, e);
      }
    }
  }

  /** Removes the pairs and keys an invalidation names (RFC 9111 §4.4). */
  void invalidate(InvalidatePairs invalidate, URI uri) {
    remove(invalidate.pairs(), uri);
    for (CacheKey key : invalidate.keys()) {
      removeAll(key, uri);
    }
  }

  /** Removes every pair under a key; false when the storage failed. */
  boolean removeAll(CacheKey key, URI uri) {
    try {
      storage.removeAll(key);
      return true;
    } catch (IOException | RuntimeException e) {
      failures.storageError(uri, e);
      return false;
    }
  }

  /** Removes the pairs, key by key. */
  void remove(List<StoredPair> pairs, URI uri) {
    if (pairs.isEmpty()) {
      return;
    }
    Map<CacheKey, List<UUID>> byKey = new LinkedHashMap<>();
    for (StoredPair p : pairs) {
      byKey.computeIfAbsent(p.key(), k -> new ArrayList<>()).add(p.id());
    }
    for (Map.Entry<CacheKey, List<UUID>> e : byKey.entrySet()) {
      try {
        storage.remove(e.getKey(), e.getValue());
      } catch (IOException | RuntimeException ex) {
        failures.storageError(uri, ex);
      }
    }
  }

  /**
   * SEC-06: after {@code written} was stored under a key that was at its bound of variants, removes
   * the variants stored or freshened least recently (by response time) until the key holds at most
   * {@code max}; never {@code written} itself.
   */
  void boundVariants(StoredPair written, int max, URI uri) {
    List<StoredPair> pairs = find(written.key(), uri);
    if (pairs.size() <= max) {
      return;
    }
    List<StoredPair> oldestFirst = new ArrayList<>(pairs);
    oldestFirst.removeIf(p -> p.id().equals(written.id()));
    oldestFirst.sort(Comparator.comparing(StoredPair::responseTime));
    remove(oldestFirst.subList(0, Math.min(oldestFirst.size(), pairs.size() - max)), uri);
  }

  /** How many pairs the storage evicted; 0 when it cannot say. */
  long evictionCount() {
    try {
      return storage.evictionCount();
    } catch (RuntimeException e) {
      return 0;
    }
  }
}
