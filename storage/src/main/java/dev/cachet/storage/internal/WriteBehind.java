package dev.cachet.storage.internal;

import static java.util.Objects.requireNonNull;

import dev.cachet.core.CacheKey;
import dev.cachet.core.StoredPair;
import dev.cachet.storage.BodyWriter;
import dev.cachet.storage.Storage;
import dev.cachet.storage.StorageException;
import dev.cachet.storage.StoredBody;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link Storage} over a {@link FileStore} whose commits of small bodies are carried out behind
 * the caller. A writer holds a body of up to {@code bufferBytes} in memory; its commit makes the
 * pair visible to this storage at once (from memory) and hands the file work (the entry file
 * written and renamed into place) to a background thread, which carries out the commits queued
 * meanwhile as one batch: when durable, each shard directory the batch renamed into is forced once
 * for the whole batch (a group commit), so the cost of a forced write is shared by every commit of
 * the batch. Until that is done the pair is <em>pending</em>: {@link #find} and {@link #openBody}
 * serve it from memory, and an update or removal of its key first waits for it, so this storage's
 * callers see their own writes in order. Other instances sharing the directory see the pair when
 * its metadata is renamed into place, as before.
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
  private static final byte[] EMPTY = new byte[0];
  private static final AtomicInteger THREADS = new AtomicInteger();

  private final FileStore store;
  private final int bufferBytes;
  private final long maximumPendingBytes;
  private final ConcurrentHashMap<CacheKey, List<Pending>> pending = new ConcurrentHashMap<>();
  private final AtomicLong pendingBytes = new AtomicLong();
  private final AtomicLong failures = new AtomicLong();
  private final ThreadPoolExecutor executor;
  private final Object queueLock = new Object();
  private final List<Pending> queue = new ArrayList<>(); // guarded by queueLock
  private boolean draining; // guarded by queueLock

  /**
   * What a pending update weighs against {@code maximumPendingBytes}: it holds no body, only its
   * pair's headers.
   */
  private static final int UPDATE_WEIGHT = 1024;

  /**
   * A committed pair, or an update of a stored one, not yet published to the disk. An update holds
   * no body: {@code base} is the entry it updates, whose body file it keeps.
   */
  private static final class Pending {
    final StoredPair pair;
    final byte[] body;
    final int length;
    final Metadata base; // null for a commit
    final CompletableFuture<Void> published = new CompletableFuture<>();
    boolean done; // guarded by this
    boolean started; // guarded by this: its publication is writing
    boolean superseded; // guarded by this: a later update of its pair replaces it unwritten

    Pending(StoredPair pair, byte[] body, int length, Metadata base) {
      this.pair = pair;
      this.body = body;
      this.length = length;
      this.base = base;
    }

    /** The bytes it holds against {@code maximumPendingBytes}. */
    int weight() {
      return base == null ? length : UPDATE_WEIGHT;
    }
  }

  /** Commits of bodies up to {@code bufferBytes}, up to {@code maximumPendingBytes} pending. */
  public WriteBehind(FileStore store, int bufferBytes, long maximumPendingBytes) {
    this.store = requireNonNull(store, "store");
    this.bufferBytes = bufferBytes;
    this.maximumPendingBytes = maximumPendingBytes;
    // One thread: it carries out the commits in their order, a batch at a time.
    this.executor =
        new ThreadPoolExecutor(
            1,
            1,
            10,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            r -> {
              Thread t = new Thread(r, "cachet-file-writer-" + THREADS.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    executor.allowCoreThreadTimeOut(true);
  }

  /** The largest body whose commit is carried out behind the caller. */
  public int bufferBytes() {
    return bufferBytes;
  }

  /** A writer whose commit is carried out behind the caller when the body is small. */
  @Override
  public BodyWriter newWriter(StoredPair pair) throws IOException {
    requireNonNull(pair, "pair");
    store.checkOpen();
    return new Writer(pair);
  }

  /**
   * The pairs of {@code key}: those on the disk and those pending. The pending ones are read first,
   * so a pair published meanwhile is found on the disk instead, never lost between the two reads.
   */
  @Override
  public List<StoredPair> find(CacheKey key) throws IOException {
    List<Pending> waiting = pending.get(key);
    List<StoredPair> stored = store.find(key);
    if (waiting == null) {
      return stored;
    }
    // A pending pair is newer than a pair of its id on the disk (a replacement not yet published),
    // and of two pending with one id the later wins.
    List<StoredPair> all = new ArrayList<>(stored.size() + waiting.size());
    for (StoredPair s : stored) {
      if (pendingIndex(waiting, s.id()) < 0) {
        all.add(s);
      }
    }
    for (int i = 0; i < waiting.size(); i++) {
      if (pendingIndex(waiting, waiting.get(i).pair.id()) == i) {
        all.add(waiting.get(i).pair);
      }
    }
    return all;
  }

  /** The index of the last pending pair with this id, or -1. */
  private static int pendingIndex(List<Pending> waiting, UUID id) {
    for (int i = waiting.size() - 1; i >= 0; i--) {
      if (waiting.get(i).pair.id().equals(id)) {
        return i;
      }
    }
    return -1;
  }

  /**
   * The pair's body: from memory while the pair is pending, else from the disk. Empty when a later
   * commit of its id replaced it, even if the disk still has it.
   */
  @Override
  public Optional<StoredBody> openBody(StoredPair pair) throws IOException {
    List<Pending> waiting = pending.get(pair.key());
    if (waiting != null) {
      int last = pendingIndex(waiting, pair.id());
      if (last >= 0) {
        Pending p = waiting.get(last);
        if (!p.pair.equals(pair)) {
          return Optional.empty();
        }
        synchronized (p) {
          // Its publication marks it used (recency is the time it reaches the disk).
          if (!p.done) {
            if (p.base == null) {
              return Optional.of(new ArrayBody(p.body, p.length));
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
   * once for this storage's callers, and on the disk behind them, in order with the key's other
   * pending writes. False when no entry of the pair is stored. The entry updated is the one this
   * storage knows now; the new metadata is written only beside that entry's body, so if another
   * instance replaces or removes the entry meanwhile the update is dropped.
   */
  @Override
  public boolean update(StoredPair pair) throws IOException {
    requireNonNull(pair, "pair");
    store.checkOpen();
    Metadata base = null;
    Pending earlierUpdate = null;
    List<Pending> waiting = pending.get(pair.key());
    int last = waiting == null ? -1 : pendingIndex(waiting, pair.id());
    if (last >= 0) {
      Pending earlier = waiting.get(last);
      if (earlier.base == null) {
        // The entry itself is still pending: the update follows it on the caller's thread.
        settle(pair.key());
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
    boolean over = pendingBytes.addAndGet(UPDATE_WEIGHT) > maximumPendingBytes;
    Pending update = new Pending(pair, null, 0, base);
    enqueue(update);
    if (earlierUpdate != null) {
      // Now that the new one is queued (so the pair is never without a pending update between the
      // two), the earlier one, unless already being written, is not written at all: the disk goes
      // from the old metadata to the newest, so a pair updated faster than the disk writes costs
      // one write per pass of the queue, not a wait.
      synchronized (earlierUpdate) {
        if (!earlierUpdate.started) {
          earlierUpdate.superseded = true;
        }
      }
    }
    if (over) {
      await(update);
    }
    return true;
  }

  /** Removes pairs once their pending writes are on the disk. */
  @Override
  public void remove(CacheKey key, Collection<UUID> ids) throws IOException {
    settle(requireNonNull(key, "key"), requireNonNull(ids, "ids"));
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

  /** Waits until every pending pair of {@code key} is published (or has failed). */
  public void settle(CacheKey key) throws IOException {
    List<Pending> waiting = pending.get(key);
    if (waiting != null) {
      for (Pending p : waiting) {
        await(p);
      }
    }
  }

  /**
   * Waits until the pending writes of these pairs of {@code key} are published (or have failed),
   * not the key's others: removing some pairs needs no other write on the disk first, and a caller
   * that has just committed a pair replacing them need not wait for the disk.
   */
  public void settle(CacheKey key, Collection<UUID> ids) throws IOException {
    List<Pending> waiting = pending.get(key);
    if (waiting != null) {
      for (Pending p : waiting) {
        if (ids.contains(p.pair.id())) {
          await(p);
        }
      }
    }
  }

  /** Waits until every pair pending now is published (or has failed). */
  public void settleAll() throws IOException {
    for (List<Pending> waiting : pending.values()) {
      for (Pending p : waiting) {
        await(p);
      }
    }
  }

  /**
   * Waits until every pair pending now is published (or has failed), for at most {@code bound}; the
   * number of pairs still pending then. For the exit of the JVM, whose writer threads stop with it.
   */
  public int settleAll(Duration bound) {
    long deadline = System.nanoTime() + bound.toNanos();
    int left = 0;
    for (List<Pending> waiting : pending.values()) {
      for (Pending p : waiting) {
        long remaining = deadline - System.nanoTime();
        try {
          if (left > 0 || remaining <= 0) {
            left += p.published.isDone() ? 0 : 1;
          } else {
            p.published.get(remaining, TimeUnit.NANOSECONDS);
          }
        } catch (TimeoutException e) {
          left++;
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          left++;
        } catch (ExecutionException e) {
          // Never completed exceptionally: a failed publication completes normally.
        }
      }
    }
    return left;
  }

  /** The body bytes held by pending pairs. */
  public long pendingBytes() {
    return pendingBytes.get();
  }

  /** How many publications have failed (each logged); their pairs were dropped. */
  public long failures() {
    return failures.get();
  }

  /** Publishes what is pending, stops the thread and closes the store. */
  @Override
  public void close() throws IOException {
    executor.shutdown();
    try {
      settleAll();
    } finally {
      store.close();
    }
  }

  @Override
  public String toString() {
    return store.toString();
  }

  private static void await(Pending p) throws IOException {
    try {
      p.published.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while a pending write was published");
    } catch (ExecutionException e) {
      // Never completed exceptionally: a failed publication completes normally.
      throw new StorageException("pending write failed", e.getCause());
    }
  }

  /** Carries out the queued writes, a batch at a time, until the queue is empty. */
  private void drain() {
    while (true) {
      List<Pending> batch;
      synchronized (queueLock) {
        if (queue.isEmpty()) {
          draining = false;
          return;
        }
        batch = new ArrayList<>(queue);
        queue.clear();
      }
      publish(batch);
    }
  }

  /**
   * Writes a batch in commit order, then, when durable, forces each shard it renamed into once (the
   * group commit), and only then reports the batch's writes done: {@link #settle} and {@link
   * #flush}-like waits return once their writes are as durable as the store makes them.
   */
  private void publish(List<Pending> batch) {
    Set<Integer> touched = new HashSet<>();
    for (Pending p : batch) {
      synchronized (p) {
        p.started = !p.superseded;
      }
      if (!p.started) {
        continue; // Replaced by a later update of its pair, queued behind it.
      }
      try {
        if (p.base == null) {
          touched.add(store.commitUnforced(p.pair, p.body, p.length));
        } else if (!store.update(p.pair, p.base)) {
          FileStore.LOG.log(
              Level.DEBUG,
              "pending update of {0} dropped: the entry was replaced or removed",
              p.pair.key());
        }
      } catch (IOException | RuntimeException e) {
        failures.incrementAndGet();
        FileStore.LOG.log(
            Level.WARNING, "could not write the pending pair of {0}: {1}", p.pair.key(), e);
      }
    }
    try {
      store.syncShards(touched);
    } finally {
      for (Pending p : batch) {
        finish(p);
      }
    }
  }

  /** Takes a write out of the pending ones and wakes whoever waits for it. */
  private void finish(Pending p) {
    pending.computeIfPresent(
        p.pair.key(),
        (k, list) -> {
          List<Pending> rest = new ArrayList<>(list);
          rest.remove(p);
          return rest.isEmpty() ? null : List.copyOf(rest);
        });
    pendingBytes.addAndGet(-p.weight());
    synchronized (p) {
      p.done = true;
    }
    // A pair read while pending needs no marking now: its publication made it the most recently
    // used, in memory and on the disk (the entry's time is set as it is published).
    p.published.complete(null);
  }

  /** Makes a write pending (its weight already counted) and queues it for the writer thread. */
  private void enqueue(Pending p) {
    boolean queued = true;
    // Registered and queued under one lock, so that a key's pending list and the (first in, first
    // out) queue agree on the order.
    synchronized (queueLock) {
      pending.merge(
          p.pair.key(),
          List.of(p),
          (a, b) -> {
            List<Pending> both = new ArrayList<>(a);
            both.addAll(b);
            return List.copyOf(both);
          });
      if (executor.isShutdown()) {
        queued = false;
      } else {
        queue.add(p);
        if (!draining) {
          try {
            executor.execute(this::drain);
            draining = true;
          } catch (RejectedExecutionException closing) {
            queue.remove(p);
            queued = false;
          }
        }
      }
    }
    if (!queued) {
      // Closing: carried out on the caller, after the key's earlier writes.
      try {
        List<Pending> waiting = pending.get(p.pair.key());
        if (waiting != null) {
          for (Pending earlier : waiting) {
            if (earlier == p) {
              break;
            }
            await(earlier);
          }
        }
      } catch (IOException e) {
        // Waited for as far as possible; the write follows.
      }
      publish(List.of(p));
    }
  }

  /** Holds a small body in memory; a larger one goes on to the store's own writer. */
  private final class Writer implements BodyWriter {
    private final StoredPair pair;
    private byte[] buffer = EMPTY;
    private int count;
    private BodyWriter direct;
    private boolean done;

    Writer(StoredPair pair) {
      this.pair = pair;
    }

    @Override
    public void write(ByteBuffer chunk) throws IOException {
      requireNonNull(chunk, "chunk");
      if (done) {
        throw new IllegalStateException("the writer is already committed or aborted");
      }
      if (direct != null) {
        direct.write(chunk);
        return;
      }
      try {
        // Storage.close(): pending writers are aborted; the store's own writers are aborted by it.
        store.checkOpen();
      } catch (StorageException closed) {
        abort();
        throw closed;
      }
      int n = chunk.remaining();
      long after = (long) count + n;
      if (after > store.maximumBytes()) {
        abort();
        throw new StorageException(
            "body of " + pair.key() + " exceeds the storage bound of " + store.maximumBytes());
      }
      if (after > bufferBytes) {
        // Too big to hold: the store's writer takes it from here (and checks the bounds).
        direct = store.newWriter(pair);
        try {
          direct.write(ByteBuffer.wrap(buffer, 0, count));
          buffer = null;
          direct.write(chunk);
        } catch (IOException | RuntimeException e) {
          abort();
          throw e;
        }
        return;
      }
      if (after > buffer.length) {
        buffer = Arrays.copyOf(buffer, (int) Math.min(bufferBytes, Math.max(after, 2L * count)));
      }
      chunk.get(buffer, count, n);
      count = (int) after;
    }

    @Override
    public long bytesWritten() {
      return direct != null ? direct.bytesWritten() : count;
    }

    @Override
    public void commit() throws IOException {
      if (done) {
        throw new IllegalStateException("the writer is already committed or aborted");
      }
      done = true;
      if (direct != null) {
        settle(pair.key());
        direct.commit();
        return;
      }
      store.checkOpen();
      byte[] body = buffer;
      buffer = null;
      boolean over = pendingBytes.addAndGet(count) > maximumPendingBytes;
      Pending p = new Pending(pair, body, count, null);
      enqueue(p);
      if (over) {
        // The backlog is full: this caller waits for its batch, so callers go at the disk's pace.
        await(p);
      }
    }

    @Override
    public void abort() {
      if (done) {
        return;
      }
      done = true;
      buffer = null;
      if (direct != null) {
        direct.abort();
      }
    }

    @Override
    public void close() {
      if (!done) {
        abort();
      }
    }
  }
}
