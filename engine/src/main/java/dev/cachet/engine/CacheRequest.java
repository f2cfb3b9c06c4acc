package dev.cachet.engine;

import static java.util.Objects.requireNonNull;

import dev.cachet.core.Request;
import java.time.Duration;
import java.util.Optional;

/**
 * A caller's request, as a shell hands it to {@link CacheEngine#send}.
 *
 * @param request the method, target URI and header fields as the cache sees them (a shell adds the
 *     cookies it applies itself before, so that {@code Vary: Cookie} matches what is sent)
 * @param hasBody true when the request carries content: it is never collapsed with others (its
 *     sender's alone, SEC-07)
 * @param timeout the caller's own time limit, if any: a collapsed request waits at most this long
 *     for its leader, and a background revalidation it starts is bounded by it
 */
public record CacheRequest(Request request, boolean hasBody, Optional<Duration> timeout) {
  /** Creates a cache request. */
  public CacheRequest {
    requireNonNull(request, "request");
    requireNonNull(timeout, "timeout");
  }

  /** A request without content or time limit. */
  public static CacheRequest of(Request request) {
    return new CacheRequest(request, false, Optional.empty());
  }
}
