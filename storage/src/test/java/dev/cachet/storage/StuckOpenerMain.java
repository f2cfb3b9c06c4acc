package dev.cachet.storage;

import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A child process of {@link FileStorageSharedDirectoryTest}: behaves like a storage that stopped
 * while opening a directory (a process frozen or stuck in recovery) by taking the marker's
 * "opening" lock, exactly as opening does, and never going on. Prints {@code holding}, then holds
 * the lock until its standard input is closed.
 *
 * <p>Arguments: the directory, which must already be a file storage.
 */
public final class StuckOpenerMain {
  private StuckOpenerMain() {}

  /** Holds the opening lock until standard input closes. */
  public static void main(String[] args) throws Exception {
    Path marker = Path.of(args[0]).resolve(".cachet-storage");
    try (FileChannel ch =
            FileChannel.open(marker, StandardOpenOption.READ, StandardOpenOption.WRITE);
        FileLock opening = ch.lock(0, 1, false)) {
      System.out.println(opening.isValid() ? "holding" : "lost the lock");
      System.out.flush();
      while (System.in.read() >= 0) {
        // Wait for the parent to close our input.
      }
    }
  }
}
