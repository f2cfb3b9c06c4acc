package dev.cachet.examples;

import dev.cachet.storage.FileStorage;
import dev.cachet.storage.MemoryStorage;
import dev.cachet.storage.Storage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** The storages the examples use: in memory, or in a directory. */
public final class Storages {
  private Storages() {}

  /**
   * A {@link FileStorage} in this directory (created if missing) when one is given, else a {@link
   * MemoryStorage}, bounded to {@code maxBytes}.
   *
   * @throws IOException if the directory cannot be created or opened
   */
  public static Storage of(Optional<Path> directory, long maxBytes) throws IOException {
    if (directory.isEmpty()) {
      return MemoryStorage.newBuilder().maximumBytes(maxBytes).build();
    }
    Path dir = directory.get();
    if (Files.exists(dir) && !Files.isDirectory(dir)) {
      throw new IOException("cannot keep the cache in " + dir + ": not a directory");
    }
    try {
      Files.createDirectories(dir);
      return FileStorage.newBuilder(dir).maximumBytes(maxBytes).build();
    } catch (IOException e) {
      throw Errors.because("cannot keep the cache in " + dir, e, dir);
    }
  }

  /**
   * A {@link FileStorage} in a temporary directory for the demo. It is deleted afterwards, so it
   * skips forcing each write to the disk, which only matters for surviving a power cut.
   *
   * @throws IOException if the directory cannot be opened
   */
  public static Storage temporary(Path directory, long maxBytes) throws IOException {
    return FileStorage.newBuilder(directory).maximumBytes(maxBytes).durable(false).build();
  }
}
