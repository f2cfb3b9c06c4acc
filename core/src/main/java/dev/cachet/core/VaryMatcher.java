package dev.cachet.core;

import dev.cachet.core.internal.ListFields;
import java.util.ArrayList;
import java.util.List;

/** Secondary keys: whether a stored response's {@code Vary} matches a request (RFC 9111 §4.1). */
final class VaryMatcher {
  private VaryMatcher() {}

  /**
   * R4-05: true when every field the stored response's {@code Vary} nominates has the same
   * normalised value in both requests; a missing field matches only a missing field, and {@code
   * Vary: *} never matches.
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
      if (!a.equals(b) && !normalised(a).equals(normalised(b))) {
        return false;
      }
    }
    return true;
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
