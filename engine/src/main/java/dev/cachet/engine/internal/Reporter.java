package dev.cachet.engine.internal;

import dev.cachet.core.CacheStatus;
import dev.cachet.core.Reason;
import dev.cachet.engine.CacheEvent;
import dev.cachet.engine.CacheEvent.Outcome;
import dev.cachet.engine.CacheListener;
import dev.cachet.engine.CacheStatistics;
import java.net.URI;
import java.util.Optional;

/**
 * Counts and tells what the engine did: the counters behind {@link CacheStatistics}, the listener
 * (whose exceptions are logged and otherwise ignored), and the storage-error log.
 */
final class Reporter implements SafeStorage.Failures {
  private static final System.Logger LOG = System.getLogger("dev.cachet.engine");

  private final Counters counters = new Counters();
  private final Optional<CacheListener> listener;
  private final StorageErrorLog storageErrorLog = new StorageErrorLog(LOG, System::nanoTime);

  Reporter(Optional<CacheListener> listener) {
    this.listener = listener;
  }

  /** True when a listener hears events, so that they are worth building. */
  boolean listening() {
    return listener.isPresent();
  }

  /** Counts a look-up's outcome; background revalidations are counted when they start. */
  void count(Outcome outcome, boolean background) {
    if (!background) {
      counters.count(outcome);
    }
  }

  /** Counts a response served only because an override rule said so (its reason an OV id). */
  void countOverride(Optional<Reason> reason, boolean background) {
    counters.countOverride(reason, background);
  }

  /** Counts a look-up whose origin exchange failed, as the miss or revalidation it was. */
  void countOriginError(boolean revalidation) {
    counters.countOriginError(revalidation);
  }

  /**
   * Counts and tells a look-up whose exchange with the origin ended in an exception the caller
   * receives: as the miss or revalidation it was, and as an origin error.
   */
  void originError(EventBuilder event, int code, CacheStatus status) {
    Outcome was = event.outcome();
    countOriginError(was != Outcome.MISS && was != Outcome.WRITE_THROUGH);
    event.outcome(Outcome.ORIGIN_ERROR).response(code, status).stored(false);
    tell(event.reason(Optional.empty()));
  }

  void stored() {
    counters.stores.increment();
  }

  void collapsed() {
    counters.collapsed.increment();
  }

  void backgroundStarted() {
    counters.background.increment();
  }

  /** Tells the listener, if any, the event the builder makes; builds it only then. */
  void tell(EventBuilder event) {
    if (listener.isPresent()) {
      CacheEvent e = event.build();
      try {
        listener.get().onOutcome(e);
      } catch (RuntimeException le) {
        LOG.log(System.Logger.Level.WARNING, "cache listener failed", le);
      }
    }
  }

  @Override
  public void storageError(URI uri, Throwable e) {
    counters.storageErrors.increment();
    storageErrorLog.log(uri, e);
    if (listener.isPresent()) {
      try {
        listener.get().onStorageError(uri, e);
      } catch (RuntimeException le) {
        LOG.log(System.Logger.Level.WARNING, "cache listener failed", le);
      }
    }
  }

  void backgroundFailure(URI uri, Throwable e) {
    LOG.log(System.Logger.Level.DEBUG, "background revalidation of " + uri + " failed", e);
    if (listener.isPresent()) {
      try {
        listener.get().onBackgroundRevalidationFailure(uri, e);
      } catch (RuntimeException le) {
        LOG.log(System.Logger.Level.WARNING, "cache listener failed", le);
      }
    }
  }

  CacheStatistics statistics(long evictions) {
    return counters.snapshot(evictions);
  }
}
