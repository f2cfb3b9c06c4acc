package dev.cachet.proxy.internal;

import dev.cachet.engine.CacheEvent;
import dev.cachet.engine.CacheListener;
import java.net.URI;
import java.util.List;

/** Tells several listeners, in order. */
final class Listeners implements CacheListener {
  private final List<CacheListener> all;

  Listeners(List<CacheListener> all) {
    this.all = List.copyOf(all);
  }

  @Override
  public void onOutcome(CacheEvent event) {
    for (CacheListener l : all) {
      l.onOutcome(event);
    }
  }

  @Override
  public void onStorageError(URI uri, Throwable error) {
    for (CacheListener l : all) {
      l.onStorageError(uri, error);
    }
  }

  @Override
  public void onBackgroundRevalidationFailure(URI uri, Throwable error) {
    for (CacheListener l : all) {
      l.onBackgroundRevalidationFailure(uri, error);
    }
  }
}
