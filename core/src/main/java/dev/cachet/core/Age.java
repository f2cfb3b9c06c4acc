package dev.cachet.core;

import dev.cachet.core.internal.DeltaSeconds;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/** The age calculation of RFC 9111 §4.2.3 (F-06), in milliseconds, and the Age field (§5.1). */
final class Age {
  private Age() {}

  /**
   * {@code current_age} of a stored pair at {@code now}:
   *
   * <pre>
   * apparent_age = max(0, response_time - date_value)
   * response_delay = response_time - request_time
   * corrected_age_value = age_value + response_delay
   * corrected_initial_age = max(apparent_age, corrected_age_value)
   * resident_time = now - response_time
   * current_age = corrected_initial_age + resident_time
   * </pre>
   *
   * A missing {@code Date} counts as the response time (F-06). Never negative.
   */
  static long currentAgeMillis(StoredPair pair, Instant now) {
    long responseTime = pair.responseTimeMillis();
    long requestTime = pair.requestTimeMillis();
    var facts = pair.response().facts();
    long dateValue = facts.dateMillis(responseTime);
    long apparentAge = Math.max(0, responseTime - dateValue);
    long responseDelay = Math.max(0, responseTime - requestTime);
    long correctedAgeValue = saturatedAdd(facts.age() * 1000, responseDelay);
    long correctedInitialAge = Math.max(apparentAge, correctedAgeValue);
    long residentTime = Math.max(0, millis(now) - responseTime);
    return saturatedAdd(correctedInitialAge, residentTime);
  }

  /**
   * Instants beyond about 139,000 years from the epoch are clamped, so differences never overflow.
   */
  private static final long LIMIT_SECONDS = 1L << 42;

  /**
   * The instant in epoch milliseconds, clamped to ±2^42 seconds: times are caller input, and an
   * extreme one (such as {@link Instant#MAX}) must not make the arithmetic throw or overflow.
   */
  static long millis(Instant t) {
    long s = t.getEpochSecond();
    if (s >= LIMIT_SECONDS) {
      return LIMIT_SECONDS * 1000;
    }
    if (s <= -LIMIT_SECONDS) {
      return -LIMIT_SECONDS * 1000;
    }
    return t.toEpochMilli();
  }

  /** The {@code Age} field value: whole seconds, non-negative, at most 2^31 (D-01, F-07). */
  static String fieldValue(long ageMillis) {
    long seconds = Math.max(0, ageMillis / 1000);
    if (seconds < SMALL.length) {
      String v = SMALL[(int) seconds];
      if (v == null) {
        // A race makes two equal strings, of which either may stay: both are right.
        v = Long.toString(seconds);
        SMALL[(int) seconds] = v;
      }
      return v;
    }
    return Long.toString(Math.min(seconds, DeltaSeconds.MAX));
  }

  /** The values of the first hour, made once each as needed: most hits are that young. */
  private static final @Nullable String[] SMALL = new String[3600];

  private static long saturatedAdd(long a, long b) {
    long r = a + b;
    return ((a ^ r) & (b ^ r)) < 0 ? Long.MAX_VALUE : r;
  }
}
