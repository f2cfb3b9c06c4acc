package dev.cachet.httpclient;

import dev.cachet.storage.MemoryStorage;
import dev.cachet.storage.Storage;

/**
 * The storage of a client built without one: a memory store sized to the heap, as a service's own
 * caches usually are. It holds a sixteenth of the maximum heap, at least 32 MiB and at most 256 MiB
 * (64 MiB in a 1 GiB heap), and stores a response of up to 16 MiB, headers included, so that the
 * large JSON documents and files a service fetches are cached too; a larger one streams through
 * uncached.
 */
final class DefaultStorage {
  static final long MINIMUM_BYTES = 32L << 20;
  static final long MAXIMUM_BYTES = 256L << 20;
  static final long MAXIMUM_ENTRY_BYTES = 16L << 20;

  private DefaultStorage() {}

  static Storage create() {
    return MemoryStorage.newBuilder()
        .maximumBytes(maximumBytes(Runtime.getRuntime().maxMemory()))
        .maximumEntryBytes(MAXIMUM_ENTRY_BYTES)
        .build();
  }

  /** The bound for a heap of this many bytes ({@code Long.MAX_VALUE} when unbounded). */
  static long maximumBytes(long maximumHeap) {
    return Math.max(MINIMUM_BYTES, Math.min(MAXIMUM_BYTES, maximumHeap / 16));
  }
}
