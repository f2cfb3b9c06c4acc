package dev.cachet.core;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** Which header fields are stored, served and updated (RFC 9111 §3.1, §3.2; RFC 9110 §7.6.1). */
final class Fields {

  /**
   * Fields a freshening response never changes, because they describe the stored body: {@code
   * Content-Length} (a MUST, §3.2), and {@code Content-Encoding}, {@code Content-Type} and {@code
   * Content-Range}, which §3.2 lets a cache keep to preserve the integrity of what it stored.
   */
  private static final String[] DESCRIBES_BODY = {
    "content-length", "content-encoding", "content-type", "content-range"
  };

  /** {@link Headers#HOP_BY_HOP} as an array, for checks that compare without lower-casing. */
  private static final String[] HOP_BY_HOP_NAMES = Headers.HOP_BY_HOP.toArray(new String[0]);

  private Fields() {}

  /**
   * S3-08: the headers without hop-by-hop fields: {@code Connection} and the fields it names,
   * {@code Keep-Alive}, {@code Proxy-Connection}, {@code TE}, {@code Transfer-Encoding}, {@code
   * Upgrade}.
   */
  static Headers withoutHopByHop(Headers headers) {
    List<String> named = headers.listValues("Connection");
    if (named.isEmpty()) {
      return headers.withoutIf(Fields::isHopByHop);
    }
    Set<String> drop = new HashSet<>(Headers.HOP_BY_HOP);
    for (String n : named) {
      drop.add(n.toLowerCase(Locale.ROOT));
    }
    return headers.withoutIf(n -> drop.contains(n.toLowerCase(Locale.ROOT)));
  }

  private static boolean isHopByHop(String name) {
    return containsIgnoreCase(HOP_BY_HOP_NAMES, name);
  }

  /** Whether the lower-case names hold this name, compared without allocating a lower-case copy. */
  private static boolean containsIgnoreCase(String[] lowerCaseNames, String name) {
    for (String n : lowerCaseNames) {
      if (n.equalsIgnoreCase(name)) {
        return true;
      }
    }
    return false;
  }

  /** The headers without the named fields (lower-case names). */
  static Headers without(Headers headers, List<String> lowerCaseNames) {
    if (lowerCaseNames.isEmpty()) {
      return headers;
    }
    return headers.withoutIf(n -> lowerCaseNames.contains(n.toLowerCase(Locale.ROOT)));
  }

  /**
   * S3-12: the stored headers updated by a freshening response (§3.2, §4.3.4): each field the new
   * response carries replaces the stored lines of that name, except hop-by-hop fields and the
   * fields that describe the stored body. The stored {@code Age} is dropped: it described the old
   * message, and the new one's {@code Age}, if any, takes its place.
   */
  static Headers freshen(Headers stored, Headers received) {
    Headers fresh = withoutHopByHop(received);
    int updates = 0;
    for (int i = 0; i < fresh.size(); i++) {
      if (!containsIgnoreCase(DESCRIBES_BODY, fresh.name(i))) {
        updates++;
      }
    }
    // The stored lines no updating line replaces, then the updating lines in their order.
    String[] out = new String[(stored.size() + updates) * 2];
    int j = 0;
    for (int i = 0; i < stored.size(); i++) {
      String name = stored.name(i);
      if (!name.equalsIgnoreCase("Age") && !updates(fresh, name)) {
        out[j++] = name;
        out[j++] = stored.value(i);
      }
    }
    for (int i = 0; i < fresh.size(); i++) {
      String name = fresh.name(i);
      if (!containsIgnoreCase(DESCRIBES_BODY, name)) {
        out[j++] = name;
        out[j++] = fresh.value(i);
      }
    }
    return Headers.ofChecked(j == out.length ? out : Arrays.copyOf(out, j));
  }

  /** Whether the freshening lines carry a field of this name that replaces the stored lines. */
  private static boolean updates(Headers fresh, String name) {
    for (int i = 0; i < fresh.size(); i++) {
      String n = fresh.name(i);
      if (n.equalsIgnoreCase(name) && !containsIgnoreCase(DESCRIBES_BODY, n)) {
        return true;
      }
    }
    return false;
  }
}
