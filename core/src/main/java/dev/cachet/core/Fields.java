package dev.cachet.core;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** Which header fields are stored, served and updated (RFC 9111 §3.1, §3.2; RFC 9110 §7.6.1). */
final class Fields {
  private static final Set<String> HOP_BY_HOP =
      Set.of("connection", "keep-alive", "proxy-connection", "te", "transfer-encoding", "upgrade");

  /**
   * Fields a freshening response never changes, because they describe the stored body: {@code
   * Content-Length} (a MUST, §3.2), and {@code Content-Encoding}, {@code Content-Type} and {@code
   * Content-Range}, which §3.2 lets a cache keep to preserve the integrity of what it stored.
   */
  private static final Set<String> DESCRIBES_BODY =
      Set.of("content-length", "content-encoding", "content-type", "content-range");

  private Fields() {}

  /**
   * S3-08: the headers without hop-by-hop fields: {@code Connection} and the fields it names,
   * {@code Keep-Alive}, {@code Proxy-Connection}, {@code TE}, {@code Transfer-Encoding}, {@code
   * Upgrade}.
   */
  static Headers withoutHopByHop(Headers headers) {
    List<String> named = headers.listValues("Connection");
    if (named.isEmpty()) {
      return headers.withoutIf(n -> HOP_BY_HOP.contains(n.toLowerCase(Locale.ROOT)));
    }
    Set<String> drop = new HashSet<>(HOP_BY_HOP);
    for (String n : named) {
      drop.add(n.toLowerCase(Locale.ROOT));
    }
    return headers.withoutIf(n -> drop.contains(n.toLowerCase(Locale.ROOT)));
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
    Headers out = stored.without("Age");
    Set<String> replaced = new HashSet<>();
    for (Headers.Field f : fresh.fields()) {
      String lower = f.name().toLowerCase(Locale.ROOT);
      if (DESCRIBES_BODY.contains(lower)) {
        continue;
      }
      if (replaced.add(lower)) {
        out = out.without(f.name());
      }
      out = out.plus(f.name(), f.value());
    }
    return out;
  }
}
