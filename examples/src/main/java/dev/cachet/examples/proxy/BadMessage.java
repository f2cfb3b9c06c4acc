package dev.cachet.examples.proxy;

import java.io.IOException;

/**
 * A request the listener cannot accept, with the status to answer it with: 400 for malformed syntax
 * or framing (RFC 9112 §2.2, §6.3), 414 for a request line over the limit, 431 for a field section
 * over the limits (RFC 6585 §5), 501 for a transfer coding or method it does not implement, 505 for
 * an HTTP version it does not speak. The connection is closed after the answer, since the framing
 * of whatever follows cannot be trusted.
 */
final class BadMessage extends IOException {
  private static final long serialVersionUID = 1L;

  private final int status;

  BadMessage(int status, String message) {
    super(message);
    this.status = status;
  }

  /** The status code to answer with. */
  int status() {
    return status;
  }
}
