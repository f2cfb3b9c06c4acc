package dev.cachet.examples;

import dev.cachet.storage.MemoryStorage;
import dev.cachet.storage.Storage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/** The storages the examples use: in memory, or in a directory. */
public final class Storages {
  private Storages() {}

  /**
   * A storage in this directory when one is given, else in memory, bounded to {@code maxBytes}.
   *
   * @throws IOException if the directory cannot be used
   */
  public static Storage of(Optional<Path> directory, long maxBytes) throws IOException {
    if (directory.isEmpty()) {
      return MemoryStorage.newBuilder().maximumBytes(maxBytes).build();
    }
    // TODO(examples): FileStorage once it is merged into main.
    throw new IOException("directory storage is not available yet: " + directory.get());
  }
}
