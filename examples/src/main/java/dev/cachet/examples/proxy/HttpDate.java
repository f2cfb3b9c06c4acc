package dev.cachet.examples.proxy;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** Formats IMF-fixdate, the preferred HTTP date format (RFC 9110 §5.6.7). */
final class HttpDate {
  private static final DateTimeFormatter IMF_FIXDATE =
      DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US)
          .withZone(ZoneOffset.UTC);

  private HttpDate() {}

  static String format(Instant instant) {
    return IMF_FIXDATE.format(instant);
  }
}
