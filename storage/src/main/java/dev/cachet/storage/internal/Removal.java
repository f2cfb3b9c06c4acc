package dev.cachet.storage.internal;

import static java.util.Objects.requireNonNull;

import dev.cachet.core.CacheKey;
import dev.cachet.storage.StorageException;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * Takes entries and partial entries out of a store: removals (RFC 9111 §4.4), clearing, eviction of
 * the least recently used files over the byte bound, and files found corrupt or standing where a
 * shard belongs. A removal deletes one file per entry or partial entry; when durable, the shard
 * directory is forced after it, so an invalidated entry does not come back after a power cut.
 */
final class Removal {
  private final FileStore store;
  private final Shards shards;
  private final EntryIndex index;
  private final AtomicLong evictions = new AtomicLong();
  private final Object evictionLock = new Object();

  Removal(FileStore store, Shards shards, EntryIndex index) {
    this.store = store;
    this.shards = shards;
    this.index = index;
  }

  /** Removes the entries of these ids under a key, or all of the key's when {@code ids} is null. */
  void remove(CacheKey key, @Nullable Set<UUID> ids) throws StorageException {
    String hash = Layout.keyHash(key);
    int shard = Layout.shardOf(hash);
    Path dir = shards.dir(shard);
    synchronized (shards.lock(shard)) {
      boolean any = false;
      try {
        requireDirectory(shard);
        List<String> names = new ArrayList<>();
        if (ids != null) {
          for (UUID id : ids) {
            names.add(Layout.entryName(hash, id));
            names.add(Layout.partName(hash, id));
          }
        } else {
          names.addAll(store.reads().names(shard, hash));
        }
        for (String name : names) {
          Path entry = dir.resolve(name);
          BasicFileAttributes before = Reads.attributes(dir);
          boolean deleted = Files.deleteIfExists(entry);
          index.forget(entry);
          if (deleted) {
            any = true;
            shards.applied(shard, before, Reads.attributes(dir), name, null);
          }
        }
        if (any) {
          // Durable means a removal survives a power cut: otherwise an invalidated entry (RFC 9111
          // §4.4) could come back after a restart.
          store.force(dir);
        }
      } catch (NoSuchFileException nothingStored) {
        // No entries under this key.
      } catch (IOException | DirectoryIteratorException e) {
        shards.changed(shard);
        throw new StorageException("cannot remove entries of " + key, e);
      }
    }
  }

  /** Deletes every entry; writes in progress are left to commit or abort. */
  void clear() throws StorageException {
    for (int shard = 0; shard < Layout.SHARDS; shard++) {
      Path dir = shards.dir(shard);
      synchronized (shards.lock(shard)) {
        try {
          requireDirectory(shard);
          try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path f : files) {
              String name = f.getFileName().toString();
              if (Layout.isEntry(name) || Layout.isPart(name)) {
                Files.deleteIfExists(f);
              }
            }
          }
          store.force(dir);
        } catch (NoSuchFileException none) {
          // Nothing stored in this shard.
        } catch (IOException | DirectoryIteratorException e) {
          throw new StorageException("cannot clear " + dir, e);
        } finally {
          index.forgetIn(dir);
          shards.changed(shard);
        }
      }
    }
  }

  long evictionCount() {
    return evictions.get();
  }

  /** Evicts the least recently used entries until the known bytes are within the bound. */
  void evictIfNeeded(long maximumBytes) {
    if (index.total() <= maximumBytes) {
      return;
    }
    synchronized (evictionLock) {
      for (Map.Entry<Path, EntryIndex.Tracked> e : index.leastRecentlyUsedFirst()) {
        if (index.total() <= maximumBytes) {
          break;
        }
        evict(e.getKey(), e.getValue());
      }
    }
  }

  private void evict(Path entry, EntryIndex.Tracked t) {
    Path dir = requireNonNull(entry.getParent(), "dir");
    int shard = Layout.shardOf(dir.getFileName().toString());
    synchronized (shards.lock(shard)) {
      if (!index.forget(entry, t)) {
        return;
      }
      evictions.incrementAndGet();
      if (!OwnerOnly.isDirectory(dir)) {
        removeImpostor(shard);
        return;
      }
      // Whatever version is there now: another storage may have replaced the entry since.
      BasicFileAttributes before = Reads.attributes(dir);
      deleteQuietly(entry);
      shards.applied(shard, before, Reads.attributes(dir), entry.getFileName().toString(), null);
    }
  }

  /** Deletes an entry found corrupt, if its file still holds this commit (or cannot be read). */
  void drop(Path entry, @Nullable Metadata meta, String why) {
    FileStore.LOG.log(Level.WARNING, "dropping file storage entry {0}: {1}", entry, why);
    int shard = Layout.shardOf(requireNonNull(entry.getParent(), "dir").getFileName().toString());
    synchronized (shards.lock(shard)) {
      boolean same;
      try (FileChannel ch = OwnerOnly.open(entry)) {
        same = meta == null || EntryCodec.isHeaderOf(EntryCodec.readHeader(ch), meta);
      } catch (NoSuchFileException gone) {
        same = false;
      } catch (IOException unreadable) {
        same = true;
      }
      if (same) {
        deleteQuietly(entry);
        index.forget(entry);
        shards.changed(shard);
      }
    }
  }

  /**
   * Deletes what stands in a shard directory's place but is not a directory, a link above all (the
   * link, never what it points to); its entries are then gone. Nothing in the store is ever reached
   * through a link.
   */
  void removeImpostor(int shard) {
    Path dir = shards.dir(shard);
    FileStore.LOG.log(
        Level.WARNING, "deleting {0}: not a directory (a link?) in the file storage", dir);
    synchronized (shards.lock(shard)) {
      if (!OwnerOnly.isDirectory(dir)) {
        deleteQuietly(dir);
      }
      index.forgetIn(dir);
      shards.changed(shard);
    }
  }

  /** Throws unless the shard directory is a directory itself; a link in its place is deleted. */
  void requireDirectory(int shard) throws IOException {
    Path dir = shards.dir(shard);
    if (!OwnerOnly.isDirectory(dir)) {
      if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
        removeImpostor(shard);
        throw new NoSuchFileException(dir.toString(), null, "not a directory; deleted");
      }
      throw new NoSuchFileException(dir.toString());
    }
  }

  static void deleteQuietly(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException e) {
      FileStore.LOG.log(Level.DEBUG, "cannot delete {0}: {1}", p, e);
    }
  }
}
