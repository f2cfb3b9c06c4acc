package dev.cachet.examples.proxy;

import dev.cachet.engine.CacheEvent;
import dev.cachet.engine.CacheListener;
import java.util.Optional;

/**
 * Keeps the cache's {@code Cache-Status} member of an exchange whose origin failed, so that the
 * proxy's own 502 or 504 says what the cache did (RFC 9211 §2), e.g. {@code Cachet; fwd=uri-miss}
 * or {@code Cachet; fwd=stale}. The client's blocking {@code send} reports the failure on the
 * calling thread before it throws, so the member is kept per thread, and taken once.
 */
final class OriginErrors implements CacheListener {
  /** The member when the cache's own is not known: it forwarded the request, for some reason. */
  static final String FALLBACK = "Cachet; fwd=miss";

  private final ThreadLocal<String> last = new ThreadLocal<>();

  @Override
  public void onOutcome(CacheEvent event) {
    if (event.outcome() == CacheEvent.Outcome.ORIGIN_ERROR && !event.background()) {
      last.set(event.cacheStatus());
    }
  }

  /** The member this thread's last failed exchange had, if any, forgetting it. */
  Optional<String> take() {
    String member = last.get();
    last.remove();
    return Optional.ofNullable(member);
  }

  /** Forgets whatever this thread kept, before a new exchange. */
  void clear() {
    last.remove();
  }
}
