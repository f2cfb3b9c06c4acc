package dev.cachet.core;

import java.util.ArrayList;
import java.util.List;

/**
 * The byte ranges of a representation a partial entry holds (RFC 9111 §3.3, §3.4): sorted,
 * disjoint, and with adjacent ranges joined, so equal sets have equal lists. Immutable.
 *
 * <pre>{@code
 * ByteRangeSet s = ByteRangeSet.empty().plus(0, 10).plus(10, 5); // [0, 15)
 * s.covers(3, 12); // true
 * s.coversAll(20); // false
 * }</pre>
 */
public final class ByteRangeSet {
  private static final ByteRangeSet EMPTY = new ByteRangeSet(new long[0]);

  /** Start and end (exclusive) of each range, in order: {@code s0, e0, s1, e1, ...}. */
  private final long[] bounds;

  private ByteRangeSet(long[] bounds) {
    this.bounds = bounds;
  }

  /** {@return the empty set} */
  public static ByteRangeSet empty() {
    return EMPTY;
  }

  /**
   * The set of these ranges.
   *
   * @param ranges the ranges, each as {@code {offset, length}}
   * @return their set
   * @throws IllegalArgumentException for a negative offset, a length below one, or a range that
   *     ends beyond {@code Long.MAX_VALUE}
   */
  public static ByteRangeSet of(List<long[]> ranges) {
    ByteRangeSet s = EMPTY;
    for (long[] r : ranges) {
      if (r.length != 2) {
        throw new IllegalArgumentException("a range is {offset, length}");
      }
      s = s.plus(r[0], r[1]);
    }
    return s;
  }

  /**
   * This set with {@code length} bytes from {@code offset} added.
   *
   * @param offset the first byte's position
   * @param length how many bytes, at least one
   * @return the joined set
   * @throws IllegalArgumentException for a negative offset, a length below one, or a range that
   *     ends beyond {@code Long.MAX_VALUE}
   */
  public ByteRangeSet plus(long offset, long length) {
    if (offset < 0 || length < 1 || offset > Long.MAX_VALUE - length) {
      throw new IllegalArgumentException("not a byte range: " + offset + "+" + length);
    }
    long start = offset;
    long end = offset + length;
    List<Long> out = new ArrayList<>(bounds.length + 2);
    boolean placed = false;
    for (int i = 0; i < bounds.length; i += 2) {
      long s = bounds[i];
      long e = bounds[i + 1];
      if (e < start) {
        out.add(s);
        out.add(e);
      } else if (s > end) {
        if (!placed) {
          out.add(start);
          out.add(end);
          placed = true;
        }
        out.add(s);
        out.add(e);
      } else {
        // Overlapping or adjacent: join.
        start = Math.min(start, s);
        end = Math.max(end, e);
      }
    }
    if (!placed) {
      out.add(start);
      out.add(end);
    }
    long[] b = new long[out.size()];
    for (int i = 0; i < b.length; i++) {
      b[i] = out.get(i);
    }
    return new ByteRangeSet(b);
  }

  /**
   * This set joined with another.
   *
   * @param other the other set
   * @return the joined set
   */
  public ByteRangeSet plus(ByteRangeSet other) {
    ByteRangeSet s = this;
    for (int i = 0; i < other.bounds.length; i += 2) {
      s = s.plus(other.bounds[i], other.bounds[i + 1] - other.bounds[i]);
    }
    return s;
  }

  /**
   * Whether every one of {@code length} bytes from {@code offset} is in the set.
   *
   * @param offset the first byte's position
   * @param length how many bytes
   * @return true when the set holds them all (always, for no bytes)
   */
  public boolean covers(long offset, long length) {
    if (length <= 0) {
      return length == 0;
    }
    for (int i = 0; i < bounds.length; i += 2) {
      if (bounds[i] <= offset && offset - bounds[i] <= bounds[i + 1] - bounds[i] - length) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether the set holds every byte of a representation of {@code completeLength} bytes.
   *
   * @param completeLength the length of the representation
   * @return true when it holds them all
   */
  public boolean coversAll(long completeLength) {
    return covers(0, completeLength);
  }

  /** {@return how many bytes the set holds} */
  public long bytes() {
    long n = 0;
    for (int i = 0; i < bounds.length; i += 2) {
      n += bounds[i + 1] - bounds[i];
    }
    return n;
  }

  /** {@return whether the set is empty} */
  public boolean isEmpty() {
    return bounds.length == 0;
  }

  /** {@return the ranges, in order, each as {@code {offset, length}}; a new list of new arrays} */
  public List<long[]> ranges() {
    List<long[]> out = new ArrayList<>(bounds.length / 2);
    for (int i = 0; i < bounds.length; i += 2) {
      out.add(new long[] {bounds[i], bounds[i + 1] - bounds[i]});
    }
    return out;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ByteRangeSet s && java.util.Arrays.equals(s.bounds, bounds);
  }

  @Override
  public int hashCode() {
    return java.util.Arrays.hashCode(bounds);
  }

  /** The ranges as RFC 9110 §14.1.2 writes them, e.g. {@code 0-9,20-29}. */
  @Override
  public String toString() {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < bounds.length; i += 2) {
      if (i > 0) {
        b.append(',');
      }
      b.append(bounds[i]).append('-').append(bounds[i + 1] - 1);
    }
    return b.toString();
  }
}
