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
 */
final class OpenEntries {
  private record Open(Metadata commit, SharedChannel shared) {}

  private final int capacity;
  private final LinkedHashMap<Path, Open> open; // guarded by this, in access order

  OpenEntries(int capacity) {
    this.capacity = capacity;
    this.open = new LinkedHashMap<>(16, 0.75f, true);
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
        closing.add(old.shared);
      }
      Iterator<Map.Entry<Path, Open>> eldest = open.entrySet().iterator();
      while (open.size() > capacity && eldest.hasNext()) {
        closing.add(eldest.next().getValue().shared);
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
    }
    all.forEach(o -> o.shared.release());
  }

  synchronized int size() {
    return open.size();
  }
}
