package dev.cachet.storage.internal;

import dev.cachet.core.CacheKey;
import dev.cachet.core.ContentRange;
import dev.cachet.core.PartialEntry;
import dev.cachet.core.StoredPair;
import dev.cachet.storage.BodyWriter;
import dev.cachet.storage.StorageException;
import dev.cachet.storage.StoredBody;
import java.io.EOFException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import org.jspecify.annotations.Nullable;

/**
 * The partial entries of a file store (RFC 9111 §3.3, §3.4): one file per entry beside the key's
 * entries in its shard ({@link Layout#partName}, {@link PartCodec}). A part is joined to its entry
 * by writing the entry's whole new file (the ranges held and the part's) to a temporary file and
 * renaming it over the name, so readers see the entry before or after, never a torn one. Joins of
 * one entry in this instance take turns; the rename happens only if the file is still the one the
 * join read (checked under the shard's lock, which removal and eviction also take), else the join
 * starts again from the file there now, so a part never brings back bytes removed meanwhile. Two
 * processes joining parts of one entry at the same moment may lose one part (a later request
 * fetches it again), never mix their files. Part files count against the byte bound and are evicted
 * least recently used first, like entries.
 */
public final class Parts {
  private static final int ATTEMPTS = 3;

  private final FileStore store;
  private final Shards shards;
  private final EntryIndex index;
  private final int bufferBytes;
  private final Object[] turns = new Object[64];

  Parts(FileStore store, Shards shards, EntryIndex index, int bufferBytes) {
    this.store = store;
    this.bufferBytes = bufferBytes;
    this.shards = shards;
    this.index = index;
    for (int i = 0; i < turns.length; i++) {
      turns[i] = new Object();
    }
  }

  /** The partial entries stored under a key; a corrupt one is dropped, never found. */
  public List<PartialEntry> find(CacheKey key) throws IOException {
    store.checkOpen();
    String hash = Layout.keyHash(key);
    int shard = Layout.shardOf(hash);
    List<String> names;
    try {
      names = store.reads().names(shard, hash);
    } catch (NoSuchFileException none) {
      return List.of();
    }
    List<PartialEntry> found = new ArrayList<>(0);
    for (String name : names) {
      if (!Layout.isPart(name)) {
        continue;
      }
      Path file = shards.dir(shard).resolve(name);
      FileChannel ch = store.reads().open(file);
      if (ch == null) {
        continue;
      }
      try (ch) {
        PartCodec.Part part = readChecked(file, ch);
        if (part != null && part.pair().key().equals(key)) {
          found.add(part.entry());
        }
      }
    }
    return found;
  }

  /** A writer of one part; its commit joins the part to its entry. */
  public BodyWriter newWriter(StoredPair pair, ContentRange part) throws IOException {
    store.checkOpen();
    return new PartWriter(store, this, pair, part, bufferBytes);
  }

  /** The present bytes of the partial entry whose pair is {@code pair}; empty otherwise. */
  public Optional<StoredBody> open(StoredPair pair, long offset, long length) throws IOException {
    store.checkOpen();
    String hash = Layout.keyHash(pair.key());
    int shard = Layout.shardOf(hash);
    Path file = shards.dir(shard).resolve(Layout.partName(hash, pair.id()));
    FileChannel ch;
    try {
      store.removal().requireDirectory(shard);
      ch = store.reads().open(file);
    } catch (NoSuchFileException none) {
      return Optional.empty();
    }
    if (ch == null) {
      return Optional.empty();
    }
    try {
      PartCodec.Part part = readChecked(file, ch);
      PartCodec.Piece piece = part == null ? null : part.holding(offset, length);
      if (part == null || piece == null || !part.pair().equals(pair)) {
        ch.close();
        return Optional.empty();
      }
      long used = index.touch(file);
      if (used >= 0) {
        Reads.touchFile(file, used);
      }
      return Optional.of(
          new PartBody(
              ch,
              piece,
              offset - piece.first(),
              length,
              () -> store.removal().drop(file, null, "its bytes do not match their checksum")));
    } catch (IOException | RuntimeException e) {
      ch.close();
      throw e instanceof StorageException se
          ? se
          : new StorageException("cannot open a partial entry of " + pair.key(), e);
    }
  }

  /** Reads an open partial entry's file strictly and learns it; null when it was dropped. */
  private PartCodec.@Nullable Part readChecked(Path file, FileChannel ch) throws IOException {
    PartCodec.Part part;
    try {
      part = PartCodec.read(ch);
    } catch (MetadataCodec.Corrupt | EOFException e) {
      store.removal().drop(file, null, "corrupt partial entry (" + e.getMessage() + ")");
      return null;
    }
    StoredPair pair = part.pair();
    String name = Layout.partName(Layout.keyHash(pair.key()), pair.id());
    if (!file.getFileName().toString().equals(name)) {
      store.removal().drop(file, null, "it is named for another pair or key");
      return null;
    }
    index.learn(file, part.asRead());
    return part;
  }

  /** Joins a part to its entry, creating it when absent (see the class's description). */
  void join(StoredPair pair, ContentRange part, PartWriter.Source source) throws IOException {
    String hash = Layout.keyHash(pair.key());
    int shard = Layout.shardOf(hash);
    String name = Layout.partName(hash, pair.id());
    Path file = shards.dir(shard).resolve(name);
    synchronized (turns[Math.floorMod(name.hashCode(), turns.length)]) {
      for (int attempt = 1; ; attempt++) {
        store.checkOpen();
        if (joinOnce(pair, part, source, hash, name, file)) {
          store.evictIfNeeded();
          return;
        }
        if (attempt == ATTEMPTS) {
          throw new StorageException(
              "the partial entry " + pair.id() + " kept changing; the part is not stored");
        }
      }
    }
  }

  /** One attempt at a join: false when the entry's file changed meanwhile (nothing written). */
  private boolean joinOnce(
      StoredPair pair,
      ContentRange part,
      PartWriter.Source source,
      String hash,
      String name,
      Path file)
      throws IOException {
    FileChannel oldFile = null;
    try {
      int shard = Layout.shardOf(hash);
      try {
        store.removal().requireDirectory(shard);
        oldFile = store.reads().open(file);
      } catch (NoSuchFileException noShard) {
        // Nothing stored in the shard: the commit makes it.
      }
      PartCodec.Part old = oldFile == null ? null : readChecked(file, oldFile);
      if (old == null && oldFile != null) {
        oldFile.close();
        oldFile = null;
      }
      if (old != null && old.completeLength() != part.completeLength()) {
        throw new StorageException(
            "the stored entry " + pair.id() + " is not a partial entry of this length");
      }
      OptionalLong based = old == null ? OptionalLong.empty() : OptionalLong.of(old.generation());
      Commits.Temp temp = store.commits().createTemp(pair, hash, name);
      PartJoin.Written w;
      try (FileChannel out = temp.channel()) {
        w = PartJoin.write(out, pair, part, source, old, oldFile);
      } catch (PartJoin.OldCorrupt e) {
        Files.deleteIfExists(temp.path());
        store.removal().drop(file, null, "corrupt partial entry (" + e.getMessage() + ")");
        return false;
      } catch (IOException | RuntimeException e) {
        Files.deleteIfExists(temp.path());
        throw e;
      }
      return store
          .commits()
          .publish(temp, w.meta(), w.head(), true, () -> Objects.equals(generation(file), based));
    } finally {
      if (oldFile != null) {
        oldFile.close();
      }
    }
  }

  /** The generation of the partial entry's file there now; empty when there is none. */
  private static OptionalLong generation(Path file) throws IOException {
    try (FileChannel ch = OwnerOnly.open(file)) {
      return PartCodec.generation(EntryCodec.readAt(ch, 0, PartCodec.HEADER_BYTES));
    } catch (NoSuchFileException | EOFException gone) {
      return OptionalLong.empty();
    }
  }
}
