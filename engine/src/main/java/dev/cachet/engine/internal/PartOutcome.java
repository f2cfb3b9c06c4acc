package dev.cachet.engine.internal;

import dev.cachet.core.StorePart;
import java.net.URI;
import java.util.concurrent.RejectedExecutionException;

/**
 * What becomes of a part of a partial entry once its body settles (P-04, P-05): counted when
 * committed, the requests behind it released, the parts of another representation removed, and,
 * when the entry has become whole, its promotion to a complete response started in the background.
 */
final class PartOutcome implements TeeSubscriber.Outcome {
  private final Parts parts;
  private final URI uri;
  private final StoreSettlement settlement;
  private final Runnable release;
  private final StorePart part;

  PartOutcome(Parts parts, URI uri, StoreSettlement settlement, Runnable release, StorePart part) {
    this.parts = parts;
    this.uri = uri;
    this.settlement = settlement;
    this.release = release;
    this.part = part;
  }

  @Override
  public void committed() {
    parts.reporter().stored();
    try {
      release.run();
      settlement.settled(true);
    } finally {
      parts.storage().remove(part.replaced(), uri);
      if (part.completes()) {
        try {
          parts.workers().background().execute(() -> PartPromotion.promote(parts, part, uri));
        } catch (RejectedExecutionException closed) {
          // The cache is closing: the entry stays partial, and serves the ranges it holds.
        }
      }
    }
  }

  @Override
  public void aborted() {
    release.run();
    settlement.settled(false);
  }

  @Override
  public void storageFailed(Throwable error) {
    parts.reporter().storageError(uri, error);
    release.run();
    settlement.settled(false);
  }
}
