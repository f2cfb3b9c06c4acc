package dev.cachet.examples.proxy;

import static java.util.Objects.requireNonNull;

import dev.cachet.core.Headers;
import java.io.InputStream;
import java.util.OptionalLong;

/**
 * A response for the listener to write.
 *
 * @param status the status code
 * @param headers the end-to-end fields, without framing fields ({@code Content-Length}, {@code
 *     Transfer-Encoding}, {@code Connection}), which the listener writes
 * @param length the body's length when known (for a {@code HEAD} or 304 response, the length the
 *     origin declared, written as metadata with no body)
 * @param body the body; the listener reads it to its end (or up to {@code length}) and closes it
 */
record ProxyResponse(int status, Headers headers, OptionalLong length, InputStream body) {
  ProxyResponse {
    requireNonNull(headers, "headers");
    requireNonNull(length, "length");
    requireNonNull(body, "body");
    if (status < 100 || status > 999) {
      throw new IllegalArgumentException("status out of range: " + status);
    }
  }
}
