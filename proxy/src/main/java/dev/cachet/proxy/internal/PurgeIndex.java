package dev.cachet.proxy.internal;

import dev.cachet.engine.CacheEvent;
import dev.cachet.engine.CacheListener;
import java.util.ArrayList;
import java.util.List;
import java.util.NavigableSet;
import java.util.concurrent.ConcurrentSkipListSet;

/**
 * The target URIs this proxy has stored responses for, in order, so that a purge by prefix can find
 * them: the {@code Storage} SPI cannot list its keys. It learns from the engine's events, so it
 * knows what this process stored (not what a file store held before a restart), and forgets nothing
 * the storage evicts until a purge asks for it: purging a key that is gone does no harm. Bounded:
 * past {@link #MAX_KEYS} it stops learning.
 */
final class PurgeIndex implements CacheListener {
  static final int MAX_KEYS = 1_000_000;

  private final NavigableSet<String> uris = new ConcurrentSkipListSet<>();

  @Override
  public void onOutcome(CacheEvent event) {
    if (event.stored() && uris.size() < MAX_KEYS) {
      uris.add(event.uri().toString());
    }
  }

  /** The URIs known under this prefix, removed from the index. */
  List<String> take(String prefix) {
    List<String> found = new ArrayList<>();
    for (String u : uris.tailSet(prefix, true)) {
      if (!u.startsWith(prefix)) {
        break;
      }
      found.add(u);
    }
    uris.removeAll(found);
    return found;
  }

  /** Forgets one URI. */
  void forget(String uri) {
    uris.remove(uri);
  }
}
