package dev.cachet.proxy.internal;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;

/**
 * Hands a body's signals to a subscriber on a pool thread, in order, for a subscriber that may
 * block on storage (a body being written to files): the event loop never waits for the disk.
 */
final class Offloaded implements Flow.Subscriber<List<ByteBuffer>> {
  private final Flow.Subscriber<List<ByteBuffer>> target;
  private final Executor pool;
  private final ArrayDeque<Runnable> queue = new ArrayDeque<>();
  private boolean running; // guarded by queue

  Offloaded(Flow.Subscriber<List<ByteBuffer>> target, Executor pool) {
    this.target = target;
    this.pool = pool;
  }

  private void signal(Runnable r) {
    synchronized (queue) {
      queue.add(r);
      if (running) {
        return;
      }
      running = true;
    }
    pool.execute(this::drain);
  }

  private void drain() {
    while (true) {
      Runnable r;
      synchronized (queue) {
        r = queue.poll();
        if (r == null) {
          running = false;
          return;
        }
      }
      r.run();
    }
  }

  @Override
  public void onSubscribe(Flow.Subscription s) {
    signal(() -> target.onSubscribe(s));
  }

  @Override
  public void onNext(List<ByteBuffer> item) {
    signal(() -> target.onNext(item));
  }

  @Override
  public void onError(Throwable t) {
    signal(() -> target.onError(t));
  }

  @Override
  public void onComplete() {
    signal(target::onComplete);
  }

  /**
   * Runs after the signals given to this subscriber so far: on the pool after them if the
   * subscriber is offloaded, else at once, on the caller's thread.
   */
  static void afterSignals(Flow.Subscriber<List<ByteBuffer>> subscriber, Runnable r) {
    if (subscriber instanceof Offloaded o) {
      o.signal(r);
    } else {
      r.run();
    }
  }
}
