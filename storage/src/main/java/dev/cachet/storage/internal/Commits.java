package dev.cachet.storage.internal;

import dev.cachet.core.StoredPair;
import dev.cachet.storage.StorageException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import org.jspecify.annotations.Nullable;

/**
 * The commit protocol: an entry file (header, metadata, body) is written whole to a temporary file
 * (in {@value Layout#TEMP_DIR}, so that a shard changes only when a commit renames into it) and
 * renamed over the entry's name in its shard, atomically: that rename is the commit, and it
 * replaces the previous commit of the pair, whose file a reader that has it open still reads whole.
 * A new key costs one file creation and one rename. When durable, the shard directory is forced
 * after a rename that replaced an entry file (once for a batch of commits, see {@link
 * FileStore#syncShards}), so that the replacement, the removal of the old entry, survives a power
 * cut. A rename to a new name is not forced, as the file's data never is: after a power cut the new
 * entry may be missing, or be there without its data, failing its checksums and dropped; in either
 * case one more miss, and nothing stored before comes back or goes.
 */
final class Commits {
  private final FileStore store;
  private final Shards shards;
  private final EntryIndex index;
  private final OwnerOnly modes;

  Commits(FileStore store, Shards shards, EntryIndex index, OwnerOnly modes) {
    this.store = store;
    this.shards = shards;
    this.index = index;
    this.modes = modes;
  }

  /** A temporary file created for an entry, in the directory of writes in progress. */
  record Temp(FileChannel channel, Path path, int shard, String entryName) {
    /** Closes and deletes the file, best effort: a temporary file left over is deleted on open. */
    void discard() {
      try {
        channel.close();
      } catch (IOException ignored) {
        // Closing is best effort; the file is deleted next.
      }
      try {
        Files.deleteIfExists(path);
      } catch (IOException ignored) {
        // Left for recovery: a temporary file is never visible and is deleted on open.
      }
    }
  }

  /**
   * Creates a temporary file for an entry of this pair in {@value Layout#TEMP_DIR}, making that
   * directory if missing (or if a link stands in its place: nothing is ever written through a
   * link).
   */
  Temp createTemp(StoredPair pair) throws StorageException {
    String hash = Layout.keyHash(pair.key());
    return createTemp(pair, hash, Layout.entryName(hash, pair.id()));
  }

  /** As above, for the file {@code name} (an entry's or a partial entry's) of the key hash. */
  Temp createTemp(StoredPair pair, String hash, String name) throws StorageException {
    Path dir = store.tempDir();
    Path temp = dir.resolve(Layout.tempName(name));
    try {
      if (!OwnerOnly.isDirectory(dir)) {
        makeTempDir(dir);
      }
      try {
        return new Temp(modes.createFile(temp), temp, Layout.shardOf(hash), name);
      } catch (NoSuchFileException clearedMeanwhile) {
        makeTempDir(dir);
        return new Temp(modes.createFile(temp), temp, Layout.shardOf(hash), name);
      }
    } catch (IOException e) {
      throw new StorageException("cannot write an entry of " + pair.key(), e);
    }
  }

  /** Makes the directory of writes in progress ({@code 0700}); anything else there is deleted. */
  private void makeTempDir(Path dir) throws IOException {
    try {
      modes.createDirectory(dir);
    } catch (FileAlreadyExistsException exists) {
      if (!OwnerOnly.isDirectory(dir)) {
        FileStore.LOG.log(
            System.Logger.Level.WARNING, "deleting {0}: not a directory (a link?)", dir);
        Files.delete(dir);
        modes.createDirectory(dir);
      }
    } catch (NoSuchFileException rootGone) {
      modes.createDirectories(dir);
    }
  }

  /** Makes a shard directory ({@code 0700}) if missing; something else in its place is deleted. */
  private void makeShard(int shard) throws IOException {
    Path dir = shards.dir(shard);
    try {
      modes.createDirectory(dir);
    } catch (FileAlreadyExistsException exists) {
      if (!OwnerOnly.isDirectory(dir)) {
        store.removal().removeImpostor(shard);
        modes.createDirectory(dir);
      }
    } catch (NoSuchFileException rootGone) {
      modes.createDirectories(dir);
    }
  }

  /**
   * Commits a body held in memory: one file created, written in one gathering write, renamed.
   * Returns the shard when the commit replaced an entry file, for a durable caller that forces it
   * later ({@code sync} false); else -1.
   */
  int commit(StoredPair pair, byte[] body, int length, long crc, boolean sync) throws IOException {
    EntryCodec.Head head = EntryCodec.head(pair, Layout.newGeneration());
    Metadata meta = EntryCodec.seal(head, pair, length, crc);
    Temp temp = createTemp(pair);
    try (FileChannel ch = temp.channel()) {
      ByteBuffer[] parts = {ByteBuffer.wrap(head.bytes()), ByteBuffer.wrap(body, 0, length)};
      while (parts[0].hasRemaining() || parts[1].hasRemaining()) {
        ch.write(parts);
      }
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(temp.path());
      throw e;
    }
    Renamed renamed = rename(temp, meta, head.bytes(), () -> true);
    if (sync && renamed == Renamed.OVER_A_FILE) {
      store.force(shards.dir(temp.shard()));
    }
    store.evictIfNeeded();
    return renamed == Renamed.OVER_A_FILE ? temp.shard() : -1;
  }

  /** What a rename into place did. */
  private enum Renamed {
    /** Nothing: the precondition no longer held, and the temporary file is deleted. */
    NOTHING,
    /** The file took a name no file had. */
    TO_A_NEW_NAME,
    /** The file replaced another of its name: a replacement of the entry. */
    OVER_A_FILE
  }

  /**
   * Renames a complete temporary entry file over the entry's name: the commit. Then records it in
   * the index and the shard's view, sets its time (its recency), and forces the shard when durable,
   * {@code sync} and the rename replaced a file. The caller evicts over the bound (outside any
   * shard lock).
   *
   * @param head the file's first bytes, holding its sealed header
   */
  void publish(Temp temp, Metadata meta, byte[] head, boolean sync) throws IOException {
    publish(temp, meta, head, sync, () -> true);
  }

  /**
   * As above, when {@code still} holds under the shard's lock just before the rename; else the
   * temporary file is deleted, nothing changes, and the result is false.
   */
  boolean publish(Temp temp, Metadata meta, byte[] head, boolean sync, Precondition still)
      throws IOException {
    Renamed renamed = rename(temp, meta, head, still);
    if (sync && renamed == Renamed.OVER_A_FILE) {
      store.force(shards.dir(temp.shard()));
    }
    return renamed != Renamed.NOTHING;
  }

  /** Renames the file into place under the shard's lock, if {@code still} holds, and learns it. */
  private Renamed rename(Temp temp, Metadata meta, byte[] head, Precondition still)
      throws IOException {
    store.checkOpen();
    int shard = temp.shard();
    Path dir = shards.dir(shard);
    Path entry = dir.resolve(temp.entryName());
    boolean replacing;
    synchronized (shards.lock(shard)) {
      // The shard must be a directory itself: a rename into a link in its place would write
      // through it.
      BasicFileAttributes before = Reads.attributes(dir);
      if (before == null || !before.isDirectory()) {
        makeShard(shard);
        before = null;
      }
      if (!still.holds()) {
        Files.deleteIfExists(temp.path());
        return Renamed.NOTHING;
      }
      replacing = nameTaken(shard, before, entry, temp.entryName());
      try {
        Files.move(temp.path(), entry, StandardCopyOption.ATOMIC_MOVE);
      } catch (IOException | RuntimeException e) {
        try {
          Files.deleteIfExists(temp.path());
        } finally {
          shards.changed(shard);
        }
        throw e;
      }
      shards.applied(shard, before, Reads.attributes(dir), temp.entryName(), meta.pair());
      // Set, not left as written: the file system's clock is coarse (a tick of a few ms), and
      // entries written in one tick would lose their order across a restart.
      long now = index.tick();
      Reads.touchFile(entry, now);
      index.put(
          entry,
          new EntryCodec.Read(meta, EntryCodec.storedHeaderCrc(head), 0, meta.bodyEnd()),
          now);
    }
    return replacing ? Renamed.OVER_A_FILE : Renamed.TO_A_NEW_NAME;
  }

  /**
   * Whether a file has this name in the shard now, under its lock: one this instance knows, or one
   * the shard's view lists while it still describes the directory as {@code before} found it; a
   * name the view lacks is taken as free only from a settled view (an unsettled one may have missed
   * another instance's rename in the same tick of the directory's time), else the name is looked up
   * (a link counts too). Another instance renaming the same pair's file between that look-up and
   * this rename is not seen: the same pair committed by two instances at one instant.
   */
  private boolean nameTaken(
      int shard, @Nullable BasicFileAttributes before, Path entry, String name) {
    if (index.get(entry) != null) {
      return true;
    }
    Shards.View view = shards.view(shard);
    if (before != null && view != null && view.stillValid(before, System.nanoTime())) {
      if (view.names(name.substring(0, 64)).contains(name)) {
        return true;
      }
      if (view.settled()) {
        return false;
      }
    }
    return Files.exists(entry, LinkOption.NOFOLLOW_LINKS);
  }

  /** What must still be true of the shard when a commit renames into it. */
  interface Precondition {
    boolean holds() throws IOException;
  }
}
