package dev.cachet.examples.demo;

import java.net.http.HttpHeaders;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code Cachet} member of a {@code Cache-Status} response field (RFC 9211 §2), read well
 * enough to check the demo's story: a list member is a name followed by {@code ;}-separated
 * parameters. Caches add their member at the end, so the last {@code Cachet} member is ours.
 *
 * @param member the member as written, e.g. {@code Cachet; hit; ttl=42}, or empty
 * @param parameters the member's parameters, lower-cased names to values ({@code ""} for a flag)
 */
record CacheStatusField(String member, Map<String, String> parameters) {
  private static final String NAME = "Cachet";

  static CacheStatusField of(HttpHeaders headers) {
    List<String> lines = headers.allValues("Cache-Status");
    String member = "";
    for (String line : lines) {
      for (String m : line.split(",")) {
        String trimmed = m.trim();
        if (trimmed.equals(NAME) || trimmed.startsWith(NAME + ";")) {
          member = trimmed;
        }
      }
    }
    Map<String, String> parameters = new LinkedHashMap<>();
    String[] parts = member.split(";");
    for (int i = 1; i < parts.length; i++) {
      String p = parts[i].trim();
      int eq = p.indexOf('=');
      if (eq < 0) {
        parameters.put(p.toLowerCase(Locale.ROOT), "");
      } else {
        parameters.put(p.substring(0, eq).toLowerCase(Locale.ROOT), p.substring(eq + 1));
      }
    }
    return new CacheStatusField(member, Map.copyOf(parameters));
  }

  /** The request was answered from the cache without the origin (RFC 9211 §2.1). */
  boolean hit() {
    return parameters.containsKey("hit");
  }

  /** Why the request went forward, when it did (RFC 9211 §2.2). */
  Optional<String> fwd() {
    return Optional.ofNullable(parameters.get("fwd"));
  }

  /** The status the origin answered the forwarded request with (RFC 9211 §2.3). */
  Optional<String> fwdStatus() {
    return Optional.ofNullable(parameters.get("fwd-status"));
  }

  /** The response was stored (RFC 9211 §2.5). */
  boolean stored() {
    return parameters.containsKey("stored");
  }
}
