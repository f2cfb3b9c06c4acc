package dev.cachet.storage.redis.internal;

import dev.cachet.storage.StorageException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import redis.clients.jedis.exceptions.JedisConnectionException;

/**
 * Turns the client's runtime exceptions into {@link StorageException}s, and after Redis proves
 * unreachable stops calling it for a while, so that a down or slow Redis costs each request one
 * quick exception rather than a connect or command timeout. Thread-safe.
 */
public final class Guard {
  private final long backoffNanos;
  private final Runnable onConnectionFailure;
  private final AtomicLong openUntil = new AtomicLong();
  private volatile boolean backingOff;

  /**
   * A guard that, after a connection failure, runs {@code onConnectionFailure} (to drop pooled
   * connections that are likely dead too) and fails fast for {@code backoff} (zero: never).
   */
  public Guard(Duration backoff, Runnable onConnectionFailure) {
    this.backoffNanos = backoff.toNanos();
    this.onConnectionFailure = onConnectionFailure;
  }

  /** A Redis call. */
  @FunctionalInterface
  public interface Call<T> {
    /** Makes the call. */
    T call();
  }

  /**
   * Makes a call, translating failures.
   *
   * @throws StorageException if Redis is backed off from, unreachable, slow, or answers an error
   */
  public <T> T call(String what, Call<T> call) throws StorageException {
    if (backingOff) {
      long left = openUntil.get() - System.nanoTime();
      if (left > 0) {
        throw new StorageException(
            what + ": Redis was unreachable; not trying again for " + Duration.ofNanos(left));
      }
      backingOff = false;
    }
    try {
      return call.call();
    } catch (JedisConnectionException e) {
      try {
        onConnectionFailure.run();
      } catch (RuntimeException ignored) {
        // Best effort: a connection that is still dead fails its next command instead.
      }
      if (backoffNanos > 0) {
        openUntil.set(System.nanoTime() + backoffNanos);
        backingOff = true;
      }
      throw new StorageException(what + ": Redis is unreachable or too slow: " + e.getMessage(), e);
    } catch (RuntimeException e) {
      throw new StorageException(what + ": Redis failed: " + e.getMessage(), e);
    }
  }
}
