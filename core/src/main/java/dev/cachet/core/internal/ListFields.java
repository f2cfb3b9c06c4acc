package dev.cachet.core.internal;

import java.util.List;

/** Splits list-based field values (RFC 9110 §5.6.1), honouring quoted strings (§5.6.4). */
public final class ListFields {
  private ListFields() {}

  /**
   * Appends the non-empty, trimmed members of one field line to {@code out}. Commas inside a quoted
   * string do not split; an unterminated quote runs to the end of the line.
   */
  public static void split(String line, List<String> out) {
    int start = 0;
    boolean quoted = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (quoted) {
        if (c == '\\') {
          i++;
        } else if (c == '"') {
          quoted = false;
        }
      } else if (c == '"') {
        quoted = true;
      } else if (c == ',') {
        add(line, start, i, out);
        start = i + 1;
      }
    }
    add(line, start, line.length(), out);
  }

  private static void add(String line, int from, int to, List<String> out) {
    while (from < to && isOws(line.charAt(from))) {
      from++;
    }
    while (to > from && isOws(line.charAt(to - 1))) {
      to--;
    }
    if (to > from) {
      out.add(line.substring(from, to));
    }
  }

  /** True when the value is an RFC 9110 §5.6.2 token: one or more {@code tchar}. */
  public static boolean isToken(String value) {
    if (value.isEmpty()) {
      return false;
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      boolean tchar =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
      if (!tchar) {
        return false;
      }
    }
    return true;
  }

  static boolean isOws(char c) {
    return c == ' ' || c == '\t';
  }

  /**
   * The content of a quoted string (RFC 9110 §5.6.4) with backslash escapes removed, or the value
   * itself when it is not quoted.
   */
  public static String unquote(String value) {
    if (value.length() < 2 || value.charAt(0) != '"' || value.charAt(value.length() - 1) != '"') {
      return value;
    }
    StringBuilder sb = new StringBuilder(value.length() - 2);
    for (int i = 1; i < value.length() - 1; i++) {
      char c = value.charAt(i);
      if (c == '\\' && i + 1 < value.length() - 1) {
        c = value.charAt(++i);
      }
      sb.append(c);
    }
    return sb.toString();
  }
}
