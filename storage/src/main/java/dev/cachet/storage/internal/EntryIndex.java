package dev.cachet.storage.internal;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * The entries a file storage instance knows, by entry file: their metadata, bytes and last use, and
 * the sum of their bytes. The files stay the truth; this is what the byte bound and the
 * least-recently-used order are computed from.
 */
final class EntryIndex {
  /**
   * How stale the recency kept on the disk (the metadata file's modification time) may be against
   * the one kept here: a use is written to the disk only when the last one written is older.
   */
  static final long DISK_RECENCY_MILLIS = 1000;

  /**
   * One known entry: its metadata as its file holds it now, the file's length, the checksum of its
   * header (which tells its base from another) and the sequence number of its newest update.
   */
  static final class Tracked {
    final Metadata meta;
    final long bytes;
    final long headerCrc;
    final long updateSeq;
    volatile long lastAccess;
    volatile long lastAccessOnDisk;

    Tracked(EntryCodec.Read file, long lastAccess) {
      this.meta = file.meta();
      this.bytes = file.fileLength();
      this.headerCrc = file.headerCrc();
      this.updateSeq = file.updateSeq();
      this.lastAccess = lastAccess;
      this.lastAccessOnDisk = lastAccess;
    }
  }

  private final Map<Path, Tracked> entries = new ConcurrentHashMap<>();
  private final AtomicLong total = new AtomicLong();
  private final AtomicLong clock = new AtomicLong();

  /** The entry files kept open for reading; an entry forgotten here is let go of there too. */
  final OpenEntries open;

  /**
   * An empty index that keeps up to {@code openFiles} entry files open for reading, and up to
   * {@code heldBodyBytes} of their small bodies in memory.
   */
  EntryIndex(int openFiles, long heldBodyBytes) {
    this.open = new OpenEntries(openFiles, heldBodyBytes);
  }

  /** A strictly increasing time in milliseconds, at least the wall clock and every loaded use. */
  long tick() {
    return clock.updateAndGet(prev -> Math.max(prev + 1, System.currentTimeMillis()));
  }

  long total() {
    return total.get();
  }

  @Nullable Tracked get(Path entry) {
    return entries.get(entry);
  }

  /**
   * Records an entry used at this time (which its file carries), replacing what was known of its
   * file.
   */
  void put(Path entry, EntryCodec.Read file, long lastAccess) {
    clock.accumulateAndGet(lastAccess, Math::max);
    Tracked fresh = new Tracked(file, lastAccess);
    Tracked old = entries.put(entry, fresh);
    total.addAndGet(fresh.bytes - (old == null ? 0 : old.bytes));
    if (old != null && !old.meta.sameBody(fresh.meta)) {
      open.forget(entry);
    }
  }

  /** Records an entry found on disk, keeping its last use if it was known. */
  void learn(Path entry, EntryCodec.Read file) {
    Tracked known = entries.get(entry);
    if (known != null
        && known.meta.equals(file.meta())
        && known.bytes == file.fileLength()
        && known.headerCrc == file.headerCrc()
        && known.updateSeq == file.updateSeq()) {
      return;
    }
    put(entry, file, known != null ? known.lastAccess : tick());
  }

  /** Forgets every entry in this directory (a shard found not to be one, or cleared). */
  void forgetIn(Path dir) {
    for (Map.Entry<Path, Tracked> e : entries.entrySet()) {
      if (dir.equals(e.getKey().getParent())) {
        forget(e.getKey(), e.getValue());
      }
    }
  }

  /**
   * Marks an entry used now. Returns the time to write to its metadata file, or -1 when the time
   * the file carries is less than {@link #DISK_RECENCY_MILLIS} older (the disk's recency is coarser
   * than this index's, so that a hot entry costs one write a second, not one per read).
   */
  long touch(Path entry) {
    long now = tick();
    Tracked t = entries.get(entry);
    if (t == null) {
      return now;
    }
    t.lastAccess = now;
    if (now - t.lastAccessOnDisk < DISK_RECENCY_MILLIS) {
      return -1;
    }
    t.lastAccessOnDisk = now;
    return now;
  }

  /**
   * The entries used since their time was last written to the disk (the uses {@link #touch} left in
   * memory), each marked as written.
   */
  List<Map.Entry<Path, Tracked>> usedSinceWritten() {
    List<Map.Entry<Path, Tracked>> used = new ArrayList<>();
    for (Map.Entry<Path, Tracked> e : entries.entrySet()) {
      Tracked t = e.getValue();
      long last = t.lastAccess;
      if (last > t.lastAccessOnDisk) {
        t.lastAccessOnDisk = last;
        used.add(Map.entry(e.getKey(), t));
      }
    }
    return used;
  }

  void forget(Path entry) {
    Tracked old = entries.remove(entry);
    if (old != null) {
      total.addAndGet(-old.bytes);
    }
    open.forget(entry);
  }

  /** Forgets this very entry, unless it was replaced meanwhile; true when it did. */
  boolean forget(Path entry, Tracked t) {
    if (entries.remove(entry, t)) {
      total.addAndGet(-t.bytes);
      open.forget(entry);
      return true;
    }
    return false;
  }

  /** The known entries, least recently used first. */
  List<Map.Entry<Path, Tracked>> leastRecentlyUsedFirst() {
    // Sorted by the times as they were when listed: readers touch entries meanwhile, and a sort
    // whose keys change under it may fail ("Comparison method violates its general contract").
    record Aged(Map.Entry<Path, Tracked> entry, long lastAccess) {}
    List<Aged> byAge = new ArrayList<>(entries.size());
    for (Map.Entry<Path, Tracked> e : entries.entrySet()) {
      byAge.add(new Aged(Map.entry(e.getKey(), e.getValue()), e.getValue().lastAccess));
    }
    byAge.sort(Comparator.comparingLong(Aged::lastAccess));
    List<Map.Entry<Path, Tracked>> order = new ArrayList<>(byAge.size());
    for (Aged a : byAge) {
      order.add(a.entry());
    }
    return order;
  }
}
