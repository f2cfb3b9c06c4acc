package dev.cachet.httpclient;

import dev.cachet.storage.MemoryStorage;
import dev.cachet.storage.Storage;

/** The storage of a client built without one: a memory store bounded to 64 MiB of bodies. */
final class DefaultStorage {
  static final long MAXIMUM_BYTES = 64L << 20;

  private DefaultStorage() {}

  static Storage create() {
    return MemoryStorage.newBuilder().maximumBytes(MAXIMUM_BYTES).build();
  }
}
