package dev.cachet.proxy.internal;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** IMF-fixdate (RFC 9110 §5.6.7), formatted once a second rather than once a response. */
final class HttpDates {
  private static final DateTimeFormatter IMF_FIXDATE =
      DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US)
          .withZone(ZoneOffset.UTC);

  private final Clock clock;
  private volatile long second = Long.MIN_VALUE;
  private volatile String formatted = "";

  HttpDates(Clock clock) {
    this.clock = clock;
  }

  /** Now, as an HTTP date. */
  String now() {
    Instant now = clock.instant();
    long s = now.getEpochSecond();
    if (s != second) {
      formatted = IMF_FIXDATE.format(now);
      second = s;
    }
    return formatted;
  }
}
