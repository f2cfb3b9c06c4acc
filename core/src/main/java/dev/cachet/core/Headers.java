package dev.cachet.core;

import static java.util.Objects.requireNonNull;

import dev.cachet.core.internal.ListFields;
import dev.cachet.core.internal.SharedStrings;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * An immutable, ordered, case-insensitive multimap of HTTP field lines (RFC 9110 §5).
 *
 * <p>Field names compare case-insensitively; the order of field lines is kept. List-based fields
 * (RFC 9110 §5.6.1) are split with {@link #listValues(String)}, which honours quoted strings.
 *
 * <pre>{@code
 * Headers h = Headers.of("Cache-Control", "max-age=60", "Vary", "Accept-Encoding");
 * h.firstValue("cache-control"); // Optional[max-age=60]
 * }</pre>
 */
public final class Headers {
  /**
   * The connection-specific field names, lower-case, that a message never carries past the
   * connection it arrived on (<a href="https://www.rfc-editor.org/rfc/rfc9110#section-7.6.1">RFC
   * 9110 §7.6.1</a>): {@code Connection}, {@code Keep-Alive}, {@code Proxy-Connection}, {@code TE},
   * {@code Transfer-Encoding} and {@code Upgrade}. The fields that a {@code Connection} field names
   * are hop-by-hop too; they vary by message, so they are not in this set. A cache neither stores
   * nor serves any of them (<a href="https://www.rfc-editor.org/rfc/rfc9111#section-3.1">RFC 9111
   * §3.1</a>). The set is immutable.
   */
  public static final Set<String> HOP_BY_HOP =
      Set.of("connection", "keep-alive", "proxy-connection", "te", "transfer-encoding", "upgrade");

  private static final Headers EMPTY = new Headers(new String[0]);

  /** Alternating names and values. Never mutated after construction. */
  private final String[] nameValues;

  private Headers(String[] nameValues) {
    this.nameValues = nameValues;
  }

  /**
   * One field line: a name and its value as received.
   *
   * @param name the field name, as received
   * @param value the field value
   */
  public record Field(String name, String value) {
    /**
     * Creates a field line.
     *
     * @param name the field name, as received
     * @param value the field value
     * @throws NullPointerException if either argument is null
     * @throws IllegalArgumentException if the name is empty or either contains CR or LF
     */
    public Field {
      requireNonNull(name, "name");
      requireNonNull(value, "value");
      checkName(name);
      checkValue(value);
    }
  }

  /** {@return the empty headers} */
  public static Headers empty() {
    return EMPTY;
  }

  /**
   * {@return headers from alternating names and values: {@code of("Vary", "Accept", "ETag",
   * "\"x\"")}}
   *
   * @param nameValues names and values, alternating
   * @throws IllegalArgumentException if the count is odd, a name is empty, or CR/LF appears
   */
  public static Headers of(String... nameValues) {
    requireNonNull(nameValues, "nameValues");
    if (nameValues.length % 2 != 0) {
      throw new IllegalArgumentException("names and values must alternate: odd count");
    }
    String[] copy = nameValues.clone();
    for (int i = 0; i < copy.length; i += 2) {
      checkName(requireNonNull(copy[i], "name"));
      checkValue(requireNonNull(copy[i + 1], "value"));
    }
    return copy.length == 0 ? EMPTY : new Headers(copy);
  }

  /**
   * {@return headers from a map of names to values, such as {@code
   * java.net.http.HttpHeaders.map()}} Entries are taken in the map's iteration order.
   *
   * @param map the field values by name
   */
  public static Headers of(Map<String, List<String>> map) {
    requireNonNull(map, "map");
    List<String> list = new ArrayList<>();
    map.forEach(
        (name, values) -> {
          for (String v : values) {
            list.add(name);
            list.add(v);
          }
        });
    return of(list.toArray(new String[0]));
  }

  /** Headers over this array of alternating names and values, already checked; not copied. */
  static Headers ofChecked(String[] nameValues) {
    return nameValues.length == 0 ? EMPTY : new Headers(nameValues);
  }

  /**
   * {@return headers from field lines, in order}
   *
   * @param fields the field lines
   */
  public static Headers ofFields(List<Field> fields) {
    String[] a = new String[fields.size() * 2];
    int i = 0;
    for (Field f : fields) {
      a[i++] = f.name();
      a[i++] = f.value();
    }
    return a.length == 0 ? EMPTY : new Headers(a);
  }

  /** {@return the number of field lines} */
  public int size() {
    return nameValues.length / 2;
  }

  /**
   * {@return the name of the field line at this position, as received (OkHttp-style indexed access,
   * without the allocation of {@link #fields()})}
   *
   * @param index the position, from 0
   * @throws IndexOutOfBoundsException unless {@code 0 <= index < size()}
   */
  public String name(int index) {
    return nameValues[Objects.checkIndex(index, size()) * 2];
  }

  /**
   * {@return the value of the field line at this position}
   *
   * @param index the position, from 0
   * @throws IndexOutOfBoundsException unless {@code 0 <= index < size()}
   */
  public String value(int index) {
    return nameValues[Objects.checkIndex(index, size()) * 2 + 1];
  }

  /** {@return true when there are no field lines} */
  public boolean isEmpty() {
    return nameValues.length == 0;
  }

  /**
   * {@return true when at least one field line has this name (case-insensitive)}
   *
   * @param name the field name, in any case
   */
  public boolean contains(String name) {
    requireNonNull(name, "name");
    for (int i = 0; i < nameValues.length; i += 2) {
      if (nameValues[i].equalsIgnoreCase(name)) {
        return true;
      }
    }
    return false;
  }

  /**
   * {@return the value of the first field line with this name}
   *
   * @param name the field name, in any case
   */
  public Optional<String> firstValue(String name) {
    requireNonNull(name, "name");
    for (int i = 0; i < nameValues.length; i += 2) {
      if (nameValues[i].equalsIgnoreCase(name)) {
        return Optional.of(nameValues[i + 1]);
      }
    }
    return Optional.empty();
  }

  /**
   * {@return the values of all field lines with this name, in order}
   *
   * @param name the field name, in any case
   */
  public List<String> allValues(String name) {
    requireNonNull(name, "name");
    int first = -1;
    List<String> values = null;
    for (int i = 0; i < nameValues.length; i += 2) {
      if (nameValues[i].equalsIgnoreCase(name)) {
        if (first < 0) {
          first = i;
        } else {
          if (values == null) {
            values = new ArrayList<>(4);
            values.add(nameValues[first + 1]);
          }
          values.add(nameValues[i + 1]);
        }
      }
    }
    if (first < 0) {
      return List.of();
    }
    // Most fields have one line: one small immutable list, no copy.
    return values == null ? List.of(nameValues[first + 1]) : Collections.unmodifiableList(values);
  }

  /**
   * {@return the members of a list-based field (RFC 9110 §5.6.1) across all its field lines: split
   * on commas outside quoted strings, trimmed of optional whitespace, empty members dropped}
   *
   * @param name the field name, in any case
   */
  public List<String> listValues(String name) {
    List<String> lines = allValues(name);
    if (lines.isEmpty()) {
      return List.of();
    }
    List<String> out = new ArrayList<>();
    for (String line : lines) {
      ListFields.split(line, out);
    }
    return Collections.unmodifiableList(out);
  }

  /**
   * {@return all field lines with this name combined into one value, separated by {@code ", "} (RFC
   * 9110 §5.3)}
   *
   * @param name the field name, in any case
   */
  public Optional<String> combinedValue(String name) {
    List<String> values = allValues(name);
    return values.isEmpty() ? Optional.empty() : Optional.of(String.join(", ", values));
  }

  /** {@return the distinct field names, lower-cased, in order of first appearance} */
  public Set<String> names() {
    Set<String> names = new LinkedHashSet<>();
    for (int i = 0; i < nameValues.length; i += 2) {
      names.add(nameValues[i].toLowerCase(Locale.ROOT));
    }
    return Collections.unmodifiableSet(names);
  }

  /** {@return the field lines in order} */
  public List<Field> fields() {
    List<Field> fields = new ArrayList<>(size());
    for (int i = 0; i < nameValues.length; i += 2) {
      fields.add(new Field(nameValues[i], nameValues[i + 1]));
    }
    return Collections.unmodifiableList(fields);
  }

  /**
   * {@return a case-insensitive map of names to values, as {@code java.net.http.HttpHeaders} wants}
   */
  public Map<String, List<String>> toMap() {
    Map<String, List<String>> map = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    for (int i = 0; i < nameValues.length; i += 2) {
      map.computeIfAbsent(nameValues[i], k -> new ArrayList<>(1)).add(nameValues[i + 1]);
    }
    map.replaceAll((k, v) -> List.copyOf(v));
    return Collections.unmodifiableMap(map);
  }

  /**
   * {@return these headers with every line of {@code name} replaced by one line with {@code value}}
   *
   * @param name the field name
   * @param value the one value it keeps
   */
  public Headers with(String name, String value) {
    checkName(requireNonNull(name, "name"));
    checkValue(requireNonNull(value, "value"));
    int found = -1;
    int count = 0;
    for (int i = 0; i < nameValues.length; i += 2) {
      if (nameValues[i].equalsIgnoreCase(name)) {
        if (found < 0) {
          found = i;
        }
        count++;
      }
    }
    if (found < 0) {
      return plus(name, value);
    }
    String[] a = new String[nameValues.length - (count - 1) * 2];
    int j = 0;
    for (int i = 0; i < nameValues.length; i += 2) {
      if (i == found) {
        a[j++] = name;
        a[j++] = value;
      } else if (!nameValues[i].equalsIgnoreCase(name)) {
        a[j++] = nameValues[i];
        a[j++] = nameValues[i + 1];
      }
    }
    return new Headers(a);
  }

  /**
   * {@return these headers with one more field line appended}
   *
   * @param name the field name
   * @param value the field value
   */
  public Headers plus(String name, String value) {
    checkName(requireNonNull(name, "name"));
    checkValue(requireNonNull(value, "value"));
    String[] a = Arrays.copyOf(nameValues, nameValues.length + 2);
    a[nameValues.length] = name;
    a[nameValues.length + 1] = value;
    return new Headers(a);
  }

  /**
   * {@return these headers without any line of the given names}
   *
   * @param names the field names, in any case
   */
  public Headers without(String... names) {
    requireNonNull(names, "names");
    return withoutIf(
        n -> {
          for (String name : names) {
            if (n.equalsIgnoreCase(name)) {
              return true;
            }
          }
          return false;
        });
  }

  /**
   * {@return these headers without the lines whose name matches the predicate (given the name as
   * sent)}
   *
   * @param name tells, given a field name as sent, whether to drop its lines
   */
  public Headers withoutIf(Predicate<String> name) {
    requireNonNull(name, "name");
    String[] a = null;
    int j = 0;
    for (int i = 0; i < nameValues.length; i += 2) {
      boolean drop = name.test(nameValues[i]);
      if (drop && a == null) {
        a = Arrays.copyOf(nameValues, nameValues.length);
        j = i;
      } else if (!drop && a != null) {
        a[j++] = nameValues[i];
        a[j++] = nameValues[i + 1];
      }
    }
    if (a == null) {
      return this;
    }
    return j == 0 ? EMPTY : new Headers(Arrays.copyOf(a, j));
  }

  /**
   * These headers with their strings shared with other stored responses where equal (names, and
   * values of common fields): equal to these, for a response that stays stored.
   */
  Headers shared() {
    if (nameValues.length == 0) {
      return this;
    }
    String[] a = nameValues.clone();
    SharedStrings.shareFields(a);
    return new Headers(a);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Headers h && Arrays.equals(nameValues, h.nameValues);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(nameValues);
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("Headers[");
    for (int i = 0; i < nameValues.length; i += 2) {
      if (i > 0) {
        sb.append(", ");
      }
      sb.append(nameValues[i]).append(": ").append(nameValues[i + 1]);
    }
    return sb.append(']').toString();
  }

  private static void checkName(String name) {
    if (name.isEmpty()) {
      throw new IllegalArgumentException("empty field name");
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c <= ' ' || c == ':' || c >= 0x7f) {
        throw new IllegalArgumentException("invalid character in field name: " + name);
      }
    }
  }

  private static void checkValue(String value) {
    if (value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0) {
      throw new IllegalArgumentException("CR or LF in field value");
    }
  }
}
