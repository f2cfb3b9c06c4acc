package dev.cachet.core.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import org.jspecify.annotations.Nullable;

/**
 * Parsed {@code Cache-Control} directives (RFC 9111 §5.2). Names are case-insensitive (F-08);
 * arguments may be tokens or quoted strings, and both forms are accepted for every directive
 * (§5.2). The first occurrence of a directive is kept and repeats are remembered, so callers can
 * treat a duplicated freshness directive as invalid (§4.2.1, F-04). Unknown directives are kept but
 * mean nothing to the rules (F-08). Parsing never throws.
 *
 * <p>A stored response keeps its directives for as long as it is stored, so they are held
 * compactly: one array of alternating names and arguments, searched in order (a field carries a
 * handful of directives), with the names of the directives RFC 9111 and its extensions define
 * shared as constants.
 */
// NO_ARGUMENT is a sentinel, told apart from any parsed argument by identity.
@SuppressWarnings("ReferenceEquality")
public final class Directives {
  private static final String[] NO_STRINGS = new String[0];
  private static final Directives NONE = new Directives(NO_STRINGS, null, null);
  private static final String NO_ARGUMENT = new String("<none>");

  /** The directive names the rules read (RFC 9111 §5.2, RFC 5861, RFC 8246), lower-case. */
  private static final List<String> KNOWN =
      List.of(
          "max-age",
          "s-maxage",
          "no-cache",
          "no-store",
          "no-transform",
          "must-revalidate",
          "proxy-revalidate",
          "must-understand",
          "private",
          "public",
          "immutable",
          "stale-while-revalidate",
          "stale-if-error",
          "max-stale",
          "min-fresh",
          "only-if-cached",
          "pre-check",
          "post-check");

  /**
   * The directives parsed last from single field lines, direct-mapped by the line: stored responses
   * that carry the same {@code Cache-Control} line share one instance (it is immutable).
   */
  private static final Directives[] RECENT = new Directives[256];

  /** Alternating names (first occurrence, lower-case) and arguments ({@link #NO_ARGUMENT}). */
  private final String[] nameArgs;

  /** The names repeated with a different argument; null when none. */
  private final String @Nullable [] conflicting;

  /** The single field line these were parsed from, when shared; else null. */
  private final @Nullable String line;

  private Directives(String[] nameArgs, String @Nullable [] conflicting, @Nullable String line) {
    this.nameArgs = nameArgs;
    this.conflicting = conflicting;
    this.line = line;
  }

  /** No directives. */
  public static Directives none() {
    return NONE;
  }

  /** Parses all field lines of one {@code Cache-Control}-like field. */
  public static Directives parse(List<String> fieldLines) {
    return parse(fieldLines, false);
  }

  /**
   * Parses all field lines of one {@code Cache-Control}-like field, for directives that stay
   * stored: with {@code share}, the directives of a single line equal to one parsed recently are
   * that instance, and arguments are passed through {@link SharedStrings#share}.
   */
  public static Directives parse(List<String> fieldLines, boolean share) {
    if (fieldLines.isEmpty()) {
      return NONE;
    }
    if (share && fieldLines.size() == 1) {
      String line = fieldLines.get(0);
      int slot = (line.hashCode() ^ (line.hashCode() >>> 8)) & (RECENT.length - 1);
      Directives recent = RECENT[slot];
      if (recent != null && line.equals(recent.line)) {
        return recent;
      }
      Directives parsed = parse(fieldLines, line);
      if (parsed != NONE) {
        RECENT[slot] = parsed;
      }
      return parsed;
    }
    return parse(fieldLines, share ? "" : null);
  }

  /**
   * Parses, sharing arguments when {@code source} is not null; a non-empty {@code source} is the
   * single line parsed, kept to find these directives again.
   */
  private static Directives parse(List<String> fieldLines, @Nullable String source) {
    boolean share = source != null;
    List<String> members = new ArrayList<>();
    for (String fieldLine : fieldLines) {
      ListFields.split(fieldLine, members);
    }
    if (members.isEmpty()) {
      return NONE;
    }
    String[] nameArgs = new String[members.size() * 2];
    int n = 0;
    String[] conflicting = null;
    int c = 0;
    for (String member : members) {
      int eq = member.indexOf('=');
      String name = (eq < 0 ? member : member.substring(0, eq)).trim().toLowerCase(Locale.ROOT);
      if (name.isEmpty()) {
        continue;
      }
      String arg = eq < 0 ? NO_ARGUMENT : ListFields.unquote(member.substring(eq + 1).trim());
      int at = indexOf(nameArgs, n, name);
      if (at < 0) {
        nameArgs[n++] = known(name);
        nameArgs[n++] = share && arg != NO_ARGUMENT ? SharedStrings.share(arg) : arg;
      } else if (!nameArgs[at + 1].equals(arg) && !contains(conflicting, c, name)) {
        if (conflicting == null) {
          conflicting = new String[2];
        } else if (c == conflicting.length) {
          conflicting = Arrays.copyOf(conflicting, c * 2);
        }
        conflicting[c++] = nameArgs[at];
      }
    }
    if (n == 0) {
      return NONE;
    }
    return new Directives(
        n == nameArgs.length ? nameArgs : Arrays.copyOf(nameArgs, n),
        conflicting == null || c == conflicting.length
            ? conflicting
            : Arrays.copyOf(conflicting, c),
        source == null || source.isEmpty() ? null : source);
  }

  /** The shared constant for a directive name the rules read, else the name itself. */
  private static String known(String name) {
    int i = KNOWN.indexOf(name);
    return i < 0 ? name : KNOWN.get(i);
  }

  /** The index in {@code nameArgs} of the name {@code name} among the first {@code n}, or -1. */
  private static int indexOf(String[] nameArgs, int n, String name) {
    for (int i = 0; i < n; i += 2) {
      if (nameArgs[i].equals(name)) {
        return i;
      }
    }
    return -1;
  }

  /** True when {@code name} is among the first {@code n} of {@code names} (which may be null). */
  private static boolean contains(String @Nullable [] names, int n, String name) {
    if (names == null) {
      return false;
    }
    for (int i = 0; i < n; i++) {
      if (names[i].equals(name)) {
        return true;
      }
    }
    return false;
  }

  /** The argument of the directive, {@link #NO_ARGUMENT} without one, or null when absent. */
  private @Nullable String get(String name) {
    String[] a = nameArgs;
    for (int i = 0; i < a.length; i += 2) {
      if (a[i].equals(name)) {
        return a[i + 1];
      }
    }
    return null;
  }

  private boolean isConflicting(String name) {
    String[] a = conflicting;
    if (a != null) {
      for (String s : a) {
        if (s.equals(name)) {
          return true;
        }
      }
    }
    return false;
  }

  /** True when the directive occurs more than once with different arguments (or none). */
  public boolean conflicting(String name) {
    return isConflicting(name);
  }

  /** True when the directive is present, with or without an argument. */
  public boolean has(String name) {
    return get(name) != null;
  }

  /** The argument of the first occurrence; empty when absent or given without argument. */
  public Optional<String> argument(String name) {
    String arg = get(name);
    return arg == null || arg == NO_ARGUMENT ? Optional.empty() : Optional.of(arg);
  }

  /**
   * The directive's delta-seconds value when it is present exactly once (or repeated with the same
   * value) and its argument is valid; empty otherwise. Use {@link #isInvalidSeconds} to tell an
   * absent directive from a malformed one.
   */
  public OptionalLong seconds(String name) {
    String arg = get(name);
    if (arg == null || arg == NO_ARGUMENT || isConflicting(name)) {
      return OptionalLong.empty();
    }
    return DeltaSeconds.parse(arg);
  }

  /**
   * True when the directive is present but its value cannot be used: missing, not delta-seconds, or
   * repeated with different values (RFC 9111 §4.2.1, F-04).
   */
  public boolean isInvalidSeconds(String name) {
    return has(name) && seconds(name).isEmpty();
  }

  /**
   * The field names listed in a qualified directive such as {@code no-cache="Set-Cookie"}, lower-
   * cased; empty when the directive is absent or unqualified.
   */
  public List<String> fieldNames(String name) {
    Optional<String> arg = argument(name);
    if (arg.isEmpty()) {
      return List.of();
    }
    List<String> names = new ArrayList<>();
    ListFields.split(arg.get(), names);
    names.replaceAll(n -> n.toLowerCase(Locale.ROOT));
    return List.copyOf(names);
  }

  /** True when no directive is present. */
  public boolean isEmpty() {
    return nameArgs.length == 0;
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("Directives[");
    for (int i = 0; i < nameArgs.length; i += 2) {
      sb.append(i == 0 ? "" : ", ").append(nameArgs[i]);
    }
    return sb.append(']').toString();
  }
}
