package dev.cachet.core.internal;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Optional;

/**
 * HTTP-date (RFC 9110 §5.6.7): parses IMF-fixdate and the obsolete RFC 850 and asctime formats;
 * formats IMF-fixdate. Parsing never throws.
 *
 * <p>Recipients may be robust (§5.6.7), and Cachet is in the one way that cannot misplace a date
 * (O-03): month names and the zone name compare without regard to case, and {@code UTC} is read as
 * {@code GMT}. Nothing else is guessed: another zone, a missing field or a two-digit year outside
 * RFC 850's form stays invalid, so an invalid {@code Expires} still means "already expired".
 */
public final class HttpDates {
  private static final String[] MONTHS = {
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"
  };
  private static final DateTimeFormatter IMF =
      DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.ROOT)
          .withZone(ZoneOffset.UTC);

  private HttpDates() {}

  private static final Instant FIRST = Instant.parse("0001-01-01T00:00:00Z");
  private static final Instant LAST = Instant.parse("9999-12-31T23:59:59Z");

  /**
   * Formats an instant as IMF-fixdate, e.g. {@code Sun, 06 Nov 1994 08:49:37 GMT}. An HTTP-date has
   * a four-digit year, so instants outside years 1 to 9999 are clamped to them.
   */
  public static String format(Instant instant) {
    Instant t = instant.isBefore(FIRST) ? FIRST : instant.isAfter(LAST) ? LAST : instant;
    return IMF.format(t);
  }

  /** One parsed value; immutable, so racing threads may read and replace it freely. */
  private record Parsed(String text, Optional<Instant> instant) {}

  /**
   * The values parsed last, direct-mapped by hash: responses repeat the same dates ({@code Date}
   * within a second, {@code Expires} and {@code Last-Modified} of one resource), and a hit here
   * costs a hash and a comparison instead of a parse.
   */
  private static final Parsed[] RECENT = new Parsed[64];

  /** Parses any of the three HTTP-date formats; empty when the value is not one of them. */
  public static Optional<Instant> parse(String value) {
    if (value == null) {
      return Optional.empty();
    }
    int h = value.hashCode();
    int slot = (h ^ (h >>> 16)) & (RECENT.length - 1);
    Parsed recent = RECENT[slot];
    if (recent != null && recent.text.equals(value)) {
      return recent.instant;
    }
    Optional<Instant> parsed = parseUncached(value);
    RECENT[slot] = new Parsed(value, parsed);
    return parsed;
  }

  private static Optional<Instant> parseUncached(String value) {
    String s = value.trim();
    try {
      int comma = s.indexOf(',');
      if (comma == 3) {
        return imfFixdate(s);
      } else if (comma > 3) {
        return rfc850(s, comma);
      } else if (comma < 0) {
        return asctime(s);
      }
    } catch (RuntimeException e) {
      // Malformed in some way the checks below did not foresee: not a date.
    }
    return Optional.empty();
  }

  // Sun, 06 Nov 1994 08:49:37 GMT
  private static Optional<Instant> imfFixdate(String s) {
    if (s.length() != 29 || s.charAt(4) != ' ' || s.charAt(7) != ' ' || s.charAt(11) != ' ') {
      return Optional.empty();
    }
    if (s.charAt(16) != ' ' || s.charAt(25) != ' ' || !endsWithUtcZone(s)) {
      return Optional.empty();
    }
    int day = digits(s, 5, 7);
    int month = month(s, 8);
    int year = digits(s, 12, 16);
    return at(year, month, day, s, 17);
  }

  // Sunday, 06-Nov-94 08:49:37 GMT
  private static Optional<Instant> rfc850(String s, int comma) {
    String rest = s.substring(comma + 1);
    if (rest.length() != 23 || rest.charAt(0) != ' ' || rest.charAt(3) != '-') {
      return Optional.empty();
    }
    if (rest.charAt(7) != '-' || rest.charAt(10) != ' ' || !endsWithUtcZone(rest)) {
      return Optional.empty();
    }
    int day = digits(rest, 1, 3);
    int month = month(rest, 4);
    int yy = digits(rest, 8, 10);
    // RFC 9110 §5.6.7: a two-digit year more than 50 years in the future is in the past century.
    // Core reads no clock, so the pivot is fixed: 70-99 are 19xx, 00-69 are 20xx.
    int year = yy < 0 ? -1 : (yy >= 70 ? 1900 + yy : 2000 + yy);
    return at(year, month, day, rest, 11);
  }

  // Sun Nov  6 08:49:37 1994
  private static Optional<Instant> asctime(String s) {
    if (s.length() != 24 || s.charAt(3) != ' ' || s.charAt(7) != ' ' || s.charAt(10) != ' ') {
      return Optional.empty();
    }
    if (s.charAt(19) != ' ') {
      return Optional.empty();
    }
    int month = month(s, 4);
    int day = s.charAt(8) == ' ' ? digits(s, 9, 10) : digits(s, 8, 10);
    int year = digits(s, 20, 24);
    return at(year, month, day, s, 11);
  }

  private static Optional<Instant> at(int year, int month, int day, String s, int timeAt) {
    if (s.charAt(timeAt + 2) != ':' || s.charAt(timeAt + 5) != ':') {
      return Optional.empty();
    }
    int hour = digits(s, timeAt, timeAt + 2);
    int minute = digits(s, timeAt + 3, timeAt + 5);
    int second = digits(s, timeAt + 6, timeAt + 8);
    if (year < 0 || month < 0 || day < 0 || hour < 0 || minute < 0 || second < 0) {
      return Optional.empty();
    }
    try {
      // RFC 9110 §5.6.7 allows a leap second (60); fold it into the next minute's start.
      int leap = second == 60 ? 1 : 0;
      LocalDateTime t =
          LocalDateTime.of(
              LocalDate.of(year, month, day), LocalTime.of(hour, minute, second - leap));
      return Optional.of(ZonedDateTime.of(t, ZoneOffset.UTC).toInstant().plusSeconds(leap));
    } catch (DateTimeException e) {
      return Optional.empty();
    }
  }

  /** True when the value ends with " GMT" (or " UTC"), in any case. */
  private static boolean endsWithUtcZone(String s) {
    int at = s.length() - 4;
    return at >= 0
        && s.charAt(at) == ' '
        && (s.regionMatches(true, at + 1, "GMT", 0, 3)
            || s.regionMatches(true, at + 1, "UTC", 0, 3));
  }

  private static int month(String s, int at) {
    if (at + 3 > s.length()) {
      return -1;
    }
    for (int i = 0; i < MONTHS.length; i++) {
      if (s.regionMatches(true, at, MONTHS[i], 0, 3)) {
        return i + 1;
      }
    }
    return -1;
  }

  private static int digits(String s, int from, int to) {
    if (to > s.length()) {
      return -1;
    }
    int v = 0;
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      v = v * 10 + (c - '0');
    }
    return v;
  }
}
