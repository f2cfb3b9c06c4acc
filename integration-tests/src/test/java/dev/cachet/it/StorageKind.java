package dev.cachet.it;

import dev.cachet.storage.FileStorage;
import dev.cachet.storage.MemoryStorage;
import dev.cachet.storage.Storage;
import java.io.IOException;
import java.nio.file.Path;

/** The storages each framework is tested with. */
enum StorageKind {
  MEMORY {
    @Override
    Storage open(Path dir) {
      return MemoryStorage.newBuilder().maximumBytes(64L << 20).build();
    }
  },
  FILE {
    @Override
    Storage open(Path dir) throws IOException {
      return FileStorage.newBuilder(dir.resolve("cache")).maximumBytes(64L << 20).build();
    }
  };

  /** A new, empty storage; file storages live under {@code dir}. */
  abstract Storage open(Path dir) throws IOException;
}
