package dev.cachet.proxy.internal;

import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import java.util.Optional;

/**
 * The checks a client's request passes before anything is forwarded: HTTP/1's version, {@code Host}
 * and framing rules (RFC 9112 §2.3, §3.2, §6.3), the limit on fields, and the methods, expectations
 * and target forms a reverse proxy does not forward. A failed check becomes the proxy's own
 * refusal.
 */
final class RequestChecks {
  /**
   * Why a request is refused.
   *
   * @param status the status the proxy answers with
   * @param message what was wrong, for the client and the access log
   */
  record Refusal(int status, String message) {}

  private RequestChecks() {}

  /** The first check the request fails, if any. */
  static Optional<Refusal> refusal(HttpRequest request, boolean http2, int maxFields) {
    HttpHeaders h = request.headers();
    if (!http2) {
      if (request.protocolVersion().majorVersion() != 1) {
        return refuse(505, "only HTTP/1.0 and HTTP/1.1 are spoken here");
      }
      boolean http10 = request.protocolVersion().minorVersion() == 0;
      int hosts = h.getAll("host").size();
      if (hosts > 1 || (hosts == 0 && !http10)) {
        return refuse(400, "an HTTP/1.1 request needs exactly one Host field");
      }
      if (h.contains("transfer-encoding") && h.contains("content-length")) {
        return refuse(400, "a request with both Content-Length and Transfer-Encoding");
      }
    }
    if (h.size() > maxFields) {
      return refuse(431, "more than " + maxFields + " fields");
    }
    if (request.method().equals(HttpMethod.CONNECT)) {
      return refuse(501, "CONNECT is not supported by a reverse proxy");
    }
    for (String expect : h.getAll("expect")) {
      if (!expect.trim().equalsIgnoreCase("100-continue")) {
        return refuse(417, "unsupported expectation: " + expect);
      }
    }
    if (request.uri().equals("*")) {
      return refuse(501, "asterisk-form requests are not forwarded");
    }
    return Optional.empty();
  }

  private static Optional<Refusal> refuse(int status, String message) {
    return Optional.of(new Refusal(status, message));
  }
}
