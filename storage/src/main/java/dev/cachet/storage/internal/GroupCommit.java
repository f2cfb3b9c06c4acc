package dev.cachet.storage.internal;

import static java.util.Objects.requireNonNull;

import dev.cachet.core.CacheKey;
import dev.cachet.core.StoredPair;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
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
 * The writes pending behind their callers ({@link WriteBehind}), by key, and the one thread that
 * carries them out in their order, a batch at a time: the writes queued while the previous batch
 * was written. When durable, each shard directory in which a batch replaced entries is forced once
 * for the whole batch (a group commit), so a forced write's cost is shared by the batch; only then
 * are the batch's writes reported done.
 *
 * <p>A queue is written a short while after its first write, so that a batch gathers the writes of
 * that while: {@link #COMMIT_DELAY_NANOS} after its first commit, {@link #UPDATE_DELAY_NANOS} after
 * its first update (a 304's freshening) when it holds no commit, at once when anyone waits for one
 * of its writes or it holds {@link #BATCH} commits (updates are bounded by the pending bytes, and
 * the longer they wait the more of them are replaced unwritten). So a durable batch forces each
 * shard once for many commits, not once for every one or two, and the writer thread is not woken
 * for every write. Meanwhile a later update of the same pair replaces an earlier one in the queue,
 * so a hot entry costs one write a second, not one per revalidation. The delays are what a crash
 * can lose beyond the writes in progress: pairs this storage had acknowledged but not yet written,
 * which a write behind the caller never promised to keep; a lost freshening costs one more
 * revalidation, never a wrong answer.
 */
final class GroupCommit {
  private static final AtomicInteger THREADS = new AtomicInteger();

  /** How long a queue holding commits waits before it is written. */
  static final long COMMIT_DELAY_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

  /** How long a queue of updates only waits before it is written. */
  static final long UPDATE_DELAY_NANOS = TimeUnit.SECONDS.toNanos(1);

  /** A queue holding this many commits is written at once. */
  static final int BATCH = 512;

  private final FileStore store;
  private final long maximumPendingBytes;
  private final ConcurrentHashMap<CacheKey, List<PendingWrite>> pending = new ConcurrentHashMap<>();
  private final AtomicLong pendingBytes = new AtomicLong();
  private final AtomicLong failures = new AtomicLong();
  private final ThreadPoolExecutor executor;
  private final Object queueLock = new Object();
  // In order; a set, so that an update replaced before it is written leaves it at once.
  private final Set<PendingWrite> queue = new LinkedHashSet<>(); // guarded by queueLock
  private boolean draining; // guarded by queueLock
  private boolean urgent; // guarded by queueLock: the queue is to be written now
  private long dueNanos; // guarded by queueLock: when the queue is to be written
  private int commits; // guarded by queueLock: the commits in the queue
  private boolean interrupted; // on the writer thread: an interrupt to restore once idle

  GroupCommit(FileStore store, long maximumPendingBytes) {
    this.store = store;
    this.maximumPendingBytes = maximumPendingBytes;
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

  /** The writes of a key pending now, in their order; null when none. */
  @Nullable List<PendingWrite> waiting(CacheKey key) {
    return pending.get(key);
  }

  /**
   * Counts a write's weight against the bound; true when the backlog is then over it (the caller
   * then waits for its write).
   */
  boolean reserve(int weight) {
    return pendingBytes.addAndGet(weight) > maximumPendingBytes;
  }

  /** Stops taking writes: later ones are carried out by their callers; the queue is written now. */
  void shutdown() {
    executor.shutdown();
    writeNow();
  }

  /**
   * Has the queue written without waiting out the delay: someone waits for one of its writes, or it
   * must not grow.
   */
  void writeNow() {
    synchronized (queueLock) {
      if (!queue.isEmpty()) {
        urgent = true;
        queueLock.notifyAll();
      }
    }
  }

  /** Waits until every pending pair of {@code key} is published (or has failed). */
  void settle(CacheKey key) throws IOException {
    List<PendingWrite> waiting = pending.get(key);
    if (waiting != null) {
      writeNow();
      for (PendingWrite p : waiting) {
        p.await();
      }
    }
  }

  /**
   * Waits until the pending writes of these pairs of {@code key} are published (or have failed),
   * not the key's others: removing some pairs needs no other write on the disk first, and a caller
   * that has just committed a pair replacing them need not wait for the disk.
   */
  void settle(CacheKey key, Collection<UUID> ids) throws IOException {
    List<PendingWrite> waiting = pending.get(key);
    if (waiting != null) {
      writeNow();
      for (PendingWrite p : waiting) {
        if (ids.contains(p.pair.id())) {
          p.await();
        }
      }
    }
  }

  /** Waits until every pair pending now is published (or has failed). */
  void settleAll() throws IOException {
    writeNow();
    for (List<PendingWrite> waiting : pending.values()) {
      for (PendingWrite p : waiting) {
        p.await();
      }
    }
  }

  /**
   * Waits until every pair pending now is published (or has failed), for at most {@code bound}; the
   * number of pairs still pending then. For the exit of the JVM, whose writer threads stop with it.
   */
  int settleAll(Duration bound) {
    long deadline = System.nanoTime() + bound.toNanos();
    writeNow();
    int left = 0;
    for (List<PendingWrite> waiting : pending.values()) {
      for (PendingWrite p : waiting) {
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
  long pendingBytes() {
    return pendingBytes.get();
  }

  /** How many publications have failed (each logged); their pairs were dropped. */
  long failures() {
    return failures.get();
  }

  /** Carries out the queued writes, a batch at a time, until the queue is empty. */
  private void drain() {
    while (true) {
      List<PendingWrite> batch;
      synchronized (queueLock) {
        awaitDue();
        if (queue.isEmpty()) {
          draining = false;
          if (interrupted) {
            interrupted = false;
            Thread.currentThread().interrupt();
          }
          return;
        }
        batch = new ArrayList<>(queue);
        queue.clear();
        urgent = false;
        commits = 0;
      }
      publish(batch);
    }
  }

  /**
   * Waits, holding {@code queueLock}, until the queue is due: it holds a commit or someone waits,
   * or its first write has waited the delay.
   */
  @SuppressWarnings("WaitNotInLoop") // the loop is the due check around it
  private void awaitDue() {
    while (!queue.isEmpty() && !urgent) {
      long left = dueNanos - System.nanoTime();
      if (left <= 0) {
        return;
      }
      try {
        TimeUnit.NANOSECONDS.timedWait(queueLock, left);
      } catch (InterruptedException e) {
        // Write now, with the flag clear (a channel used by an interrupted thread is closed),
        // and restore it once the queue is empty.
        interrupted = true;
        return;
      }
    }
  }

  /**
   * Writes a batch in commit order, then, when durable, forces once each shard in which it replaced
   * entries (the group commit; a new name is not forced, see {@link Commits}), and only then
   * reports the batch's writes done: {@link #settle} and the waits for every write return once
   * their writes are as durable as the store makes them.
   */
  private void publish(List<PendingWrite> batch) {
    Set<Integer> touched = new HashSet<>();
    for (PendingWrite p : batch) {
      synchronized (p) {
        p.started = !p.superseded;
      }
      if (!p.started) {
        continue; // Replaced by a later update of its pair, queued behind it.
      }
      try {
        if (p.base == null) {
          int replaced = store.commitUnforced(p.pair, requireNonNull(p.body, "body"), p.length);
          if (replaced >= 0) {
            touched.add(replaced);
          }
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
      for (PendingWrite p : batch) {
        finish(p);
      }
    }
  }

  /** Takes a write out of the pending ones and wakes whoever waits for it. */
  private void finish(PendingWrite p) {
    pending.computeIfPresent(
        p.pair.key(),
        (k, list) -> {
          List<PendingWrite> rest = new ArrayList<>(list);
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

  /**
   * Makes an update of {@code pair} pending (its weight already counted) and queues it for the
   * writer thread. When {@code earlier}, an update of the same pair, is not written yet, the new
   * one replaces it: the disk goes from the old metadata to the newest, and whoever waits for the
   * earlier one waits for this one. Returns the update queued.
   */
  PendingWrite enqueueUpdate(StoredPair pair, Metadata base, @Nullable PendingWrite earlier) {
    PendingWrite next;
    synchronized (queueLock) {
      boolean inItsPlace = false;
      if (earlier != null && queue.remove(earlier)) {
        inItsPlace = true;
        // Never taken by the writer, so never started: the new one takes its place in the key's
        // list (the pair is never without a pending update between the two) and its completion.
        PendingWrite replacing = new PendingWrite(pair, base, earlier.published);
        pending.computeIfPresent(
            pair.key(),
            (k, list) -> {
              List<PendingWrite> swapped = new ArrayList<>(list.size());
              for (PendingWrite w : list) {
                swapped.add(w == earlier ? replacing : w);
              }
              return List.copyOf(swapped);
            });
        pendingBytes.addAndGet(-earlier.weight());
        next = replacing;
      } else {
        if (earlier != null) {
          // Taken into the batch being written: unless already being written, it is skipped.
          synchronized (earlier) {
            if (!earlier.started) {
              earlier.superseded = true;
            }
          }
        }
        next = new PendingWrite(pair, null, 0, base);
        register(next);
      }
      if (queue(next, inItsPlace)) {
        return next;
      }
    }
    publishHere(next);
    return next;
  }

  /** Makes a write pending (its weight already counted) and queues it for the writer thread. */
  void enqueue(PendingWrite p) {
    synchronized (queueLock) {
      register(p);
      if (queue(p, false)) {
        return;
      }
    }
    publishHere(p);
  }

  /**
   * Adds a write to its key's pending ones, under {@code queueLock}, so that a key's pending list
   * and the (first in, first out) queue agree on the order.
   */
  private void register(PendingWrite p) {
    pending.merge(
        p.pair.key(),
        List.of(p),
        (a, b) -> {
          List<PendingWrite> both = new ArrayList<>(a);
          both.addAll(b);
          return List.copyOf(both);
        });
  }

  /**
   * Queues a pending write for the writer thread, under {@code queueLock}; false when closing (the
   * caller then carries it out, see {@link #publishHere}). A write {@code inItsPlace} of one just
   * taken out keeps the queue's due time, even if that one was alone in it: else a pair revalidated
   * more often than the delay would never be written.
   */
  private boolean queue(PendingWrite p, boolean inItsPlace) {
    if (executor.isShutdown()) {
      return false;
    }
    if (queue.isEmpty() && !inItsPlace) {
      dueNanos = System.nanoTime() + UPDATE_DELAY_NANOS;
    }
    if (p.base == null && ++commits == 1) {
      long due = System.nanoTime() + COMMIT_DELAY_NANOS;
      if (due - dueNanos < 0) {
        dueNanos = due;
        queueLock.notifyAll();
      }
    }
    queue.add(p);
    if (commits >= BATCH && !urgent) {
      urgent = true;
      queueLock.notifyAll();
    }
    if (!draining) {
      try {
        executor.execute(this::drain);
        draining = true;
      } catch (RejectedExecutionException closing) {
        queue.remove(p);
        return false;
      }
    }
    return true;
  }

  /** Closing: carries a write out on the caller, after its key's earlier writes. */
  private void publishHere(PendingWrite p) {
    try {
      List<PendingWrite> waiting = pending.get(p.pair.key());
      if (waiting != null) {
        for (PendingWrite before : waiting) {
          if (before == p) {
            break;
          }
          before.await();
        }
      }
    } catch (IOException e) {
      // Waited for as far as possible; the write follows.
    }
    publish(List.of(p));
  }
}
