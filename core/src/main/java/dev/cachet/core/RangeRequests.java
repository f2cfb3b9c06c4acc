package dev.cachet.core;

import dev.cachet.core.internal.EntityTags;
import dev.cachet.core.internal.HttpDates;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Range requests answered by the cache (RFC 9110 §14): reading {@code Range} and {@code If-Range},
 * and the {@code 206} and {@code 416} made from a stored response.
 *
 * <p>Cachet answers a single range ({@code bytes=0-9}, an open end {@code bytes=90-}, a suffix
 * {@code bytes=-10}). A request for several ranges is answered with the whole {@code 200}, which
 * RFC 9110 §14.2 allows (a server MAY ignore {@code Range}); so is one whose {@code Range} does not
 * parse, names another unit, or comes on more than one field line.
 */
final class RangeRequests {
  /**
   * RFC 9110 §8.8.2.2: a cache compares a {@code Last-Modified} as strong only when it is at least
   * 60 seconds before the stored {@code Date}.
   */
  private static final Duration STRONG_LAST_MODIFIED = Duration.ofSeconds(60);

  private RangeRequests() {}

  /** What a {@code Range} request asks of a representation. */
  sealed interface Outcome permits Whole, Slice, Unsatisfiable {}

  /** No range to answer: send the whole representation with its usual status. */
  record Whole() implements Outcome {}

  /** One satisfiable range: a {@code 206} with it. */
  record Slice(ContentRange range) implements Outcome {}

  /** No range overlaps the representation: {@code 416} (RFC 9110 §15.5.17). */
  record Unsatisfiable(long completeLength) implements Outcome {}

  private static final Whole WHOLE = new Whole();

  /** Whether the request asks for a range at all: a {@code GET} with {@code Range}. */
  static boolean asksForRange(Request request) {
    return request.method().equals("GET") && request.headers().contains("Range");
  }

  /**
   * What the request's {@code Range} and {@code If-Range} ask of a representation with these
   * validators and this complete length (RFC 9110 §14.2, §13.1.5). Preconditions the cache answers
   * (V-06) are evaluated before, by the caller: §14.2 evaluates {@code Range} only when the answer
   * would otherwise be a {@code 200}.
   */
  static Outcome evaluate(Request request, Response representation, long completeLength) {
    if (!asksForRange(request) || completeLength < 1) {
      return WHOLE;
    }
    List<String> ifRange = request.headers().allValues("If-Range");
    if (!ifRange.isEmpty()
        && (ifRange.size() > 1 || !ifRangeHolds(ifRange.get(0), representation))) {
      return WHOLE; // §13.1.5: the condition is false, so the Range is ignored.
    }
    List<String> lines = request.headers().allValues("Range");
    if (lines.size() != 1) {
      return WHOLE;
    }
    return parse(lines.get(0), completeLength);
  }

  /**
   * The one range of a {@code Range} field value (RFC 9110 §14.1.2, §14.2) against a representation
   * of {@code completeLength} bytes.
   */
  static Outcome parse(String value, long completeLength) {
    String v = value.trim();
    int eq = v.indexOf('=');
    if (eq < 0 || !v.substring(0, eq).trim().equalsIgnoreCase("bytes")) {
      return WHOLE; // another unit, or not a ranges-specifier
    }
    String set = v.substring(eq + 1);
    String spec = null;
    for (String element : set.split(",", -1)) {
      String e = element.trim();
      if (e.isEmpty()) {
        continue; // §5.6.1: empty list elements are ignored
      }
      if (spec != null) {
        return WHOLE; // several ranges: answered with the whole representation
      }
      spec = e;
    }
    if (spec == null) {
      return WHOLE;
    }
    int dash = spec.indexOf('-');
    if (dash < 0) {
      return WHOLE;
    }
    if (dash == 0) {
      long suffix = digits(spec, 1, spec.length());
      if (suffix < 0) {
        return WHOLE;
      }
      if (suffix == 0) {
        return new Unsatisfiable(completeLength); // §14.1.1: a suffix of 0 bytes is not satisfiable
      }
      long length = Math.min(suffix, completeLength);
      return new Slice(new ContentRange(completeLength - length, length, completeLength));
    }
    long first = digits(spec, 0, dash);
    if (first < 0) {
      return WHOLE;
    }
    long last;
    if (dash == spec.length() - 1) {
      last = completeLength - 1;
    } else {
      last = digits(spec, dash + 1, spec.length());
      if (last < 0 || last < first) {
        return WHOLE; // §14.1.1: an invalid range-spec
      }
    }
    if (first >= completeLength) {
      return new Unsatisfiable(completeLength);
    }
    last = Math.min(last, completeLength - 1);
    return new Slice(new ContentRange(first, last - first + 1, completeLength));
  }

  /**
   * RFC 9110 §13.1.5: whether {@code If-Range} holds for the stored representation. An entity tag
   * must match the stored one by strong comparison (a weak tag never holds); a date must equal the
   * stored {@code Last-Modified} exactly, and that {@code Last-Modified} must be strong: at least
   * 60 seconds before the stored {@code Date} (§8.8.2.2). Anything else is false.
   */
  static boolean ifRangeHolds(String value, Response stored) {
    String v = value.trim();
    var facts = stored.facts();
    if (v.startsWith("\"") || v.startsWith("W/")) {
      return EntityTags.isValid(v)
          && facts.etag().filter(tag -> EntityTags.strongMatch(tag, v)).isPresent();
    }
    Optional<Instant> date = HttpDates.parse(v);
    Optional<Instant> lastModified = facts.lastModified();
    if (date.isEmpty() || lastModified.isEmpty() || !date.get().equals(lastModified.get())) {
      return false;
    }
    return hasStrongLastModified(stored);
  }

  /**
   * §8.8.2.2: a stored {@code Last-Modified} at least 60 seconds before the stored {@code Date}.
   */
  static boolean hasStrongLastModified(Response stored) {
    var facts = stored.facts();
    return facts.lastModified().isPresent()
        && facts.date().isPresent()
        && !facts.lastModified().get().plus(STRONG_LAST_MODIFIED).isAfter(facts.date().get());
  }

  /**
   * The strong validator of a response: a strong entity tag, else a strong {@code Last-Modified}.
   */
  static Optional<String> strongValidator(Response response) {
    var facts = response.facts();
    if (facts.etag().isPresent()) {
      String tag = facts.etag().get();
      return EntityTags.isWeak(tag) ? Optional.empty() : Optional.of(tag);
    }
    return hasStrongLastModified(response)
        ? Optional.of(HttpDates.format(facts.lastModified().get()))
        : Optional.empty();
  }

  /** The {@code 206} for one range of a served {@code 200} (RFC 9110 §15.3.7). */
  static Response partial(Response served, ContentRange range) {
    return Response.of(
        206,
        served
            .headers()
            .with("Content-Range", range.fieldValue())
            .with("Content-Length", Long.toString(range.length())));
  }

  /**
   * The {@code 416} for a range that does not overlap the representation (RFC 9110 §15.5.17), with
   * the {@code Date} and {@code Age} of the stored response it was decided from.
   */
  static Response unsatisfiable(Response served, long completeLength) {
    Headers h =
        Headers.of(
            "Content-Range",
            ContentRange.unsatisfiedFieldValue(completeLength),
            "Content-Length",
            "0");
    for (String name : List.of("Date", "Age")) {
      Optional<String> value = served.headers().firstValue(name);
      if (value.isPresent()) {
        h = h.plus(name, value.get());
      }
    }
    return Response.of(416, h);
  }

  /**
   * The non-negative decimal number in {@code s[from, to)}, {@link Long#MAX_VALUE} when it is
   * larger, or -1 when the text is empty or not all digits.
   */
  static long digits(String s, int from, int to) {
    if (from >= to) {
      return -1;
    }
    long n = 0;
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      int d = c - '0';
      n = n > (Long.MAX_VALUE - d) / 10 ? Long.MAX_VALUE : n * 10 + d;
    }
    return n;
  }
}
