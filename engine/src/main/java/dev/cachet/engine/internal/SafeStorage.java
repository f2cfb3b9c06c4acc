package dev.cachet.engine.internal;

import dev.cachet.core.CacheKey;
import dev.cachet.core.CacheOptions;
import dev.cachet.core.ContentRange;
import dev.cachet.core.InvalidatePairs;
import dev.cachet.core.PartialEntry;
import dev.cachet.core.Request;
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
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

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
  // SEC-01: pairs a freshening withdrew, removed once the body being read from them is closed;
  // until then no look-up of this engine finds them.
  private final Set<UUID> withdrawing = ConcurrentHashMap.newKeySet();

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
      List<StoredPair> found = storage.find(key);
      if (withdrawing.isEmpty()) {
        return found;
      }
      List<StoredPair> kept = new ArrayList<>(found);
      kept.removeIf(p -> withdrawing.contains(p.id()));
      return kept;
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

  /** Bytes {@code offset} to {@code offset + length} of the pair's body; empty when unavailable. */
  Optional<StoredBody> openBody(StoredPair pair, ContentRange slice, URI uri) {
    try {
      return storage.openBody(pair, slice.offset(), slice.length());
    } catch (IOException | RuntimeException e) {
      failures.storageError(uri, e);
      return Optional.empty();
    }
  }

  /** Whether the storage keeps partial entries (RFC 9111 §3.3); false when it cannot say. */
  boolean keepsPartialEntries() {
    try {
      return storage.keepsPartialEntries();
    } catch (RuntimeException e) {
      return false;
    }
  }

  /** The partial entries under a key; none when the storage fails. */
  List<PartialEntry> findPartial(CacheKey key, URI uri) {
    try {
      return storage.findPartial(key);
    } catch (IOException | RuntimeException e) {
      failures.storageError(uri, e);
      return List.of();
    }
  }

  /** A writer for one part of a partial entry; empty when the storage cannot take it. */
  Optional<BodyWriter> newPartWriter(StoredPair pair, ContentRange part, URI uri) {
    try {
      return Optional.of(storage.newPartWriter(pair, part));
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

  /**
   * Carries out an invalidation before the response it came with: the keys an unsafe method
   * invalidates (I-01) go now, and so do the replaced pairs unless a new response is being stored,
   * which replaces them once it is (V-03). Returns what goes on settling, if anything.
   */
  @Nullable InvalidatePairs invalidateBefore(
      InvalidatePairs invalidate, boolean storing, CacheOptions options, URI uri) {
    if (!storing) {
      invalidate(invalidate, uri);
      return null;
    }
    // V-03: until the new response is stored (or fails to be) the stored ones are still what the
    // cache holds, e.g. for stale-while-revalidate. The keys an unsafe method invalidates go now:
    // the response being stored (O-04, a POST kept for GETs) lives under one of them.
    if (!invalidate.keys().isEmpty()) {
      invalidate(
          new InvalidatePairs(options, List.of(), invalidate.keys(), invalidate.next()), uri);
    }
    return new InvalidatePairs(options, invalidate.pairs(), List.of(), invalidate.next());
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

  /**
   * SEC-01: hides these pairs from every look-up until {@link #remove} removes them (once the body
   * a client reads from one of them is closed, so that a streamed body is not cut off).
   */
  void withdraw(List<StoredPair> pairs) {
    for (StoredPair p : pairs) {
      withdrawing.add(p.id());
    }
  }

  /** The partial entries a request may use: a GET with {@code Range}, where parts are kept. */
  List<PartialEntry> partialsFor(Request request, CacheOptions options) {
    return options.partialContent() && request.headers().contains("Range") && keepsPartialEntries()
        ? findPartial(request.key(), request.uri())
        : List.of();
  }

  /** Removes the pairs, key by key. */
  void remove(List<StoredPair> pairs, URI uri) {
    if (pairs.isEmpty()) {
      return;
    }
    try {
      removeNow(pairs, uri);
    } finally {
      if (!withdrawing.isEmpty()) {
        for (StoredPair p : pairs) {
          withdrawing.remove(p.id());
        }
      }
    }
  }

  private void removeNow(List<StoredPair> pairs, URI uri) {
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
