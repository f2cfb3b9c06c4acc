package dev.cachet.proxy.internal;

import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * The open client connections: counts them against the limit, and checks their deadlines a few
 * times a second (one sweep for all, rather than a timer per request). At the limit, a new
 * connection displaces the one that has waited longest for a request head, or sits idle longest;
 * only when every connection is busy answering is the new one refused with 503, so clients that
 * hold connections without sending cannot keep out those that send.
 */
final class Registry {
  private static final long SWEEP_MILLIS = 100;

  private final int max;
  private final Set<Guard> guards = ConcurrentHashMap.newKeySet();
  private final AtomicInteger count = new AtomicInteger();
  private @Nullable ScheduledFuture<?> sweeper;

  Registry(int max) {
    this.max = max;
  }

  void start(EventLoopGroup group) {
    sweeper =
        group
            .next()
            .scheduleAtFixedRate(this::sweep, SWEEP_MILLIS, SWEEP_MILLIS, TimeUnit.MILLISECONDS);
  }

  void stop() {
    if (sweeper != null) {
      sweeper.cancel(false);
    }
  }

  /** Counts a new connection in; false when it must be refused. */
  boolean admit(Guard g) {
    if (count.incrementAndGet() > max) {
      Guard victim = null;
      for (Guard other : guards) {
        Guard.State s = other.state();
        if ((s == Guard.State.HEAD || s == Guard.State.IDLE)
            && (victim == null || other.since() - victim.since() < 0)) {
          victim = other;
        }
      }
      if (victim == null || !guards.remove(victim)) {
        count.decrementAndGet();
        return false;
      }
      count.decrementAndGet(); // the victim's place
      victim.shed();
    }
    guards.add(g);
    return true;
  }

  void remove(Guard g) {
    if (guards.remove(g)) {
      count.decrementAndGet();
    }
  }

  /** Open connections. */
  int size() {
    return count.get();
  }

  Set<Guard> all() {
    return guards;
  }

  private void sweep() {
    long now = System.nanoTime();
    for (Guard g : guards) {
      if (g.expired(now) && g.channel() != null) {
        g.channel().eventLoop().execute(g::expire);
      }
    }
  }
}
