package dev.cachet.storage.internal;

import dev.cachet.core.StoredPair;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.jspecify.annotations.Nullable;

/**
 * The shard directories of a store, each with its lock, a count of the changes this instance made
 * in it, and this instance's <em>view</em> of it: the entry names the directory held when it was
 * last listed, and the pairs read from the entries of the keys found since.
 *
 * <p>Any change to a directory's entries (a file renamed into place or deleted: every commit and
 * removal) sets its modification time, so a view holds while the directory's identity and time are
 * those it was read with; an update written in place changes no name, and touching a file's times
 * does not change the directory's. A file system stamps times with a finite granularity, so a
 * change in the same tick as the one before leaves the same time: a view read at least {@link
 * View#settleNanos} after the directory's time cannot miss a later change that way; one read sooner
 * is used for at most {@link View#UNSETTLED_MILLIS} and then read again. This instance's own
 * changes are applied to its view ({@link #applied}), which is then kept as unsettled: another
 * instance's change made meanwhile is seen within that second.
 */
final class Shards {
  private final Path[] dirs = new Path[Layout.SHARDS];
  private final Object[] locks = new Object[Layout.SHARDS];
  private final AtomicLongArray changes = new AtomicLongArray(Layout.SHARDS);
  private final AtomicReferenceArray<View> views = new AtomicReferenceArray<>(Layout.SHARDS);

  Shards(Path root) {
    for (int i = 0; i < Layout.SHARDS; i++) {
      locks[i] = new Object();
      dirs[i] = root.resolve(Layout.shardName(i));
    }
  }

  Path dir(int shard) {
    return dirs[shard];
  }

  /** The lock under which this instance changes the shard's entries. */
  Object lock(int shard) {
    return locks[shard];
  }

  /** How many changes this instance has made in the shard; read before a listing. */
  long changeCount(int shard) {
    return changes.get(shard);
  }

  @Nullable View view(int shard) {
    return views.get(shard);
  }

  /**
   * Keeps a view listed when the change count was {@code before}, unless this instance changed the
   * shard meanwhile: its change could fall in the tick of the listing and go unnoticed.
   */
  void keep(int shard, long before, View view) {
    synchronized (locks[shard]) {
      if (changes.get(shard) == before) {
        views.set(shard, view);
      }
    }
  }

  /** Caches a key's pairs read from a view's names, on the same condition as {@link #keep}. */
  void cache(int shard, long before, View view, String keyHash, List<StoredPair> pairs) {
    synchronized (locks[shard]) {
      if (changes.get(shard) == before && views.get(shard) == view) {
        view.pairs.put(keyHash, pairs);
      }
    }
  }

  /** Drops the shard's view: something changed that this instance cannot describe. */
  void changed(int shard) {
    synchronized (locks[shard]) {
      changes.incrementAndGet(shard);
      views.set(shard, null);
    }
  }

  /**
   * Applies this instance's change of one entry or partial entry to the shard's view, under the
   * shard's lock: a commit of {@code p} under {@code name}, or its removal when {@code p} is null.
   * The directory had {@code before} (null when unknown) just before the change and has {@code
   * after} now; the view is kept only if it was valid before.
   */
  void applied(
      int shard,
      @Nullable BasicFileAttributes before,
      @Nullable BasicFileAttributes after,
      String name,
      @Nullable StoredPair p) {
    changes.incrementAndGet(shard);
    View v = views.get(shard);
    if (v == null || before == null || after == null || !v.stillValid(before, System.nanoTime())) {
      views.set(shard, null);
      return;
    }
    String hash = name.substring(0, 64);
    View next = v.after(after);
    next.names.compute(
        hash,
        (h, list) -> {
          List<String> names = new ArrayList<>(list == null ? List.of() : list);
          names.remove(name);
          if (p != null) {
            names.add(name);
          }
          return names.isEmpty() ? null : List.copyOf(names);
        });
    if (!Layout.isEntry(name)) {
      // A partial entry's file: among the key's names, never among its pairs.
      views.set(shard, next);
      return;
    }
    UUID id = Layout.idOf(name);
    next.pairs.computeIfPresent(
        hash,
        (h, cached) -> {
          List<StoredPair> pairs = new ArrayList<>(cached.size() + 1);
          for (StoredPair q : cached) {
            if (!q.id().equals(id)) {
              pairs.add(q);
            }
          }
          if (p != null) {
            pairs.add(p);
          }
          return List.copyOf(pairs);
        });
    views.set(shard, next);
  }

  /** An update written in place: the view, if any, gets the new pair; no name changed. */
  void updated(int shard, String keyHash, StoredPair p) {
    changes.incrementAndGet(shard);
    View v = views.get(shard);
    if (v != null) {
      v.pairs.computeIfPresent(
          keyHash,
          (h, list) -> {
            List<StoredPair> replaced = new ArrayList<>(list.size());
            for (StoredPair q : list) {
              replaced.add(q.id().equals(p.id()) ? p : q);
            }
            return List.copyOf(replaced);
          });
    }
  }

  /**
   * The names of a shard directory and the pairs read from them, with the directory's identity and
   * modification time just before it was listed.
   */
  static final class View {
    /** How long a view read soon after its directory changed may be used. */
    static final long UNSETTLED_MILLIS = 1000;

    private final Object fileKey;
    private final FileTime modified;
    private final long readAtNanos;
    private final boolean settled;
    // Shared with the views this one becomes after this instance's changes (see after).
    private final Map<String, List<String>> names;
    private final Map<String, List<StoredPair>> pairs;

    private View(
        Object fileKey,
        FileTime modified,
        long readAtNanos,
        boolean settled,
        Map<String, List<String>> names,
        Map<String, List<StoredPair>> pairs) {
      this.fileKey = fileKey;
      this.modified = modified;
      this.readAtNanos = readAtNanos;
      this.settled = settled;
      this.names = names;
      this.pairs = pairs;
    }

    /**
     * A view of entry names by key hash.
     *
     * @param readAt the wall-clock time (the file system's clock) just before the directory was
     *     examined, in milliseconds
     * @param readAtNanos the same moment on {@link System#nanoTime()}, which measures the view's
     *     age even if the wall clock is set back
     */
    static View of(
        BasicFileAttributes attributes,
        long readAt,
        long readAtNanos,
        Map<String, List<String>> names) {
      FileTime modified = attributes.lastModifiedTime();
      long sinceChange = readAt * 1_000_000L - modified.to(TimeUnit.NANOSECONDS);
      return new View(
          attributes.fileKey(),
          modified,
          readAtNanos,
          sinceChange > settleNanos(modified),
          new ConcurrentHashMap<>(names),
          new ConcurrentHashMap<>());
    }

    /**
     * How long after a change its directory's time is sure to differ from a later change's: the
     * timestamp granularity and a clock tick (by which the kernel's coarse clock may lag). Times in
     * whole seconds mean a coarse file system (ext3, HFS+, FAT: up to 2 s), else one of clock
     * ticks.
     */
    static long settleNanos(FileTime modified) {
      long nanos = modified.to(TimeUnit.NANOSECONDS);
      return nanos % 1_000_000_000L == 0 ? 3_000_000_000L : 100_000_000L;
    }

    /**
     * This view once the directory is as {@code now} says after this instance's change, unsettled
     * from now; it shares the names and pairs, which the change then edits (a reader of this view
     * may see the change at once, which is as true of it).
     */
    private View after(BasicFileAttributes now) {
      return new View(
          now.fileKey(), now.lastModifiedTime(), System.nanoTime(), false, names, pairs);
    }

    /** The names of a key hash's entries and partial entries; empty when none. */
    List<String> names(String keyHash) {
      return names.getOrDefault(keyHash, List.of());
    }

    /** The pairs read for a key hash, or null when not read yet. */
    @Nullable List<StoredPair> pairs(String keyHash) {
      return pairs.get(keyHash);
    }

    boolean describes(BasicFileAttributes attributes) {
      return Objects.equals(fileKey, attributes.fileKey())
          && modified.equals(attributes.lastModifiedTime());
    }

    /**
     * True when read long enough after the directory's last change that a later change must show in
     * its time: then what it lacks, the directory lacked.
     */
    boolean settled() {
      return settled;
    }

    boolean stillValid(BasicFileAttributes attributes, long nowNanos) {
      return describes(attributes)
          && (settled || nowNanos - readAtNanos < UNSETTLED_MILLIS * 1_000_000L);
    }
  }
}
