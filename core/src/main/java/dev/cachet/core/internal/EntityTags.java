package dev.cachet.core.internal;

/** Entity-tag comparison (RFC 9110 §8.8.3.2). */
public final class EntityTags {
  private EntityTags() {}

  /**
   * True for a syntactically valid entity-tag (RFC 9110 §8.8.3): an optional {@code W/}, then a
   * quoted opaque tag of visible characters (or obs-text) other than {@code "}. Anything else, such
   * as {@code *} or an unquoted token, is not a validator.
   */
  public static boolean isValid(String tag) {
    String opaque = opaque(tag);
    if (opaque.length() < 2
        || opaque.charAt(0) != '"'
        || opaque.charAt(opaque.length() - 1) != '"') {
      return false;
    }
    for (int i = 1; i < opaque.length() - 1; i++) {
      char c = opaque.charAt(i);
      if (c == '"' || c <= 0x20 || c == 0x7f || c > 0xff) {
        return false;
      }
    }
    return true;
  }

  /** True for a weak tag, {@code W/"..."}. */
  public static boolean isWeak(String tag) {
    return tag.startsWith("W/");
  }

  /** The opaque tag without the weakness indicator. */
  public static String opaque(String tag) {
    return isWeak(tag) ? tag.substring(2) : tag;
  }

  /** Strong comparison: both strong and their opaque tags identical. */
  public static boolean strongMatch(String a, String b) {
    return !isWeak(a) && !isWeak(b) && a.equals(b);
  }

  /** Weak comparison: opaque tags identical, whatever their weakness. */
  public static boolean weakMatch(String a, String b) {
    return opaque(a).equals(opaque(b));
  }
}
