package dev.cachet.engine.internal;

import dev.cachet.core.Request;
import dev.cachet.core.Response;
import java.util.Optional;

/** How long a response's body will be, as its fields declare it (RFC 9110 §8.6). */
final class BodyLength {
  private BodyLength() {}

  /**
   * The body length a response to this request declares, or -1 when it declares none or has no body
   * (a response to HEAD, a 204, a 304).
   */
  static long expected(Request request, Response response) {
    int code = response.status();
    if (request.method().equals("HEAD") || code == 204 || code == 304) {
      return -1;
    }
    Optional<String> v = response.headers().firstValue("Content-Length");
    if (v.isEmpty()) {
      return -1;
    }
    try {
      long n = Long.parseLong(v.get().trim());
      return n < 0 ? -1 : n;
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
