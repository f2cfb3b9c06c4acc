package dev.cachet.engine.internal;

import dev.cachet.core.StoredPair;

/**
 * What becomes of a response being stored once its body settles: counted when committed, the
 * requests collapsed behind it released, its {@link StoreSettlement} settled, and, when the key was
 * at its bound of variants, the oldest variants trimmed (SEC-06).
 */
final class StoreOutcome implements TeeSubscriber.Outcome {
  private final Parts parts;
  private final OriginCall.Site site;
  private final StoreSettlement settlement;
  private final Runnable release;
  private final StoredPair written;

  StoreOutcome(
      Parts parts,
      OriginCall.Site site,
      StoreSettlement settlement,
      Runnable release,
      StoredPair written) {
    this.parts = parts;
    this.site = site;
    this.settlement = settlement;
    this.release = release;
    this.written = written;
  }

  @Override
  public void committed() {
    parts.reporter().stored();
    try {
      release.run();
      settlement.settled(true);
    } finally {
      // After the responses this one replaces are gone (V-03), so that only variants still stored
      // count against the bound (SEC-06).
      if (site.crowded()) {
        parts
            .storage()
            .boundVariants(written, parts.options().maximumVariantsPerKey(), site.request().uri());
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
    parts.reporter().storageError(site.request().uri(), error);
    release.run();
    settlement.settled(false);
  }
}
