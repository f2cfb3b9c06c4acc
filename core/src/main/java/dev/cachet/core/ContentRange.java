package dev.cachet.core;

import java.util.Optional;

/**
 * One range of a representation's bytes, as a {@code Content-Range} field of a single-part {@code
 * 206} describes it (RFC 9110 §14.4): {@code length} bytes from {@code offset} of a representation
 * of {@code completeLength} bytes. When the cache answers a {@code Range} request itself, {@link
 * FromCache#slice()} is one: the engine sends those bytes of the stored body, and only those.
 *
 * <pre>{@code
 * ContentRange r = new ContentRange(90, 10, 100);
 * r.fieldValue(); // "bytes 90-99/100"
 * }</pre>
 *
 * @param offset the first byte's position, from 0
 * @param length how many bytes, at least one
 * @param completeLength the length of the whole representation
 */
public record ContentRange(long offset, long length, long completeLength) {

  /**
   * Creates a range.
   *
   * @param offset the first byte's position, from 0
   * @param length how many bytes, at least one
   * @param completeLength the length of the whole representation
   * @throws IllegalArgumentException unless {@code 0 <= offset}, {@code 1 <= length} and {@code
   *     offset + length <= completeLength}
   */
  public ContentRange {
    if (offset < 0 || length < 1 || completeLength < 1 || offset > completeLength - length) {
      throw new IllegalArgumentException(
          "not a range of the representation: offset "
              + offset
              + ", length "
              + length
              + ", complete length "
              + completeLength);
    }
  }

  /** {@return the position of the last byte, as {@code last-pos} of RFC 9110 §14.1.2 counts it} */
  public long last() {
    return offset + length - 1;
  }

  /** {@return whether this range is the whole representation} */
  public boolean isWhole() {
    return offset == 0 && length == completeLength;
  }

  /**
   * {@return the {@code Content-Range} field value, e.g. {@code bytes 0-9/100} (RFC 9110 §14.4)}
   */
  public String fieldValue() {
    return "bytes " + offset + "-" + last() + "/" + completeLength;
  }

  /**
   * {@return the {@code Content-Range} of a {@code 416}: {@code bytes *}{@code /completeLength}
   * (RFC 9110 §14.4, §15.5.17)}
   *
   * @param completeLength the length of the whole representation
   */
  public static String unsatisfiedFieldValue(long completeLength) {
    return "bytes */" + completeLength;
  }

  /**
   * Parses a {@code Content-Range} field value of the form {@code bytes first-last/complete} (RFC
   * 9110 §14.4).
   *
   * @param value the field value, as received
   * @return the range; empty for anything else, including an unknown complete length ({@code *}),
   *     another unit, or positions that do not describe a range of the representation
   */
  public static Optional<ContentRange> parse(String value) {
    String v = value.trim();
    if (v.length() < 6 || !v.regionMatches(true, 0, "bytes", 0, 5) || v.charAt(5) != ' ') {
      return Optional.empty();
    }
    v = v.substring(6).trim();
    int dash = v.indexOf('-');
    int slash = v.indexOf('/');
    if (dash < 1 || slash < dash + 2 || slash == v.length() - 1) {
      return Optional.empty();
    }
    long first = RangeRequests.digits(v, 0, dash);
    long last = RangeRequests.digits(v, dash + 1, slash);
    long complete = RangeRequests.digits(v, slash + 1, v.length());
    if (first < 0 || last < first || complete <= last) {
      return Optional.empty();
    }
    return Optional.of(new ContentRange(first, last - first + 1, complete));
  }
}
