package dev.cachet.engine.internal;

import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * The threads the engine runs work on: the executor given to it, or an internal pool of daemon
 * threads made when first needed and shut down on close.
 */
final class Workers {
  private static final AtomicInteger THREADS = new AtomicInteger();

  private final Optional<Executor> given;
  private @Nullable ExecutorService own; // guarded by this
  private boolean closed; // guarded by this

  Workers(Optional<Executor> given) {
    this.given = given;
  }

  /**
   * The executor for background work.
   *
   * @throws RejectedExecutionException once closed, when the engine runs its own pool
   */
  Executor background() {
    if (given.isPresent()) {
      return given.get();
    }
    synchronized (this) {
      if (closed) {
        throw new RejectedExecutionException("the cache is closed");
      }
      if (own == null) {
        own =
            Executors.newCachedThreadPool(
                r -> {
                  Thread t = new Thread(r, "cachet-background-" + THREADS.incrementAndGet());
                  t.setDaemon(true);
                  return t;
                });
      }
      return own;
    }
  }

  /**
   * Runs a task that a caller is waiting for (a collapsed request's next look-up): in the
   * background, or on the common pool once the engine is closed, so that it is still answered.
   */
  void resume(Runnable task) {
    try {
      background().execute(task);
    } catch (RejectedExecutionException closedNow) {
      ForkJoinPool.commonPool().execute(task);
    }
  }

  synchronized boolean isClosed() {
    return closed;
  }

  /** Shuts the own pool down; true the first time. */
  boolean close() {
    ExecutorService pool;
    synchronized (this) {
      if (closed) {
        return false;
      }
      closed = true;
      pool = own;
    }
    if (pool != null) {
      pool.shutdownNow();
    }
    return true;
  }
}
