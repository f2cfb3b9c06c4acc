package dev.cachet.storage;

import java.nio.file.Path;

/**
 * A child process of {@link FileStorageSharedDirectoryTest}: opens a file storage on a directory
 * (recovering it), prints {@code opened}, and closes it.
 */
public final class OpenAndCloseMain {
  private OpenAndCloseMain() {}

  /** Opens and closes the storage in the directory given. */
  public static void main(String[] args) throws Exception {
    try (Storage s = FileStorage.newBuilder(Path.of(args[0])).durable(false).build()) {
      System.out.println("opened " + s.getClass().getSimpleName());
    }
  }
}
