package dev.cachet.examples.proxy;

import dev.cachet.core.Headers;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * Removes the fields that describe one connection rather than the message, before a message is
 * forwarded either way (RFC 9110 §7.6.1): {@code Connection} and every field it names, and {@code
 * Keep-Alive}, {@code Proxy-Connection}, {@code TE}, {@code Transfer-Encoding}, {@code Upgrade}.
 * {@code Proxy-Authenticate} and {@code Proxy-Authorization} go too: they are meant for this proxy,
 * which asks for no credentials (RFC 9110 §11.7).
 */
final class HopByHop {
  private static final Set<String> ALWAYS =
      Set.of(
          "connection",
          "keep-alive",
          "proxy-connection",
          "te",
          "transfer-encoding",
          "upgrade",
          "proxy-authenticate",
          "proxy-authorization");

  private HopByHop() {}

  /** These headers without the hop-by-hop fields. */
  static Headers strip(Headers headers) {
    Set<String> named = new HashSet<>();
    for (String option : headers.listValues("Connection")) {
      named.add(option.toLowerCase(Locale.ROOT));
    }
    return headers.withoutIf(
        name -> {
          String lower = name.toLowerCase(Locale.ROOT);
          return ALWAYS.contains(lower) || named.contains(lower);
        });
  }

  /** True if the {@code Connection} field carries this option, compared case-insensitively. */
  static boolean hasConnectionOption(Headers headers, String option) {
    for (String value : headers.listValues("Connection")) {
      if (value.equalsIgnoreCase(option)) {
        return true;
      }
    }
    return false;
  }
}
