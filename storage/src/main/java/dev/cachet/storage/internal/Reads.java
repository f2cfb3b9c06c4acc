package dev.cachet.storage.internal;

import dev.cachet.core.CacheKey;
import dev.cachet.core.StoredPair;
import dev.cachet.storage.StorageException;
import dev.cachet.storage.StoredBody;
import java.io.EOFException;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Reads a store: the pairs of a key, through the shard's view ({@link Shards}), and the bodies of
 * entries. An entry file is read strictly ({@link EntryCodec}); one found corrupt, misnamed or in
 * place of a link is dropped, never served. A find costs one {@code lstat} of the shard while its
 * view holds; a body's opening costs an {@code lstat} of the shard, an {@code open} and a {@code
 * pread} of the header, which must be the one of the commit the pair was found in.
 */
final class Reads {
  private final FileStore store;
  private final Shards shards;
  private final EntryIndex index;

  Reads(FileStore store, Shards shards, EntryIndex index) {
    this.store = store;
    this.shards = shards;
    this.index = index;
  }

  List<StoredPair> find(CacheKey key) throws IOException {
    String hash = Layout.keyHash(key);
    int shard = Layout.shardOf(hash);
    Path dir = shards.dir(shard);
    long before = shards.changeCount(shard);
    Shards.View view = view(shard, before);
    if (view == null) {
      return List.of();
    }
    List<StoredPair> cached = view.pairs(hash);
    if (cached != null) {
      return cached;
    }
    List<String> names = view.names(hash);
    if (names.isEmpty()) {
      return List.of();
    }
    List<StoredPair> pairs = new ArrayList<>(names.size());
    for (String name : names) {
      if (!Layout.isEntry(name)) {
        continue; // a partial entry's file (see Parts)
      }
      Metadata meta = readServable(dir.resolve(name));
      if (meta != null && meta.pair().key().equals(key)) {
        pairs.add(meta.pair());
      }
    }
    List<StoredPair> found = List.copyOf(pairs);
    shards.cache(shard, before, view, hash, found);
    return found;
  }

  /**
   * The names of a key hash's entries and partial entries in a shard, from its view; throws when
   * there is no shard.
   */
  List<String> names(int shard, String hash) throws IOException {
    Shards.View view = view(shard, shards.changeCount(shard));
    if (view == null) {
      throw new NoSuchFileException(shards.dir(shard).toString());
    }
    return view.names(hash);
  }

  /** The shard's view, listed again unless still valid; null when the shard does not exist. */
  private Shards.@Nullable View view(int shard, long before) throws IOException {
    Path dir = shards.dir(shard);
    long readAt = System.currentTimeMillis();
    long readAtNanos = System.nanoTime();
    BasicFileAttributes attributes;
    try {
      attributes = Files.readAttributes(dir, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException none) {
      return null;
    } catch (IOException e) {
      throw new StorageException("cannot read the entries in " + dir, e);
    }
    if (!attributes.isDirectory()) {
      store.removal().removeImpostor(shard);
      return null;
    }
    Shards.View view = shards.view(shard);
    if (view != null && view.stillValid(attributes, readAtNanos)) {
      return view;
    }
    Map<String, List<String>> names = new HashMap<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
      for (Path f : files) {
        String name = f.getFileName().toString();
        if (Layout.isKeyFile(name)) {
          names.computeIfAbsent(name.substring(0, 64), h -> new ArrayList<>(1)).add(name);
        }
      }
    } catch (NoSuchFileException gone) {
      return null;
    } catch (IOException e) {
      throw new StorageException("cannot read the entries in " + dir, e);
    }
    view = Shards.View.of(attributes, readAt, readAtNanos, names);
    shards.keep(shard, before, view);
    return view;
  }

  /** The attributes of a directory itself, or null when they cannot be read. */
  static @Nullable BasicFileAttributes attributes(Path dir) {
    try {
      return Files.readAttributes(dir, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (IOException e) {
      return null;
    }
  }

  /**
   * Reads an entry file; null when it is gone, or is corrupt or misnamed (then it is dropped).
   * Learns it into the index.
   */
  @Nullable Metadata readServable(Path entry) throws IOException {
    FileChannel ch = open(entry);
    if (ch == null) {
      return null;
    }
    try (ch) {
      EntryCodec.Read file = readChecked(entry, ch);
      return file == null ? null : file.meta();
    }
  }

  /**
   * Opens an entry's (or a partial entry's) file, never through a link; null when it is gone or was
   * a link (deleted).
   */
  @Nullable FileChannel open(Path entry) throws IOException {
    try {
      // Open for writing too: a file kept open takes its commit's updates (see Updates).
      return OwnerOnly.openForUpdate(entry);
    } catch (NoSuchFileException gone) {
      index.forget(entry);
      return null;
    } catch (FileSystemException e) {
      if (!Files.isSymbolicLink(entry)) {
        // Not writable (its mode changed, a read-only mount): still read; updates then fail.
        return openForReading(entry);
      }
      FileStore.LOG.log(
          Level.WARNING, "deleting a link in place of a file storage entry {0}", entry);
      Files.deleteIfExists(entry);
      index.forget(entry);
      return null;
    }
  }

  /** Opens an entry file that cannot be written, for reading only; null when it is gone. */
  private @Nullable FileChannel openForReading(Path entry) throws IOException {
    try {
      return OwnerOnly.open(entry);
    } catch (NoSuchFileException gone) {
      index.forget(entry);
      return null;
    }
  }

  /** Reads an open entry file strictly and learns it; null when it was dropped. */
  private EntryCodec.@Nullable Read readChecked(Path entry, FileChannel ch) throws IOException {
    EntryCodec.Read file;
    try {
      file = EntryCodec.read(ch);
    } catch (MetadataCodec.Corrupt | EOFException e) {
      store.removal().drop(entry, null, "corrupt entry file (" + e.getMessage() + ")");
      return null;
    }
    StoredPair pair = file.meta().pair();
    String name = Layout.entryName(Layout.keyHash(pair.key()), pair.id());
    if (!entry.getFileName().toString().equals(name)) {
      store.removal().drop(entry, null, "it is named for another pair or key");
      return null;
    }
    index.learn(entry, file);
    return file;
  }

  /** The metadata this instance knows for a pair's entry, else as read from the disk; or null. */
  @Nullable Metadata current(StoredPair pair) throws IOException {
    String hash = Layout.keyHash(pair.key());
    int shard = Layout.shardOf(hash);
    Path entry = shards.dir(shard).resolve(Layout.entryName(hash, pair.id()));
    EntryIndex.Tracked t = index.get(entry);
    if (t != null && t.meta.pair().key().equals(pair.key())) {
      return t.meta;
    }
    try {
      store.removal().requireDirectory(shard);
    } catch (NoSuchFileException none) {
      index.forget(entry);
      return null;
    }
    Metadata meta = readServable(entry);
    return meta != null && meta.pair().key().equals(pair.key()) ? meta : null;
  }

  /**
   * Opens the body stored with exactly this pair, or of the commit {@code meta} describes when not
   * null (a pending update's entry: then the use is not written to the file's time).
   */
  Optional<StoredBody> openBody(StoredPair pair, @Nullable Metadata meta) throws IOException {
    String hash = Layout.keyHash(pair.key());
    int shard = Layout.shardOf(hash);
    Path entry = shards.dir(shard).resolve(Layout.entryName(hash, pair.id()));
    EntryIndex.Tracked t = index.get(entry);
    Metadata known = meta;
    if (known == null && t != null && t.meta.pair().equals(pair)) {
      known = t.meta;
    }
    if (known != null) {
      // This commit's body, held in memory since it was read whole and checked from its file.
      byte[] held = index.open.body(entry, known);
      if (held != null) {
        markUsed(entry, meta == null);
        return Optional.of(new ArrayBody(held, held.length));
      }
      // This commit's file, kept open: no path is looked up, so no link can be followed.
      SharedChannel kept = index.open.acquire(entry, known);
      if (kept != null) {
        return Optional.of(body(entry, known, kept, meta == null));
      }
    }
    FileChannel ch;
    try {
      // The file is opened without following a link; the shard is checked to be a directory.
      store.removal().requireDirectory(shard);
      ch = open(entry);
    } catch (NoSuchFileException replacedOrRemoved) {
      return Optional.empty();
    } catch (IOException e) {
      throw new StorageException("cannot open the body of " + pair.key(), e);
    }
    if (ch == null) {
      return Optional.empty();
    }
    try {
      Metadata body;
      if (known != null) {
        if (!EntryCodec.isHeaderOf(EntryCodec.readHeader(ch), known)) {
          // Replaced or removed since this commit was read: what the index knows, if it is this
          // commit, is stale.
          ch.close();
          if (t != null && t.meta.sameBody(known)) {
            index.forget(entry, t);
          }
          return Optional.empty();
        }
        body = known;
      } else {
        EntryCodec.Read file = readChecked(entry, ch);
        if (file == null || !file.meta().pair().equals(pair)) {
          ch.close();
          return Optional.empty();
        }
        body = file.meta();
      }
      SharedChannel shared = new SharedChannel(ch);
      index.open.keep(entry, body, shared);
      return Optional.of(body(entry, body, shared, meta == null));
    } catch (EOFException cut) {
      ch.close();
      store.removal().drop(entry, known, "entry file cut short");
      return Optional.empty();
    } catch (IOException | RuntimeException e) {
      ch.close();
      throw e instanceof StorageException se
          ? se
          : new StorageException("cannot open the body of " + pair.key(), e);
    }
  }

  /**
   * The body of this commit, read through the caller's reference to its file; the use is marked,
   * and written to the file's time when {@code touchFile} (not for a pending update's entry). Read
   * whole and checked, a small body is then held beside the file ({@link OpenEntries#holdBody}).
   */
  private FileBody body(Path entry, Metadata commit, SharedChannel shared, boolean touchFile) {
    markUsed(entry, touchFile);
    return new FileBody(
        shared,
        commit.bodyOffset(),
        commit.bodyLength(),
        commit.crc32c(),
        () -> store.removal().drop(entry, commit, "body checksum or length does not match"),
        whole -> index.open.holdBody(entry, commit, whole));
  }

  /** Marks an entry used, and writes the use to the file's time when {@code touchFile}. */
  private void markUsed(Path entry, boolean touchFile) {
    long used = index.touch(entry);
    if (used >= 0 && touchFile) {
      touchFile(entry, used);
    }
  }

  /** Sets an entry file's times to a use; recency is a hint, so a failure is ignored. */
  static void touchFile(Path entry, long millis) {
    try {
      // Both times given, so the JDK need not read the file's attributes first to keep one.
      FileTime t = FileTime.fromMillis(millis);
      Files.getFileAttributeView(entry, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
          .setTimes(t, t, null);
    } catch (IOException ignored) {
      // A lost touch only makes eviction less exact.
    }
  }
}
