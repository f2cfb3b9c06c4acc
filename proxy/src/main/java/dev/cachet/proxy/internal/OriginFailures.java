package dev.cachet.proxy.internal;

import dev.cachet.engine.CacheEvent;
import dev.cachet.engine.CacheListener;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Keeps the cache's {@code Cache-Status} member of an exchange whose origin failed, so that the
 * proxy's own 502 or 504 says what the cache did (RFC 9211 §2), e.g. {@code Cachet; fwd=uri-miss}
 * or {@code Cachet; fwd=stale}. The engine tells its listener before it fails the exchange; the
 * member is kept by method and URI until that exchange takes it.
 */
final class OriginFailures implements CacheListener {
  private static final int MAX_KEPT = 10_000;

  private final ConcurrentHashMap<String, String> members = new ConcurrentHashMap<>();

  @Override
  public void onOutcome(CacheEvent event) {
    if (event.outcome() == CacheEvent.Outcome.ORIGIN_ERROR && !event.background()) {
      if (members.size() >= MAX_KEPT) {
        members.clear(); // failures nobody took: forget them rather than grow
      }
      members.put(event.method() + " " + event.uri(), event.cacheStatus());
    }
  }

  /** The member of the last failed exchange for this request, forgetting it. */
  Optional<String> take(String method, String uri) {
    return Optional.ofNullable(members.remove(method + " " + uri));
  }
}
