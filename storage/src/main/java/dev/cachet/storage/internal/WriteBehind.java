package dev.cachet.storage.internal;

import static java.util.Objects.requireNonNull;

import dev.cachet.core.CacheKey;
import dev.cachet.core.StoredPair;
import dev.cachet.storage.BodyWriter;
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
import java.util.List;
import java.util.Optional;
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
import org.jspecify.annotations.Nullable;

/**
 * Commits of small bodies to a {@link FileStore}, carried out behind the caller. A writer holds a
 * body of up to {@code bufferBytes} in memory; its commit makes the pair visible to this storage at
 * once (from memory) and hands the file work (files written, forced to the disk when durable,
 * renamed into place) to background threads. Until that is done the pair is <em>pending</em>:
 * {@link #find} and {@link #openBody} serve it from memory, and an update or removal of its key
 * first waits for it, so this storage's callers see their own writes in order. Other instances
 * sharing the directory see the pair when its metadata is renamed into place, as before.
 *
 * <p>On the disk nothing changes: a pending pair is published with the same protocol as a direct
 * commit, so a crash leaves the old entry or the new one, never a torn one; a crash before the
 * publication only loses the pending pair, as if it had never been stored. A publication that fails
 * is logged and counted and the pair disappears, as an eviction would. The memory held by pending
 * pairs is bounded by {@code maximumPendingBytes}: beyond it a commit publishes on the caller's
 * thread, so a disk slower than the arrivals slows the callers rather than growing the backlog. A
 * body larger than {@code bufferBytes} streams to the store's own writer and commits on the
 * caller's thread.
 */
public final class WriteBehind {
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
    final byte @Nullable [] body; // null for an update
    final int length;
    final @Nullable Metadata base; // null for a commit
    final CompletableFuture<Void> published = new CompletableFuture<>();
    boolean done; // guarded by this
    boolean started; // guarded by this: its publication is writing
    boolean superseded; // guarded by this: a later update of its pair replaces it unwritten

    Pending(StoredPair pair, byte @Nullable [] body, int length, @Nullable Metadata base) {
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

  /**
   * @param threads how many publications may run at once (each mostly waits for the disk)
   */
  public WriteBehind(FileStore store, int bufferBytes, long maximumPendingBytes, int threads) {
    this.store = requireNonNull(store, "store");
    this.bufferBytes = bufferBytes;
    this.maximumPendingBytes = maximumPendingBytes;
    this.executor =
        new ThreadPoolExecutor(
            threads,
            threads,
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
  public BodyWriter newWriter(StoredPair pair) throws IOException {
    requireNonNull(pair, "pair");
    store.checkOpen();
    return new Writer(pair);
  }

  /**
   * The pairs of {@code key}: those on the disk and those pending. The pending ones are read first,
   * so a pair published meanwhile is found on the disk instead, never lost between the two reads.
   */
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
  private static int pendingIndex(List<Pending> waiting, java.util.UUID id) {
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
   * once for this storage's callers, and on the disk behind them, in order with the key's other
   * pending writes. False when no entry of the pair is stored. The entry updated is the one this
   * storage knows now; the new metadata is written only beside that entry's body, so if another
   * instance replaces or removes the entry meanwhile the update is dropped.
   */
  public boolean update(StoredPair pair) throws IOException {
    requireNonNull(pair, "pair");
    store.checkOpen();
    Metadata base = null;
    Pending earlierUpdate = null;
    List<Pending> waiting = pending.get(pair.key());
    int last = waiting == null ? -1 : pendingIndex(waiting, pair.id());
    if (waiting != null && last >= 0) {
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
    if (pendingBytes.addAndGet(UPDATE_WEIGHT) > maximumPendingBytes) {
      pendingBytes.addAndGet(-UPDATE_WEIGHT);
      settle(pair.key());
      return store.update(pair, base);
    }
    enqueue(new Pending(pair, null, 0, base));
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
    return true;
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

  /** Publishes what is pending and stops the threads; later commits publish on the caller. */
  public void close() throws IOException {
    executor.shutdown();
    settleAll();
  }

  private static void await(Pending p) throws IOException {
    try {
      p.published.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while a pending write was published");
    } catch (ExecutionException e) {
      // Never completed exceptionally: a failed publication completes normally.
      Throwable cause = e.getCause();
      throw new StorageException("pending write failed", cause == null ? e : cause);
    }
  }

  private void publish(Pending p) {
    boolean published = false;
    try {
      // Publications of one key keep their commit order: an earlier one is done or running on
      // another thread (the queue is first in, first out), never queued behind this one.
      List<Pending> waiting = pending.get(p.pair.key());
      if (waiting != null) {
        for (Pending earlier : waiting) {
          if (earlier == p) {
            break;
          }
          await(earlier);
        }
      }
      synchronized (p) {
        p.started = !p.superseded;
      }
      if (!p.started) {
        // Replaced by a later update of its pair, queued behind it.
      } else if (p.base == null) {
        commitDirectly(p.pair, requireNonNull(p.body, "body"), p.length); // a commit has its body
        published = true;
      } else {
        published = store.update(p.pair, p.base);
        if (!published) {
          FileStore.LOG.log(
              Level.DEBUG,
              "pending update of {0} dropped: the entry was replaced or removed",
              p.pair.key());
        }
      }
    } catch (IOException | RuntimeException e) {
      failures.incrementAndGet();
      FileStore.LOG.log(
          Level.WARNING, "could not write the pending pair of {0}: {1}", p.pair.key(), e);
    } finally {
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
      // used, in memory and on the disk (the metadata's time is set as it is published).
      p.published.complete(null);
    }
  }

  /** Makes a write pending (its weight already counted) and queues its publication. */
  private void enqueue(Pending p) {
    boolean queued;
    // Registered and queued under one lock, so that a key's pending list and the (first in, first
    // out) queue agree on the order: a publication only ever waits for earlier ones.
    synchronized (queueLock) {
      pending.merge(
          p.pair.key(),
          List.of(p),
          (a, b) -> {
            List<Pending> both = new ArrayList<>(a);
            both.addAll(b);
            return List.copyOf(both);
          });
      try {
        executor.execute(() -> publish(p));
        queued = true;
      } catch (RejectedExecutionException closing) {
        queued = false;
      }
    }
    if (!queued) {
      publish(p);
    }
  }

  private void commitDirectly(StoredPair pair, byte[] body, int length) throws IOException {
    BodyWriter w = store.newWriter(pair);
    try {
      w.write(ByteBuffer.wrap(body, 0, length));
      w.commit();
    } catch (IOException | RuntimeException e) {
      w.abort();
      throw e;
    }
  }

  /** Holds a small body in memory; a larger one goes on to the store's own writer. */
  private final class Writer implements BodyWriter {
    private final StoredPair pair;
    private byte[] buffer = EMPTY;
    private int count;
    private @Nullable BodyWriter direct; // null while the body is held in memory
    private boolean done;

    Writer(StoredPair pair) {
      this.pair = pair;
    }

    @Override
    @SuppressWarnings(
        "NullAway") // the buffer is let go (null) once handed on; nothing reads it after
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
    @SuppressWarnings(
        "NullAway") // the buffer is let go (null) once handed on; nothing reads it after
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
      if (pendingBytes.addAndGet(count) > maximumPendingBytes) {
        pendingBytes.addAndGet(-count);
        settle(pair.key());
        commitDirectly(pair, body, count);
        return;
      }
      enqueue(new Pending(pair, body, count, null));
    }

    @Override
    @SuppressWarnings(
        "NullAway") // the buffer is let go (null) once handed on; nothing reads it after
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
