package dev.cachet.proxy.internal;

import dev.cachet.core.Headers;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The fields that describe one connection rather than the message, removed before a message is
 * forwarded either way (RFC 9110 §7.6.1): {@code Connection} and every field it names, and {@code
 * Keep-Alive}, {@code Proxy-Connection}, {@code TE}, {@code Transfer-Encoding}, {@code Upgrade}.
 * {@code Proxy-Authenticate} and {@code Proxy-Authorization} go too: they are meant for this proxy,
 * which asks for no credentials (RFC 9110 §11.7). HTTP/2's pseudo-header copies ({@code x-http2-*})
 * are this proxy's own and never forwarded.
 */
final class HopByHop {
  /** Core's RFC 9110 names, and the ones meant for this proxy or its HTTP/2 upgrade. */
  private static final Set<String> ALWAYS = always();

  private HopByHop() {}

  private static Set<String> always() {
    Set<String> names = new HashSet<>(Headers.HOP_BY_HOP);
    names.addAll(List.of("proxy-authenticate", "proxy-authorization", "http2-settings"));
    return Set.copyOf(names);
  }

  /** The names to remove from these fields, lower-cased. */
  static Set<String> names(HttpHeaders headers) {
    List<String> connection = headers.getAll("connection");
    if (connection.isEmpty()) {
      return ALWAYS;
    }
    Set<String> names = new HashSet<>(ALWAYS);
    for (String value : connection) {
      for (String option : value.split(",", -1)) {
        String o = option.trim().toLowerCase(Locale.ROOT);
        if (!o.isEmpty()) {
          names.add(o);
        }
      }
    }
    return names;
  }

  /** True if the field is hop-by-hop or this proxy's own. */
  static boolean drop(String lowerName, Set<String> names) {
    return names.contains(lowerName) || lowerName.startsWith("x-http2-");
  }

  /** True if the {@code Connection} field carries this option. */
  static boolean hasConnectionOption(HttpHeaders headers, String option) {
    for (String value : headers.getAll("connection")) {
      for (String o : value.split(",", -1)) {
        if (o.trim().equalsIgnoreCase(option)) {
          return true;
        }
      }
    }
    return false;
  }
}
