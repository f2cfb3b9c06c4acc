package dev.cachet.httpclient;

import dev.cachet.storage.FileStorage;
import dev.cachet.storage.MemoryStorage;
import dev.cachet.storage.Storage;
import java.io.IOException;
import java.nio.file.Path;

/** The storages the integration tests run against. */
final class Storages {
  enum Kind {
    MEMORY,
    FILE
  }

  private Storages() {}

  static Storage create(Kind kind, Path dir) throws IOException {
    return switch (kind) {
      case MEMORY -> MemoryStorage.newBuilder().maximumBytes(32L << 20).build();
      case FILE -> FileStorage.newBuilder(dir.resolve("cache")).build();
    };
  }
}
