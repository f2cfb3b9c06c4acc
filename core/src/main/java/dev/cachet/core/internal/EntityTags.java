package dev.cachet.core.internal;

/** Entity-tag comparison (RFC 9110 §8.8.3.2). */
public final class EntityTags {
  private EntityTags() {}

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
