package dev.cachet.engine.internal;

import java.net.URI;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Logs storage failures without flooding: a broken storage fails every request, and one stack trace
 * per request says nothing the first did not. The first failure is logged with its trace at {@code
 * WARNING}; later ones at most once a minute, as one line with how many there were and the latest's
 * message. Every failure is also logged with its trace at {@code DEBUG}, and counted in the
 * statistics and told to the listener whatever is logged.
 */
final class StorageErrorLog {
  static final long QUIET_NANOS = TimeUnit.MINUTES.toNanos(1);

  private final System.Logger log;
  private final LongSupplier nanoTime;
  private boolean logged; // guarded by this
  private long lastLine; // guarded by this
  private long unlogged; // guarded by this

  StorageErrorLog(System.Logger log, LongSupplier nanoTime) {
    this.log = log;
    this.nanoTime = nanoTime;
  }

  void log(URI uri, Throwable e) {
    String summary = null;
    boolean first = false;
    synchronized (this) {
      long now = nanoTime.getAsLong();
      if (!logged) {
        logged = true;
        first = true;
        lastLine = now;
      } else if (now - lastLine >= QUIET_NANOS) {
        summary =
            "cache storage failed "
                + (unlogged + 1)
                + " more times in the last "
                + TimeUnit.NANOSECONDS.toSeconds(now - lastLine)
                + " s; using the origin. Latest, for "
                + uri
                + ": "
                + e;
        unlogged = 0;
        lastLine = now;
      } else {
        unlogged++;
      }
    }
    if (first) {
      log.log(
          System.Logger.Level.WARNING,
          "cache storage failed for "
              + uri
              + "; using the origin (later failures are summed up once a minute)",
          e);
    } else if (summary != null) {
      log.log(System.Logger.Level.WARNING, summary);
    }
    log.log(System.Logger.Level.DEBUG, "cache storage failed for " + uri, e);
  }
}
