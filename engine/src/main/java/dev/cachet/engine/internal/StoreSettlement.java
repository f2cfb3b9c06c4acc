package dev.cachet.engine.internal;

import dev.cachet.core.InvalidatePairs;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * When a response being stored is settled — its writer committed or aborted — and what waits for
 * that: the report of whether it was stored (RFC 9211 §2.5: the event says what happened, not what
 * the cache set out to do), and the removal of the stored responses it replaces (V-03), which stay
 * servable until the new one is complete. Thread-safe: settled on the body's thread, asked on the
 * exchange's.
 */
final class StoreSettlement {
  private final Consumer<InvalidatePairs> invalidate;
  private boolean storing; // guarded by this: a writer was made and has not finished
  private boolean stored; // guarded by this: the writer committed
  private @Nullable Consumer<Boolean> untold; // guarded by this: the report waiting for the writer
  private @Nullable InvalidatePairs replaced; // guarded by this

  StoreSettlement(Consumer<InvalidatePairs> invalidate) {
    this.invalidate = invalidate;
  }

  /**
   * A writer was made (or not) for the response; {@code replaced}, if not null, goes once it
   * settles.
   */
  synchronized void begin(boolean writing, @Nullable InvalidatePairs replacedOnSettle) {
    storing = writing;
    replaced = writing ? replacedOnSettle : null;
  }

  /** Runs {@code report} with whether the response was stored, now or once the body settles. */
  void whenSettled(Consumer<Boolean> report) {
    boolean now;
    synchronized (this) {
      if (storing) {
        untold = report;
        return;
      }
      now = stored;
    }
    report.accept(now);
  }

  /**
   * The writer committed (true) or was aborted (false). Either way the responses it replaces go
   * now, the origin having sent a newer one, stored or not; unless {@link #keepReplaced()} was
   * called first.
   */
  void settled(boolean committed) {
    Consumer<Boolean> report;
    InvalidatePairs outdated;
    synchronized (this) {
      if (!storing) {
        return;
      }
      storing = false;
      stored = committed;
      report = untold;
      untold = null;
      outdated = replaced;
      replaced = null;
    }
    if (outdated != null) {
      invalidate.accept(outdated);
    }
    if (report != null) {
      report.accept(committed);
    }
  }

  /** The new response never arrived whole (its exchange was given up): the old ones stay. */
  synchronized void keepReplaced() {
    replaced = null;
  }
}
