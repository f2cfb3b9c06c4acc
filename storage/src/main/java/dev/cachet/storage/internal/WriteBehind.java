package dev.cachet.storage.internal;

import static java.util.Objects.requireNonNull;

import dev.cachet.core.CacheKey;
import dev.cachet.core.StoredPair;
import dev.cachet.storage.BodyWriter;
import dev.cachet.storage.Storage;
import dev.cachet.storage.StoredBody;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * A {@link Storage} over a {@link FileStore} whose commits of small bodies are carried out behind
 * the caller. A writer holds a body of up to {@code bufferBytes} in memory; its commit makes the
 * pair visible to this storage at once (from memory) and hands the file work (the entry file
 * written and renamed into place) to a background thread, which carries out the commits queued
 * meanwhile as one batch, gathered for a short while ({@link GroupCommit}): when durable, each
 * shard directory in which the batch replaced entries is forced once for the whole batch (a group
 * commit), so the cost of a forced write is shared by the batch. Until that is done the pair is
 * <em>pending</em>: {@link #find} and {@link #openBody} serve it from memory, and an update or
 * removal of its key first waits for it, so this storage's callers see their own writes in order.
 * Other instances sharing the directory see the pair when its metadata is renamed into place, as
 * before.
 *
 * <p>On the disk nothing changes: a pending pair is published with the same protocol as a direct
 * commit, so a crash leaves the old entry or the new one, never a torn one; a crash before the
 * publication only loses the pending pair, as if it had never been stored. A publication that fails
 * is logged and counted and the pair disappears, as an eviction would. The memory held by pending
 * pairs is bounded by {@code maximumPendingBytes}: beyond it a commit waits until its batch is
 * written, so a disk slower than the arrivals slows the callers rather than growing the backlog
 * (and the waiting callers' commits share the batch's forced writes). A body larger than {@code
 * bufferBytes} streams to the store's own writer and commits on the caller's thread.
 */
public final class WriteBehind implements Storage {
  private final FileStore store;
  private final int bufferBytes;
  private final GroupCommit queue;

  /** Commits of bodies up to {@code bufferBytes}, up to {@code maximumPendingBytes} pending. */
  public WriteBehind(FileStore store, int bufferBytes, long maximumPendingBytes) {
    this.store = requireNonNull(store, "store");
    this.bufferBytes = bufferBytes;
    this.queue = new GroupCommit(store, maximumPendingBytes);
  }

  /** A writer whose commit is carried out behind the caller when the body is small. */
  @Override
  public BodyWriter newWriter(StoredPair pair) throws IOException {
    requireNonNull(pair, "pair");
    store.checkOpen();
    return new BehindWriter(store, queue, bufferBytes, pair);
  }

  /**
   * The pairs of {@code key}: those on the disk and those pending. The pending ones are read first,
   * so a pair published meanwhile is found on the disk instead, never lost between the two reads.
   */
  @Override
  public List<StoredPair> find(CacheKey key) throws IOException {
    List<PendingWrite> waiting = queue.waiting(key);
    List<StoredPair> stored = store.find(key);
    if (waiting == null) {
      return stored;
    }
    // A pending pair is newer than a pair of its id on the disk (a replacement not yet published),
    // and of two pending with one id the later wins.
    List<StoredPair> all = new ArrayList<>(stored.size() + waiting.size());
    for (StoredPair s : stored) {
      if (PendingWrite.lastOf(waiting, s.id()) < 0) {
        all.add(s);
      }
    }
    for (int i = 0; i < waiting.size(); i++) {
      if (PendingWrite.lastOf(waiting, waiting.get(i).pair.id()) == i) {
        all.add(waiting.get(i).pair);
      }
    }
    return all;
  }

  /**
   * The pair's body: from memory while the pair is pending, else from the disk. Empty when a later
   * commit of its id replaced it, even if the disk still has it.
   */
  @Override
  public Optional<StoredBody> openBody(StoredPair pair) throws IOException {
    List<PendingWrite> waiting = queue.waiting(pair.key());
    if (waiting != null) {
      int last = PendingWrite.lastOf(waiting, pair.id());
      if (last >= 0) {
        PendingWrite p = waiting.get(last);
        if (!p.pair.equals(pair)) {
          return Optional.empty();
        }
        synchronized (p) {
          // Its publication marks it used (recency is the time it reaches the disk).
          if (!p.done) {
            if (p.base == null) {
              return Optional.of(new ArrayBody(requireNonNull(p.body, "body"), p.length));
            }
          }
        }
        if (p.base != null) {
          // An update, pending or published: the body is the one of the entry it updated (a body
          // file is never modified), or gone if that entry was replaced or removed. The use is not
          // written to the metadata file the update is about to replace.
          return store.openBody(pair, p.base);
        }
        // Published meanwhile: read from the disk, which marks it used there.
      }
    }
    return store.openBody(pair);
  }

  /**
   * Replaces a stored pair's request, response and times, keeping its body (RFC 9111 §4.3.4): at
   * once for this storage's callers, and on the disk behind them within {@link
   * GroupCommit#UPDATE_DELAY_NANOS} (sooner if anyone waits for it), in order with the key's other
   * pending writes. False when no entry of the pair is stored. The entry updated is the one this
   * storage knows now; the new metadata is written only beside that entry's body, so if another
   * instance replaces or removes the entry meanwhile the update is dropped.
   */
  @Override
  public boolean update(StoredPair pair) throws IOException {
    requireNonNull(pair, "pair");
    store.checkOpen();
    Metadata base = null;
    PendingWrite earlierUpdate = null;
    List<PendingWrite> waiting = queue.waiting(pair.key());
    int last = waiting == null ? -1 : PendingWrite.lastOf(waiting, pair.id());
    if (waiting != null && last >= 0) {
      PendingWrite earlier = waiting.get(last);
      if (earlier.base == null) {
        // The entry itself is still pending: the update follows it on the caller's thread.
        queue.settle(pair.key());
      } else {
        // An update of an update: same body.
        base = earlier.base;
        earlierUpdate = earlier;
      }
    }
    if (base == null) {
      base = store.current(pair);
    }
    if (base == null) {
      return false;
    }
    boolean over = queue.reserve(PendingWrite.UPDATE_WEIGHT);
    // The earlier one, unless already being written, is not written at all: the disk goes from the
    // old metadata to the newest, so a hot pair costs one write per pass of the queue, not a wait.
    PendingWrite update = queue.enqueueUpdate(pair, base, earlierUpdate);
    if (over) {
      queue.writeNow();
      update.await();
    }
    return true;
  }

  /** Removes pairs once their pending writes are on the disk. */
  @Override
  public void remove(CacheKey key, Collection<UUID> ids) throws IOException {
    queue.settle(requireNonNull(key, "key"), requireNonNull(ids, "ids"));
    store.remove(key, ids);
  }

  /** Removes every pair of a key once its pending writes are on the disk. */
  @Override
  public void removeAll(CacheKey key) throws IOException {
    settle(requireNonNull(key, "key"));
    store.removeAll(key);
  }

  /** The bytes of the store once what is pending now is on the disk. */
  @Override
  public long size() throws IOException {
    settleAll();
    return store.size();
  }

  @Override
  public long evictionCount() {
    return store.evictionCount();
  }

  @Override
  public boolean commitIsCheap(long length) {
    return length >= 0 && length <= bufferBytes;
  }

  @Override
  public void clear() throws IOException {
    settleAll();
    store.clear();
  }

  /** Waits until every pending write of {@code key} is on the disk (or has failed). */
  public void settle(CacheKey key) throws IOException {
    queue.settle(key);
  }

  /** Waits until every write pending now is on the disk (or has failed). */
  public void settleAll() throws IOException {
    queue.settleAll();
  }

  /**
   * Waits until every write pending now is on the disk, for at most {@code bound}; the number still
   * pending then. For the exit of the JVM, whose writer thread stops with it.
   */
  public int settleAll(Duration bound) {
    return queue.settleAll(bound);
  }

  /** The body bytes held by pending pairs. */
  public long pendingBytes() {
    return queue.pendingBytes();
  }

  /** How many background writes have failed (each logged); their pairs were dropped. */
  public long failures() {
    return queue.failures();
  }

  /** Publishes what is pending, stops the thread and closes the store. */
  @Override
  public void close() throws IOException {
    queue.shutdown();
    try {
      queue.settleAll();
    } finally {
      store.close();
    }
  }

  @Override
  public String toString() {
    return store.toString();
  }
}
