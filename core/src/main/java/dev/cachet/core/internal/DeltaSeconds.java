package dev.cachet.core.internal;

import java.util.OptionalLong;

/** {@code delta-seconds} (RFC 9111 §1.2.2): a non-negative integer number of seconds. */
public final class DeltaSeconds {
  /** 2^31, the value a cache uses for anything larger (RFC 9111 §1.2.2). */
  public static final long MAX = 2_147_483_648L;

  private DeltaSeconds() {}

  /**
   * Parses 1*DIGIT, clamping values beyond 2^31 to 2^31 (F-07). Anything else (empty, sign, spaces,
   * letters, fractions) is invalid and gives an empty result.
   */
  public static OptionalLong parse(String s) {
    if (s == null || s.isEmpty()) {
      return OptionalLong.empty();
    }
    long value = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return OptionalLong.empty();
      }
      if (value < MAX) {
        value = value * 10 + (c - '0');
      }
    }
    return OptionalLong.of(Math.min(value, MAX));
  }
}
