package dev.cachet.storage.internal;

import dev.cachet.core.StoredPair;
import dev.cachet.storage.StorageException;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.NonWritableChannelException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A 304's freshening (RFC 9111 §4.3.4): the pair's new request, response and times written into the
 * next update slot of its entry file ({@link MetadataCodec}), in place, never forced: no file
 * created or renamed, so the shard's directory does not change and every view of it stays valid.
 * The slot is written through a channel that checked the file's header is the one of the commit
 * this instance knows: the file kept open for that commit ({@link OpenEntries}), else one opened
 * for the update. So a replacement by another instance meanwhile is never written into (the update
 * is then lost, as a crash would lose it). An update too large for a slot rewrites the entry whole,
 * its body copied in the kernel, as a new commit.
 */
final class Updates {
  private final FileStore store;
  private final Shards shards;
  private final EntryIndex index;

  Updates(FileStore store, Shards shards, EntryIndex index) {
    this.store = store;
    this.shards = shards;
    this.index = index;
  }

  /**
   * Replaces the request, response and times of the entry {@code base} describes, keeping its body;
   * false (nothing written) when the entry is found to be no longer that commit. Written through
   * the file kept open for that commit, an update of an entry another instance has replaced goes
   * into the replaced file, unseen (see {@link Updates}).
   */
  boolean update(StoredPair pair, Metadata base) throws IOException {
    String hash = Layout.keyHash(pair.key());
    int shard = Layout.shardOf(hash);
    Path dir = shards.dir(shard);
    Path entry = dir.resolve(Layout.entryName(hash, pair.id()));
    try {
      synchronized (shards.lock(shard)) {
        EntryIndex.Tracked known = index.get(entry);
        if (known == null) {
          Metadata current = store.reads().current(pair);
          known = index.get(entry);
          if (current == null || known == null || !current.sameBody(base)) {
            return false;
          }
        }
        if (!known.meta.sameBody(base)) {
          return false;
        }
        if (!OwnerOnly.isDirectory(dir)) {
          if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            store.removal().removeImpostor(shard);
          }
          return false;
        }
        return inPlace(shard, hash, entry, known, base.withPair(pair));
      }
    } catch (IOException e) {
      throw e instanceof StorageException ? e : new StorageException("cannot update " + pair, e);
    }
  }

  private boolean inPlace(
      int shard, String hash, Path entry, EntryIndex.Tracked known, Metadata updated)
      throws IOException {
    long seq = known.updateSeq + 1;
    Optional<byte[]> slot = MetadataCodec.slot(updated.pair(), updated.generation(), seq);
    long at = MetadataCodec.slotOffset(EntryCodec.updateArea(updated), seq);
    SharedChannel kept = slot.isPresent() ? index.open.acquire(entry, known.meta) : null;
    if (kept != null) {
      // This commit's own file, kept open since its header was checked: no path is looked up, and
      // a replacement by another instance is another file, so never written into.
      try {
        EntryCodec.writeAt(kept.channel(), at, ByteBuffer.wrap(slot.get()));
        return written(shard, hash, entry, known, updated, at + slot.get().length);
      } catch (NonWritableChannelException readOnly) {
        // Kept open for reading only (the file could not be opened for writing): opened below.
      } finally {
        kept.release();
      }
    }
    try (FileChannel ch = OwnerOnly.openForUpdate(entry)) {
      byte[] header = EntryCodec.readHeader(ch);
      if (!EntryCodec.isHeaderOf(header, known.meta)
          || EntryCodec.storedHeaderCrc(header) != known.headerCrc) {
        // Replaced by another instance since this one read it: never written into.
        index.forget(entry, known);
        shards.changed(shard);
        return false;
      }
      if (slot.isEmpty()) {
        return rewrite(ch, updated);
      }
      EntryCodec.writeAt(ch, at, ByteBuffer.wrap(slot.get()));
    } catch (NoSuchFileException | EOFException gone) {
      index.forget(entry, known);
      shards.changed(shard);
      return false;
    } catch (FileSystemException e) {
      if (!Files.isSymbolicLink(entry)) {
        throw e;
      }
      // Never written through: the link goes, and the entry with it.
      Removal.deleteQuietly(entry);
      index.forget(entry, known);
      shards.changed(shard);
      return false;
    }
    return written(shard, hash, entry, known, updated, at + slot.get().length);
  }

  /** Learns an update written in place, whose slot ends at {@code slotEnd}. */
  private boolean written(
      int shard,
      String hash,
      Path entry,
      EntryIndex.Tracked known,
      Metadata updated,
      long slotEnd) {
    // The write set the file's time, its recency on the disk.
    long now = index.tick();
    long fileBytes = Math.max(known.bytes, slotEnd);
    index.put(
        entry, new EntryCodec.Read(updated, known.headerCrc, known.updateSeq + 1, fileBytes), now);
    shards.updated(shard, hash, updated.pair());
    return true;
  }

  /**
   * Rewrites an entry whose update does not fit in a slot: a new commit with the new pair, its body
   * copied from the file {@code old} (already checked to be the entry's) by the kernel.
   */
  private boolean rewrite(FileChannel old, Metadata updated) throws IOException {
    StoredPair pair = updated.pair();
    EntryCodec.Head head = EntryCodec.head(pair, Layout.newGeneration());
    Metadata meta = EntryCodec.seal(head, pair, updated.bodyLength(), updated.crc32c());
    Commits.Temp temp = store.commits().createTemp(pair);
    try (FileChannel ch = temp.channel()) {
      EntryCodec.writeAt(ch, 0, ByteBuffer.wrap(head.bytes()));
      long copied = 0;
      while (copied < updated.bodyLength()) {
        ch.position(meta.bodyOffset() + copied);
        long n = old.transferTo(updated.bodyOffset() + copied, updated.bodyLength() - copied, ch);
        if (n <= 0) {
          throw new EOFException("entry file ended within its body");
        }
        copied += n;
      }
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(temp.path());
      throw e;
    }
    // An update is never forced, even rewritten whole.
    store.commits().publish(temp, meta, head.bytes(), false);
    return true;
  }
}
