package dev.cachet.storage.redis.internal;

import static java.util.Objects.requireNonNull;

import dev.cachet.core.CacheOptions;
import dev.cachet.core.CachePolicy;
import dev.cachet.core.StoredPair;
import java.time.Duration;
import java.time.Instant;

/**
 * How long Redis keeps a pair: what is left of its freshness lifetime (RFC 9111 §4.2), plus a grace
 * period in which a stale pair may still be revalidated (§4.3) or served stale where allowed
 * (§4.2.4), clamped to a minimum and a maximum.
 *
 * @param options the cache's options, for the freshness rules (shared or private, heuristics)
 * @param grace added to the remaining freshness lifetime
 * @param minimum the least time to live
 * @param maximum the most time to live
 */
public record Lifetimes(CacheOptions options, Duration grace, Duration minimum, Duration maximum) {
  /** The least time to live Redis is given, whatever the minimum: one second. */
  static final Duration FLOOR = Duration.ofSeconds(1);

  /** Checks the arguments. */
  public Lifetimes {
    requireNonNull(options, "options");
    requireNonNull(grace, "grace");
    requireNonNull(minimum, "minimum");
    requireNonNull(maximum, "maximum");
  }

  /** The time to live of a pair stored or freshened at {@code now}, in milliseconds. */
  public long timeToLiveMillis(StoredPair pair, Instant now) {
    Duration fresh;
    try {
      fresh =
          CachePolicy.of(
                  pair.request(), pair.response(), pair.requestTime(), pair.responseTime(), options)
              .timeToLive(now);
    } catch (RuntimeException e) {
      // Core is total; should it ever throw, the pair still gets the grace period.
      fresh = Duration.ZERO;
    }
    Duration ttl = fresh.compareTo(maximum) >= 0 ? maximum : fresh.plus(grace);
    if (ttl.compareTo(maximum) > 0) {
      ttl = maximum;
    }
    if (ttl.compareTo(minimum) < 0) {
      ttl = minimum;
    }
    if (ttl.compareTo(FLOOR) < 0) {
      ttl = FLOOR;
    }
    return ttl.toMillis();
  }
}
