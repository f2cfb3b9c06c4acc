package dev.cachet.storage.internal;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The entry files this instance read most recently, kept open (as nginx's {@code open_file_cache}
 * keeps descriptors), so that reading a body again costs one positioned read instead of a lookup,
 * an open, a header read and a close. Each is kept for one commit ({@link Metadata#sameBody}): a
 * body is served from it only for that very commit, and the index forgets it when this instance
 * removes or replaces the entry. A commit replaced by another instance is a different commit, so
 * its file is opened anew. At most {@code capacity} files are open, least recently used closed
 * first; a body being read keeps its file open until it is closed.
 *
 * <p>A body of up to {@link #BODY_BYTES} read whole from a kept file, and checked against its
 * CRC32C as it was read, is held in memory with it, so that reading it again costs no read at all.
 * It is held for the same commit as the file and let go of with it; the held bodies together stay
 * within {@code bodyBudget} bytes, the least recently used let go of first (their files stay open).
 */
final class OpenEntries {
  private static final class Open {
    final Metadata commit;
    final SharedChannel shared;
    byte @Nullable [] body; // guarded by OpenEntries.this: the commit's body, read and checked

    Open(Metadata commit, SharedChannel shared) {
      this.commit = commit;
      this.shared = shared;
    }
  }

  /** The largest body held in memory beside its file. */
  static final int BODY_BYTES = 16 * 1024;

  private final int capacity;
  private final long bodyBudget;
  private final LinkedHashMap<Path, Open> open; // guarded by this, in access order
  private long bodyBytes; // guarded by this

  OpenEntries(int capacity, long bodyBudget) {
    this.capacity = capacity;
    this.bodyBudget = bodyBudget;
    this.open = new LinkedHashMap<>(16, 0.75f, true);
  }

  /** The body of this commit of the entry, held since it was read whole and checked; or null. */
  synchronized byte @Nullable [] body(Path entry, Metadata commit) {
    Open o = open.get(entry);
    return o != null && o.commit.sameBody(commit) ? o.body : null;
  }

  /**
   * Holds a body read whole and checked beside its commit's open file, if small enough and the file
   * is still kept for that commit; lets go of the least recently used held bodies beyond the
   * budget. The array must never change afterwards.
   */
  synchronized void holdBody(Path entry, Metadata commit, byte[] body) {
    if (body.length > BODY_BYTES || body.length > bodyBudget) {
      return;
    }
    Open o = open.get(entry);
    if (o == null || o.body != null || !o.commit.sameBody(commit)) {
      return;
    }
    o.body = body;
    bodyBytes += body.length;
    // At most once per body held: a walk from the least recently used file, under this lock, over
    // at most the open files (4,096 by default). The budget counts body bytes, not the arrays'
    // headers.
    for (Iterator<Open> eldest = open.values().iterator();
        bodyBytes > bodyBudget && eldest.hasNext(); ) {
      Open e = eldest.next();
      if (e != o) {
        dropped(e);
      }
    }
  }

  /** The bytes of the bodies held now. */
  synchronized long heldBytes() {
    return bodyBytes;
  }

  /** Lets go of a file's held body, if any: the file is let go of, or replaced. */
  private void dropped(Open o) {
    if (o.body != null) {
      bodyBytes -= o.body.length;
      o.body = null;
    }
  }

  /** The open file of this commit of the entry, with a reference for the caller; or null. */
  @Nullable SharedChannel acquire(Path entry, Metadata commit) {
    SharedChannel stale = null;
    try {
      synchronized (this) {
        Open o = open.get(entry);
        if (o == null) {
          return null;
        }
        if (!o.commit.sameBody(commit)) {
          open.remove(entry);
          dropped(o);
          stale = o.shared;
          return null;
        }
        return o.shared.retain() ? o.shared : null;
      }
    } finally {
      if (stale != null) {
        stale.release();
      }
    }
  }

  /** Keeps a file just opened and checked to hold this commit of the entry; takes a reference. */
  void keep(Path entry, Metadata commit, SharedChannel shared) {
    if (capacity <= 0 || !shared.retain()) {
      return;
    }
    List<SharedChannel> closing = new ArrayList<>(2);
    synchronized (this) {
      Open old = open.put(entry, new Open(commit, shared));
      if (old != null) {
        dropped(old);
        closing.add(old.shared);
      }
      Iterator<Map.Entry<Path, Open>> eldest = open.entrySet().iterator();
      while (open.size() > capacity && eldest.hasNext()) {
        Open e = eldest.next().getValue();
        dropped(e);
        closing.add(e.shared);
        eldest.remove();
      }
    }
    closing.forEach(SharedChannel::release);
  }

  /** Lets go of the entry's file, if kept: the entry was removed or replaced. */
  void forget(Path entry) {
    Open o;
    synchronized (this) {
      o = open.remove(entry);
      if (o != null) {
        dropped(o);
      }
    }
    if (o != null) {
      o.shared.release();
    }
  }

  /** Lets go of every file; bodies being read keep theirs until they are closed. */
  void clear() {
    List<Open> all;
    synchronized (this) {
      all = new ArrayList<>(open.values());
      open.clear();
      bodyBytes = 0;
    }
    all.forEach(o -> o.shared.release());
  }

  synchronized int size() {
    return open.size();
  }
}
