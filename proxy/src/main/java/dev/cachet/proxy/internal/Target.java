package dev.cachet.proxy.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A request target made safe to append to the origin's path prefix: checked against RFC 3986's
 * grammar, percent-encoded unreserved characters decoded and other escapes upper-cased (§6.2.2),
 * and dot segments removed (§5.2.4), so that no target, however spelled ({@code /../x}, {@code
 * /%2e%2e/x}, {@code /a/./../../x}), climbs above the prefix. An encoded slash, backslash or NUL
 * ({@code %2F}, {@code %5C}, {@code %00}) is refused: an origin that decoded it would see a
 * different path than the one checked here.
 */
final class Target {
  /** Why a target was refused; answered 400. */
  static final class Invalid extends Exception {
    private static final long serialVersionUID = 1L;

    Invalid(String message) {
      super(message, null, false, false);
    }
  }

  private Target() {}

  /**
   * The normalised path and query of an origin-form ({@code /path?query}) or absolute-form ({@code
   * http://host/path?query}, RFC 9112 §3.2.2) target; the path always starts with {@code /}.
   *
   * @throws Invalid if the target is malformed
   */
  static String normalise(String target) throws Invalid {
    String rest = target;
    if (!rest.startsWith("/")) {
      String lower = rest.toLowerCase(Locale.ROOT);
      int start;
      if (lower.startsWith("http://")) {
        start = 7;
      } else if (lower.startsWith("https://")) {
        start = 8;
      } else {
        throw new Invalid("the request target is not a path or an absolute http URI");
      }
      int slash = rest.indexOf('/', start);
      int question = rest.indexOf('?', start);
      int end = slash < 0 ? question : question < 0 ? slash : Math.min(slash, question);
      String authority = end < 0 ? rest.substring(start) : rest.substring(start, end);
      if (authority.isEmpty() || authority.indexOf('@') >= 0) {
        throw new Invalid("the request target's authority is malformed");
      }
      rest = end < 0 ? "/" : rest.substring(end);
      if (rest.startsWith("?")) {
        rest = "/" + rest;
      }
    }
    if (rest.indexOf('#') >= 0) {
      throw new Invalid("a request target has no fragment");
    }
    int q = rest.indexOf('?');
    String path = q < 0 ? rest : rest.substring(0, q);
    String query = q < 0 ? null : rest.substring(q + 1);
    String normal = removeDotSegments(decodeUnreserved(path));
    if (query != null) {
      checkQuery(query);
      return normal + "?" + query;
    }
    return normal;
  }

  /** RFC 3986 §6.2.2.1–2: decode escapes of unreserved characters, upper-case the others. */
  static String decodeUnreserved(String path) throws Invalid {
    int i = 0;
    while (i < path.length() && (isPchar(path.charAt(i)) || path.charAt(i) == '/')) {
      i++;
    }
    // The usual path has no escape (a '%' is not a pchar here): it is its own normal form.
    return i == path.length() ? path : decodeFrom(path);
  }

  /** The escapes decoded, character by character: what a path with none is equal to. */
  static String decodeFrom(String path) throws Invalid {
    StringBuilder sb = new StringBuilder(path.length());
    for (int i = 0; i < path.length(); i++) {
      char c = path.charAt(i);
      if (c == '%') {
        if (i + 2 >= path.length()) {
          throw new Invalid("a percent sign in the path is not followed by two hex digits");
        }
        int hi = Character.digit(path.charAt(i + 1), 16);
        int lo = Character.digit(path.charAt(i + 2), 16);
        if (hi < 0 || lo < 0 || !isAscii(path.charAt(i + 1)) || !isAscii(path.charAt(i + 2))) {
          throw new Invalid("a percent sign in the path is not followed by two hex digits");
        }
        char decoded = (char) (hi * 16 + lo);
        if (decoded == '/' || decoded == '\\' || decoded == 0) {
          throw new Invalid("an encoded slash, backslash or NUL in the path");
        }
        if (isUnreserved(decoded)) {
          sb.append(decoded);
        } else {
          sb.append('%')
              .append(Character.toUpperCase(path.charAt(i + 1)))
              .append(Character.toUpperCase(path.charAt(i + 2)));
        }
        i += 2;
      } else if (isPchar(c) || c == '/') {
        sb.append(c);
      } else {
        throw new Invalid("the path has a character that must be percent-encoded");
      }
    }
    return sb.toString();
  }

  private static void checkQuery(String query) throws Invalid {
    for (int i = 0; i < query.length(); i++) {
      char c = query.charAt(i);
      if (c == '%') {
        if (i + 2 >= query.length()
            || Character.digit(query.charAt(i + 1), 16) < 0
            || Character.digit(query.charAt(i + 2), 16) < 0
            || !isAscii(query.charAt(i + 1))
            || !isAscii(query.charAt(i + 2))) {
          throw new Invalid("a percent sign in the query is not followed by two hex digits");
        }
        i += 2;
      } else if (!isPchar(c) && c != '/' && c != '?') {
        throw new Invalid("the query has a character that must be percent-encoded");
      }
    }
  }

  /**
   * RFC 3986 §5.2.4, on a path that starts with a slash; the result starts with one too. A path
   * with no segment that begins with a dot has no dot segment, and is returned as it is.
   */
  static String removeDotSegments(String path) {
    return path.contains("/.") ? removeFrom(path) : path;
  }

  /** The dot segments removed, segment by segment: what a path with none is equal to. */
  static String removeFrom(String path) {
    String[] segments = path.split("/", -1);
    List<String> out = new ArrayList<>(segments.length);
    // segments[0] is the empty string before the leading slash.
    for (int i = 1; i < segments.length; i++) {
      String s = segments[i];
      boolean last = i == segments.length - 1;
      if (s.equals(".")) {
        if (last) {
          out.add("");
        }
      } else if (s.equals("..")) {
        if (!out.isEmpty()) {
          out.remove(out.size() - 1);
        }
        if (last) {
          out.add("");
        }
      } else {
        out.add(s);
      }
    }
    return "/" + String.join("/", out);
  }

  private static boolean isAscii(char c) {
    return c < 0x80;
  }

  private static boolean isUnreserved(char c) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9')
        || c == '-'
        || c == '.'
        || c == '_'
        || c == '~';
  }

  /** RFC 3986 §3.3 pchar, less pct-encoded (handled by the caller). */
  private static boolean isPchar(char c) {
    return isUnreserved(c) || "!$&'()*+,;=:@".indexOf(c) >= 0;
  }
}
