package dev.cachet.examples.proxy;

import static java.util.Objects.requireNonNull;

import dev.cachet.core.Headers;

/**
 * The request line and field section of one HTTP/1.1 request (RFC 9112 §3, §5).
 *
 * @param method the method token, case-sensitive (RFC 9110 §9.1)
 * @param target the request-target as received (RFC 9112 §3.2)
 * @param minorVersion 1 for HTTP/1.1, 0 for HTTP/1.0
 * @param headers the field lines in the order received
 */
record RequestHead(String method, String target, int minorVersion, Headers headers) {
  RequestHead {
    requireNonNull(method, "method");
    requireNonNull(target, "target");
    requireNonNull(headers, "headers");
  }

  /** The version as written in a {@code Via} field's received-protocol (RFC 9110 §7.6.3). */
  String viaVersion() {
    return "1." + minorVersion;
  }
}
