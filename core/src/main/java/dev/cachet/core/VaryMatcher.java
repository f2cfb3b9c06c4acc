package dev.cachet.core;

import dev.cachet.core.internal.ListFields;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Secondary keys: whether a stored response's {@code Vary} matches a request (RFC 9111 §4.1). */
final class VaryMatcher {
  private VaryMatcher() {}

  /**
   * R4-05: true when every field the stored response's {@code Vary} nominates has the same
   * normalised value in both requests; a missing field matches only a missing field, and {@code
   * Vary: *} never matches.
   *
   * <p>O-02 (§4.1 allows normalising): {@code Accept-Language} and {@code Accept-Encoding} compare
   * as lists of preferences, after lower-casing, removing whitespace, dropping the default {@code
   * q=1} and ordering by weight. Members of equal weight keep their order: it breaks their tie (RFC
   * 4647 lookup, and most servers' negotiation), so {@code en, fr} is not {@code fr, en}. A stored
   * response with a {@code Content-Language} also matches a request whose single most preferred
   * language is that one, when the request it answered preferred it first as well: the origin chose
   * it, and would choose it again.
   */
  static boolean matches(StoredPair stored, Request request) {
    var facts = stored.response().facts();
    if (facts.varyStar()) {
      return false;
    }
    for (String name : facts.varyNames()) {
      List<String> a = stored.request().headers().allValues(name);
      List<String> b = request.headers().allValues(name);
      if (a.isEmpty() != b.isEmpty()) {
        return false;
      }
      if (a.equals(b)) {
        continue;
      }
      if (name.equals("accept-language") || name.equals("accept-encoding")) {
        List<Preference> pa = preferences(a);
        List<Preference> pb = preferences(b);
        if (!pa.equals(pb)
            && !(name.equals("accept-language") && sameFirstLanguage(stored, pa, pb))) {
          return false;
        }
      } else if (!normalised(a).equals(normalised(b))) {
        return false;
      }
    }
    return true;
  }

  /** One member of an {@code Accept-*} list: a value and its weight in thousandths. */
  private record Preference(String value, int weight) {}

  /** By weight only: a stable sort keeps the order of equal weights, which breaks their ties. */
  private static final Comparator<Preference> HEAVIEST_FIRST =
      Comparator.comparingInt(Preference::weight).reversed();

  /**
   * The members of an {@code Accept-Language} or {@code Accept-Encoding} value, lower-cased,
   * without whitespace and heaviest first, equal weights in their order. A member with a malformed
   * weight keeps it as part of its value, so it matches only itself.
   */
  private static List<Preference> preferences(List<String> lines) {
    List<String> members = new ArrayList<>();
    for (String line : lines) {
      ListFields.split(line, members);
    }
    List<Preference> out = new ArrayList<>(members.size());
    for (String m : members) {
      String compact = withoutWhitespace(m).toLowerCase(Locale.ROOT);
      int semi = compact.indexOf(';');
      String value = semi < 0 ? compact : compact.substring(0, semi);
      int weight = 1000;
      if (semi >= 0) {
        weight = weight(compact.substring(semi + 1));
        if (weight < 0) {
          value = compact;
          weight = 1000;
        }
      }
      out.add(new Preference(value, weight));
    }
    out.sort(HEAVIEST_FIRST);
    return out;
  }

  /** The weight of {@code q=0.8} in thousandths (RFC 9110 §12.4.2), or -1 when malformed. */
  private static int weight(String parameter) {
    // qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] )
    if (!parameter.startsWith("q=") || parameter.length() < 3 || parameter.length() > 7) {
      return -1;
    }
    char unit = parameter.charAt(2);
    if (unit != '0' && unit != '1') {
      return -1;
    }
    int thousandths = 0;
    if (parameter.length() > 3) {
      if (parameter.charAt(3) != '.') {
        return -1;
      }
      int scale = 100;
      for (int i = 4; i < parameter.length(); i++, scale /= 10) {
        char c = parameter.charAt(i);
        if (c < '0' || c > '9' || (unit == '1' && c != '0')) {
          return -1;
        }
        thousandths += (c - '0') * scale;
      }
    }
    return unit == '1' ? 1000 : thousandths;
  }

  /** O-02: both requests put the stored response's {@code Content-Language} alone at the top. */
  private static boolean sameFirstLanguage(
      StoredPair stored, List<Preference> storedRequest, List<Preference> request) {
    Optional<String> language = stored.response().headers().firstValue("Content-Language");
    if (language.isEmpty() || language.get().indexOf(',') >= 0) {
      return false;
    }
    String chosen = language.get().trim().toLowerCase(Locale.ROOT);
    return first(storedRequest).filter(chosen::equals).isPresent()
        && first(request).filter(chosen::equals).isPresent();
  }

  /** The single most preferred value, when one outweighs all others. */
  private static Optional<String> first(List<Preference> preferences) {
    if (preferences.isEmpty() || preferences.get(0).weight() == 0) {
      return Optional.empty();
    }
    if (preferences.size() > 1 && preferences.get(1).weight() == preferences.get(0).weight()) {
      return Optional.empty();
    }
    return Optional.of(preferences.get(0).value());
  }

  private static String withoutWhitespace(String s) {
    if (s.indexOf(' ') < 0 && s.indexOf('\t') < 0) {
      return s;
    }
    StringBuilder sb = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c != ' ' && c != '\t') {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  /** Field lines combined (RFC 9110 §5.3) and whitespace around list members removed. */
  private static List<String> normalised(List<String> lines) {
    List<String> members = new ArrayList<>();
    for (String line : lines) {
      ListFields.split(line, members);
    }
    members.replaceAll(VaryMatcher::collapseWhitespace);
    return members;
  }

  /** Each run of spaces and tabs as one space, without a regular expression on the lookup path. */
  private static String collapseWhitespace(String member) {
    int i = 0;
    while (i < member.length() && member.charAt(i) != ' ' && member.charAt(i) != '\t') {
      i++;
    }
    if (i == member.length()) {
      return member;
    }
    StringBuilder sb = new StringBuilder(member.length()).append(member, 0, i);
    boolean inRun = false;
    for (; i < member.length(); i++) {
      char c = member.charAt(i);
      if (c == ' ' || c == '\t') {
        if (!inRun) {
          sb.append(' ');
          inRun = true;
        }
      } else {
        sb.append(c);
        inRun = false;
      }
    }
    return sb.toString();
  }
}
