package dev.cachet.core.internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Parsed {@code Cache-Control} directives (RFC 9111 §5.2). Names are case-insensitive (F-08);
 * arguments may be tokens or quoted strings, and both forms are accepted for every directive
 * (§5.2). The first occurrence of a directive is kept and repeats are remembered, so callers can
 * treat a duplicated freshness directive as invalid (§4.2.1, F-04). Unknown directives are kept but
 * mean nothing to the rules (F-08). Parsing never throws.
 */
public final class Directives {
  private static final Directives NONE = new Directives(Map.of(), Set.of());
  private static final String NO_ARGUMENT = new String("<none>");

  private final Map<String, String> first;
  private final Set<String> conflicting;

  private Directives(Map<String, String> first, Set<String> conflicting) {
    this.first = first;
    this.conflicting = conflicting;
  }

  /** No directives. */
  public static Directives none() {
    return NONE;
  }

  /** Parses all field lines of one {@code Cache-Control}-like field. */
  public static Directives parse(List<String> fieldLines) {
    if (fieldLines.isEmpty()) {
      return NONE;
    }
    List<String> members = new ArrayList<>();
    for (String line : fieldLines) {
      ListFields.split(line, members);
    }
    if (members.isEmpty()) {
      return NONE;
    }
    Map<String, String> first = new HashMap<>();
    Set<String> conflicting = new HashSet<>();
    for (String member : members) {
      int eq = member.indexOf('=');
      String name = (eq < 0 ? member : member.substring(0, eq)).trim().toLowerCase(Locale.ROOT);
      if (name.isEmpty()) {
        continue;
      }
      String arg = eq < 0 ? NO_ARGUMENT : ListFields.unquote(member.substring(eq + 1).trim());
      String previous = first.putIfAbsent(name, arg);
      if (previous != null && !previous.equals(arg)) {
        conflicting.add(name);
      }
    }
    return new Directives(
        Collections.unmodifiableMap(first), Collections.unmodifiableSet(conflicting));
  }

  /** True when the directive is present, with or without an argument. */
  public boolean has(String name) {
    return first.containsKey(name);
  }

  /** The argument of the first occurrence; empty when absent or given without argument. */
  public Optional<String> argument(String name) {
    String arg = first.get(name);
    return arg == null || arg == NO_ARGUMENT ? Optional.empty() : Optional.of(arg);
  }

  /**
   * The directive's delta-seconds value when it is present exactly once (or repeated with the same
   * value) and its argument is valid; empty otherwise. Use {@link #isInvalidSeconds} to tell an
   * absent directive from a malformed one.
   */
  public OptionalLong seconds(String name) {
    String arg = first.get(name);
    if (arg == null || arg == NO_ARGUMENT || conflicting.contains(name)) {
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
    return first.isEmpty();
  }

  @Override
  public String toString() {
    return "Directives" + first.keySet();
  }
}
