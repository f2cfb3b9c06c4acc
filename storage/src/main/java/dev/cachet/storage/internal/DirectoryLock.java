package dev.cachet.storage.internal;

import static java.util.Objects.requireNonNull;

import dev.cachet.storage.StorageException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * The marker file that makes a directory a Cachet file storage, and the locks on it. Every process
 * with the directory open holds a shared lock on the marker's "open" region; a storage that can
 * lock that region exclusively knows no other (in any process) has the directory open, so files of
 * writes in progress can only be a crash's leftovers.
 *
 * <p>File locks belong to the process, and on POSIX systems closing any channel of a file drops
 * every lock the process holds on it. So the storages of one JVM on one directory share a single
 * channel and lock, counted, and closed with the last of them. Opening is serialised, within the
 * JVM by a Java lock and across processes by an exclusive lock on the marker's "opening" region,
 * held until recovery is done: no storage opens, and starts writing, while another one recovers the
 * directory believing it is alone, and trading the exclusive lock for a shared one leaves no gap.
 * Waiting for another storage that is opening the directory is bounded: one that stops while it
 * opens (a frozen process, a recovery stuck on the disk) makes the next opening fail with a {@link
 * StorageException}, never hang.
 */
final class DirectoryLock implements AutoCloseable {
  private static final long OPENING = 0;
  private static final long OPEN = 1;
  private static final long LONGEST_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
  private static final Map<Path, Shared> SHARED = new HashMap<>();

  /** The one channel, and shared lock, of this JVM on one marker file. */
  private static final class Shared {
    final ReentrantLock opening = new ReentrantLock();
    @Nullable FileChannel channel;
    @Nullable FileLock openLock;
    int users;
  }

  private final Path marker;
  private final Shared shared;
  private final boolean alone;
  private @Nullable FileLock openingLock;
  private boolean registered;
  private boolean closed;

  private DirectoryLock(Path marker, Shared shared, boolean alone, @Nullable FileLock openingLock) {
    this.marker = marker;
    this.shared = shared;
    this.alone = alone;
    this.openingLock = openingLock;
  }

  /**
   * Creates the directory ({@code 0700}) and its marker if needed, and takes the lock: exclusively
   * if it can. Until {@link #share()}, no other storage can open the directory.
   *
   * @param modes the permissions of new files and directories, and the check of the root
   * @param timeout how long to wait for another storage, in this JVM or another process, that is
   *     opening the directory
   * @throws StorageException if the directory holds files but no marker: it is not ours to clean;
   *     or it is owned by another user or writable by group or others; or if another storage is
   *     still opening it after {@code timeout}
   * @throws InterruptedIOException if interrupted while waiting
   */
  static DirectoryLock acquire(Path root, OwnerOnly modes, Duration timeout) throws IOException {
    long start = System.nanoTime();
    long budget = saturatedNanos(timeout);
    modes.createDirectories(root);
    Path real = root.toRealPath();
    modes.checkRoot(real);
    Path marker = real.resolve(Layout.MARKER);
    if (!Files.exists(marker, LinkOption.NOFOLLOW_LINKS)) {
      createMarker(real, marker, modes);
    }
    Shared s;
    while (true) {
      synchronized (SHARED) {
        s = SHARED.computeIfAbsent(marker, m -> new Shared());
      }
      boolean locked;
      try {
        locked = s.opening.tryLock(remaining(start, budget), TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while waiting to open " + root);
      }
      if (!locked) {
        forgetIfUnused(marker, s);
        throw new StorageException(
            "another FileStorage of this JVM has been opening "
                + root
                + " for over "
                + timeout
                + " (recovering it, or stopped while it did); not waiting longer");
      }
      synchronized (SHARED) {
        if (SHARED.get(marker) == s) {
          break;
        }
      }
      // The last storage closed and forgot it meanwhile: start again.
      s.opening.unlock();
    }
    try {
      if (s.users > 0) {
        // This JVM has the directory open already: its shared lock covers this storage too.
        return new DirectoryLock(marker, s, false, null);
      }
      FileChannel channel =
          FileChannel.open(
              marker, StandardOpenOption.READ, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
      try {
        FileLock opening = lockOpening(channel, marker, start, budget, timeout);
        FileLock open = channel.tryLock(OPEN, 1, false);
        s.channel = channel;
        s.openLock = open;
        return new DirectoryLock(marker, s, open != null, opening);
      } catch (IOException | RuntimeException e) {
        channel.close();
        throw e;
      }
    } catch (IOException | RuntimeException e) {
      s.opening.unlock();
      forgetIfUnused(marker, s);
      throw e;
    }
  }

  /**
   * Makes a directory a Cachet file storage: its marker is written whole to a temporary file
   * ({@code .cachet-storage.<random>.tmp}), forced, and linked to its name, so a marker is never
   * seen incomplete. A kill before the link leaves only such temporary files in the root: the next
   * opening recognises them as an unfinished creation, deletes them and starts again. Anything else
   * in a root without a marker is not ours, and the directory is refused untouched.
   */
  private static void createMarker(Path root, Path marker, OwnerOnly modes) throws IOException {
    byte[] text =
        ("Cachet file storage, format version " + MetadataCodec.FORMAT_VERSION + "\n")
            .getBytes(StandardCharsets.UTF_8);
    for (int attempt = 0; ; attempt++) {
      List<Path> unfinished = new ArrayList<>();
      try (DirectoryStream<Path> entries = Files.newDirectoryStream(root)) {
        for (Path p : entries) {
          String name = p.getFileName().toString();
          if (name.equals(Layout.MARKER)) {
            return; // Another storage made it meanwhile.
          }
          if (!Layout.isMarkerTemp(name)) {
            throw new StorageException(
                root + " holds files but is not a Cachet file storage; refusing to use it");
          }
          unfinished.add(p);
        }
      }
      for (Path p : unfinished) {
        // A creation killed before its link, or one under way in another process, which then
        // finds its temporary file gone and starts again.
        Files.deleteIfExists(p);
      }
      Path temp = root.resolve(Layout.MARKER + "." + Layout.newGeneration() + Layout.TEMP_SUFFIX);
      try {
        try (FileChannel ch = modes.createFile(temp)) {
          ByteBuffer b = ByteBuffer.wrap(text);
          while (b.hasRemaining()) {
            ch.write(b);
          }
          ch.force(false);
        }
        linkInPlace(temp, marker);
        FileStore.syncDirectory(root);
        return;
      } catch (NoSuchFileException deletedByAnotherCreation) {
        if (attempt >= 100) {
          throw new StorageException(
              "cannot create the marker of " + root, deletedByAnotherCreation);
        }
      } finally {
        Files.deleteIfExists(temp);
      }
    }
  }

  /**
   * Gives a complete temporary file the marker's name: a hard link, which fails if the marker was
   * made meanwhile (then that one stays, as other storages may hold locks on it); where links are
   * not supported, an atomic rename.
   */
  private static void linkInPlace(Path temp, Path marker) throws IOException {
    try {
      Files.createLink(marker, temp);
    } catch (FileAlreadyExistsException raced) {
      // Another storage created it first.
    } catch (UnsupportedOperationException | FileSystemException noLinks) {
      if (noLinks instanceof NoSuchFileException gone) {
        throw gone;
      }
      if (!Files.exists(marker, LinkOption.NOFOLLOW_LINKS)) {
        Files.move(temp, marker, StandardCopyOption.ATOMIC_MOVE);
      }
    }
  }

  /**
   * Takes the marker's "opening" region exclusively, waiting until the deadline at most for another
   * process that holds it while it opens the directory. Polled, since {@code FileChannel.lock}
   * waits without a bound.
   */
  private static FileLock lockOpening(
      FileChannel channel, Path marker, long start, long budget, Duration timeout)
      throws IOException {
    long pause = TimeUnit.MILLISECONDS.toNanos(1);
    while (true) {
      FileLock opening = channel.tryLock(OPENING, 1, false);
      if (opening != null) {
        return opening;
      }
      long left = remaining(start, budget);
      if (left == 0) {
        throw new StorageException(
            "another process has held the opening lock (the first byte) of "
                + marker
                + " for over "
                + timeout
                + " (it is recovering the directory, or stopped while it did); not waiting"
                + " longer");
      }
      try {
        TimeUnit.NANOSECONDS.sleep(Math.min(pause, left));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while waiting to open " + marker);
      }
      pause = Math.min(pause * 2, LONGEST_PAUSE_NANOS);
    }
  }

  private static long saturatedNanos(Duration d) {
    try {
      return d.toNanos();
    } catch (ArithmeticException tooLong) {
      return Long.MAX_VALUE;
    }
  }

  /** The nanoseconds left of a budget that started at {@code start}; zero when spent. */
  private static long remaining(long start, long budget) {
    return Math.max(0, budget - (System.nanoTime() - start));
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
    if (registered) {
      return;
    }
    if (shared.users == 0) {
      if (shared.openLock != null) {
        shared.openLock.release();
      }
      // Any other holder of the open region holds it shared; an exclusive holder would need the
      // opening region, which this storage holds.
      shared.openLock = requireNonNull(shared.channel, "channel").lock(OPEN, 1, true);
    }
    shared.users++;
    registered = true;
    releaseOpening();
  }

  private void releaseOpening() throws IOException {
    try {
      if (openingLock != null) {
        openingLock.release();
        openingLock = null;
      }
    } finally {
      shared.opening.unlock();
    }
  }

  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    if (!registered) {
      // Opening failed before share(): give up the opening locks, and the channel if unused.
      try {
        if (openingLock != null) {
          openingLock.release();
          openingLock = null;
        }
      } finally {
        try {
          if (shared.users == 0 && shared.channel != null) {
            shared.channel.close();
            shared.channel = null;
            shared.openLock = null;
          }
        } finally {
          shared.opening.unlock();
          forgetIfUnused(marker, shared);
        }
      }
      return;
    }
    shared.opening.lock();
    try {
      if (--shared.users == 0) {
        requireNonNull(shared.channel, "channel").close();
        shared.channel = null;
        shared.openLock = null;
      }
    } finally {
      shared.opening.unlock();
      forgetIfUnused(marker, shared);
    }
  }

  private static void forgetIfUnused(Path marker, Shared s) {
    synchronized (SHARED) {
      if (s.users == 0 && !s.opening.isLocked() && SHARED.get(marker) == s) {
        SHARED.remove(marker);
      }
    }
  }
}
