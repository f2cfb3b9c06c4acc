package dev.cachet.proxy.internal;

import java.io.IOException;

/** The origin did not answer in time; the client gets 504 (RFC 9110 §15.6.5). */
final class OriginTimeoutException extends IOException {
  private static final long serialVersionUID = 1L;

  OriginTimeoutException(String message) {
    super(message);
  }
}
