package dev.cachet.examples.demo;

import java.util.Map;

/**
 * ANSI colours for a terminal that shows them, plain text otherwise: colour only when the JVM has a
 * console, {@code TERM} is set and not {@code dumb}, and {@code NO_COLOR} is unset
 * (https://no-color.org).
 */
public final class Style {
  private final boolean colour;

  private Style(boolean colour) {
    this.colour = colour;
  }

  /** The style for this process's standard output. */
  public static Style detect() {
    return detect(System.console() != null, System.getenv());
  }

  static Style detect(boolean console, Map<String, String> env) {
    String term = env.get("TERM");
    boolean colour =
        console && term != null && !term.equals("dumb") && !env.containsKey("NO_COLOR");
    return new Style(colour);
  }

  /** Plain text. */
  public static Style plain() {
    return new Style(false);
  }

  String bold(String s) {
    return wrap("1", s);
  }

  String dim(String s) {
    return wrap("2", s);
  }

  String green(String s) {
    return wrap("32", s);
  }

  String yellow(String s) {
    return wrap("33", s);
  }

  String red(String s) {
    return wrap("31", s);
  }

  String cyan(String s) {
    return wrap("36", s);
  }

  private String wrap(String code, String s) {
    return colour ? "\u001b[" + code + "m" + s + "\u001b[0m" : s;
  }
}
