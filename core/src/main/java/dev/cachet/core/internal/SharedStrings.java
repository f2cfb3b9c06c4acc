package dev.cachet.core.internal;

import java.util.Set;

/**
 * Lets the stored responses of a cache share one instance of the strings they repeat: field names,
 * and the values of fields that many responses carry alike ({@code Content-Type}, {@code
 * Cache-Control}, {@code Date} within a second, ...). A stored response lives as long as it is
 * stored, and each string costs some 40 bytes beyond its characters, so sharing them is much of
 * what keeps a stored pair small.
 *
 * <p>A fixed table of the strings seen last, direct-mapped by hash: a string equal to the one in
 * its slot is replaced by that one, otherwise it takes the slot. The table holds a bounded number
 * of short strings, never values of fields that may carry credentials or personal data ({@code
 * Set-Cookie} and any field not listed in {@link #SHARED_VALUES}). Threads race on slots
 * harmlessly: strings are immutable and safely published, so a lost write only costs a missed
 * share.
 */
public final class SharedStrings {
  private static final int SLOTS = 2048;

  /** Longer strings are rarely repeated; keeping them out keeps the table small. */
  private static final int MAXIMUM_LENGTH = 64;

  /** The fields (lower-case) whose values are shared; all field names are. */
  private static final Set<String> SHARED_VALUES =
      Set.of(
          "accept-ranges",
          "access-control-allow-origin",
          "age",
          "cache-control",
          "cdn-cache-control",
          "content-encoding",
          "content-language",
          "content-length",
          "content-type",
          "cross-origin-resource-policy",
          "date",
          "expires",
          "last-modified",
          "pragma",
          "referrer-policy",
          "server",
          "strict-transport-security",
          "vary",
          "via",
          "x-content-type-options",
          "x-frame-options");

  private static final String[][] BY_LENGTH = byLength(SHARED_VALUES);

  private static final String[] TABLE = new String[SLOTS];

  private SharedStrings() {}

  /** The instance of {@code s} already in the table, or {@code s} itself (then remembered). */
  public static String share(String s) {
    if (s.length() > MAXIMUM_LENGTH) {
      return s;
    }
    int h = s.hashCode();
    int slot = (h ^ (h >>> 11)) & (SLOTS - 1);
    String seen = TABLE[slot];
    if (seen != null && seen.equals(s)) {
      return seen;
    }
    TABLE[slot] = s;
    return s;
  }

  /**
   * The field names and values of {@code nameValues} (alternating) shared in place: every name, and
   * the values of the fields listed above.
   */
  public static void shareFields(String[] nameValues) {
    for (int i = 0; i < nameValues.length; i += 2) {
      String name = share(nameValues[i]);
      nameValues[i] = name;
      if (sharesValue(name)) {
        nameValues[i + 1] = share(nameValues[i + 1]);
      }
    }
  }

  private static boolean sharesValue(String name) {
    // Compared without lower-casing (no copy of each capitalised name), and only with the names
    // of the same length.
    if (name.length() >= BY_LENGTH.length) {
      return false;
    }
    for (String n : BY_LENGTH[name.length()]) {
      if (n.equalsIgnoreCase(name)) {
        return true;
      }
    }
    return false;
  }

  /** {@link #SHARED_VALUES} by length: {@code BY_LENGTH[n]} holds the names of n characters. */
  private static String[][] byLength(Set<String> names) {
    int longest = 0;
    for (String n : names) {
      longest = Math.max(longest, n.length());
    }
    String[][] byLength = new String[longest + 1][];
    for (int len = 0; len <= longest; len++) {
      int length = len;
      byLength[len] = names.stream().filter(n -> n.length() == length).toArray(String[]::new);
    }
    return byLength;
  }
}
