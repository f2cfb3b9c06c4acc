package dev.cachet.proxy.internal;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The origin's deadline for one exchange on a connection: its response head must come within the
 * timeout, and then each piece of its body within the timeout of the one before. Time the body
 * waits for the client to ask for more does not count: the client's own timeouts apply then. Used
 * on the origin connection's event loop.
 */
final class OriginDeadline {
  /** What an exchange waits for from the origin. */
  enum Waiting {
    /** Nothing: the exchange is over, and the deadline no longer applies. */
    NOTHING,
    /** The response head. */
    HEAD,
    /** The next piece of the body. */
    BODY,
    /** Nothing from the origin: body pieces wait for the client to ask for them. */
    CLIENT
  }

  /** The exchange the deadline watches. */
  interface Watched {
    /** What the exchange waits for now. */
    Waiting waiting();

    /** The deadline passed. */
    void expired(OriginTimeoutException timeout);
  }

  private final Watched watched;
  private final Duration timeout;
  private @Nullable ScheduledFuture<?> timer;
  private long lastActivity;

  OriginDeadline(Watched watched, Duration timeout) {
    this.watched = watched;
    this.timeout = timeout;
  }

  /** Starts the clock for a new exchange. */
  void start(EventExecutor loop) {
    touch();
    schedule(loop, timeout.toMillis());
  }

  /** Something arrived from the origin. */
  void touch() {
    lastActivity = System.nanoTime();
  }

  /** The exchange is over. */
  void cancel() {
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
  }

  private void schedule(EventExecutor loop, long millis) {
    timer = loop.schedule(() -> check(loop), millis, TimeUnit.MILLISECONDS);
  }

  private void check(EventExecutor loop) {
    Waiting waiting = watched.waiting();
    if (waiting == Waiting.NOTHING) {
      return;
    }
    long millis = timeout.toMillis();
    long idle = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lastActivity);
    if (idle < millis && waiting != Waiting.HEAD) {
      schedule(loop, millis - idle);
      return;
    }
    if (waiting == Waiting.CLIENT) {
      schedule(loop, millis);
      return;
    }
    watched.expired(new OriginTimeoutException("the origin did not answer within " + timeout));
  }
}
