package dev.cachet.storage.internal;

import dev.cachet.storage.StorageException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The marker file that makes a directory a Cachet file storage, and the lock on it. Every open
 * storage holds a shared lock; a storage that can take the lock exclusively knows no other (in any
 * process) has the directory open, so files of writes in progress can only be a crash's leftovers.
 */
final class DirectoryLock implements AutoCloseable {
  private final FileChannel channel;
  private FileLock lock;
  private final boolean alone;

  private DirectoryLock(FileChannel channel, FileLock exclusive) {
    this.channel = channel;
    this.lock = exclusive;
    this.alone = exclusive != null;
  }

  /**
   * Creates the directory and its marker if needed, and takes the lock: exclusively if it can.
   *
   * @throws StorageException if the directory holds files but no marker: it is not ours to clean
   */
  static DirectoryLock acquire(Path root) throws IOException {
    Files.createDirectories(root);
    Path marker = root.resolve(Layout.MARKER);
    if (!Files.exists(marker)) {
      try (DirectoryStream<Path> entries = Files.newDirectoryStream(root)) {
        for (Path p : entries) {
          if (!p.getFileName().toString().equals(Layout.MARKER)) {
            throw new StorageException(
                root + " holds files but is not a Cachet file storage; refusing to use it");
          }
        }
      }
      try {
        Files.write(
            marker,
            ("Cachet file storage, format version " + MetadataCodec.FORMAT_VERSION + "\n")
                .getBytes(StandardCharsets.UTF_8),
            StandardOpenOption.CREATE_NEW,
            StandardOpenOption.WRITE);
      } catch (FileAlreadyExistsException raced) {
        // Another storage created it first.
      }
    }
    FileChannel channel =
        FileChannel.open(marker, StandardOpenOption.READ, StandardOpenOption.WRITE);
    try {
      return new DirectoryLock(channel, tryLock(channel, false));
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  /** True when the lock was taken exclusively: no other storage had the directory open. */
  boolean alone() {
    return alone;
  }

  /**
   * Trades an exclusive lock for a shared one, once recovery is done, so other storages may open
   * the directory too (without cleaning what this one may be writing).
   */
  void share() throws IOException {
    if (lock != null && !lock.isShared()) {
      lock.release();
      lock = null;
    }
    if (lock == null) {
      lock = tryLock(channel, true);
    }
  }

  private static FileLock tryLock(FileChannel channel, boolean shared) throws IOException {
    try {
      return channel.tryLock(0, Long.MAX_VALUE, shared);
    } catch (OverlappingFileLockException sameJvm) {
      // Another storage in this JVM has the directory open.
      return null;
    }
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
