package dev.cachet.examples.proxy;

import dev.cachet.core.Headers;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.OptionalLong;

/**
 * The body of one request, framed as RFC 9112 §6.3 says, read straight from the connection as the
 * consumer reads it. If the client asked for {@code Expect: 100-continue}, the interim response is
 * sent just before the first read (RFC 9110 §10.1.1). The first failure is remembered, so the
 * listener can tell a malformed body (400) from a failing origin (502).
 */
final class RequestBody extends InputStream {
  /** Sends the interim 100 (Continue) response. */
  @FunctionalInterface
  interface Continue {
    void send() throws IOException;
  }

  private final InputStream framed;
  private final OptionalLong length;
  private final Continue onFirstRead;
  private volatile boolean continued;
  private volatile IOException failure;

  private RequestBody(InputStream framed, OptionalLong length, Continue onFirstRead) {
    this.framed = framed;
    this.length = length;
    this.onFirstRead = onFirstRead;
  }

  /**
   * The body of a request with this head, read from {@code in}.
   *
   * @param expectContinue sends 100 (Continue) before the first read, or null when not asked for
   * @throws BadMessage if the framing fields are invalid (400) or name a coding other than chunked
   *     (501)
   */
  static RequestBody of(RequestHead head, InputStream in, Continue expectContinue)
      throws BadMessage {
    Headers h = head.headers();
    boolean chunked = h.contains("Transfer-Encoding");
    boolean fixed = h.contains("Content-Length");
    if (chunked) {
      if (head.minorVersion() == 0) {
        // RFC 9112 §6.1: Transfer-Encoding in HTTP/1.0 means faulty framing.
        throw new BadMessage(400, "Transfer-Encoding in an HTTP/1.0 request");
      }
      if (fixed) {
        // RFC 9112 §6.3: both present may be an attempt at request smuggling; refuse it.
        throw new BadMessage(400, "both Transfer-Encoding and Content-Length");
      }
      List<String> codings = h.listValues("Transfer-Encoding");
      if (codings.isEmpty() || !codings.get(codings.size() - 1).equalsIgnoreCase("chunked")) {
        // RFC 9112 §6.3: chunked not final in a request → 400 and close.
        throw new BadMessage(400, "chunked is not the final transfer coding");
      }
      if (codings.size() > 1) {
        throw new BadMessage(501, "transfer coding not implemented: " + codings.get(0));
      }
      return new RequestBody(new ChunkedInputStream(in), OptionalLong.empty(), expectContinue);
    }
    if (fixed) {
      long length = contentLength(h);
      return new RequestBody(
          new FixedLengthInputStream(in, length), OptionalLong.of(length), expectContinue);
    }
    return new RequestBody(InputStream.nullInputStream(), OptionalLong.of(0), null);
  }

  /**
   * The value of {@code Content-Length}: one non-negative decimal, possibly repeated identically
   * (RFC 9110 §8.6, RFC 9112 §6.3 item 5).
   */
  private static long contentLength(Headers h) throws BadMessage {
    long length = -1;
    for (String value : h.listValues("Content-Length")) {
      long v = parseLength(value);
      if (v < 0 || (length >= 0 && v != length)) {
        throw new BadMessage(400, "invalid Content-Length");
      }
      length = v;
    }
    if (length < 0) {
      throw new BadMessage(400, "invalid Content-Length");
    }
    return length;
  }

  /** A non-negative decimal of at most 18 digits, or -1. */
  static long parseLength(String value) {
    if (value.isEmpty() || value.length() > 18) {
      return -1;
    }
    long v = 0;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      v = v * 10 + (c - '0');
    }
    return v;
  }

  /** The length when known: from {@code Content-Length}, or 0 when the request has no body. */
  OptionalLong length() {
    return length;
  }

  /** True when the request has no body at all. */
  boolean isEmpty() {
    return length.isPresent() && length.getAsLong() == 0;
  }

  /**
   * True once the whole body has been read, so the connection is positioned at the next request.
   */
  boolean isComplete() {
    if (framed instanceof FixedLengthInputStream f) {
      return f.isComplete();
    }
    if (framed instanceof ChunkedInputStream c) {
      return c.isComplete();
    }
    return true;
  }

  /** The first failure reading the body, or null. */
  IOException failure() {
    return failure;
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    try {
      if (onFirstRead != null && !continued) {
        continued = true;
        onFirstRead.send();
      }
      return framed.read(b, off, len);
    } catch (IOException e) {
      if (failure == null) {
        failure = e;
      }
      throw e;
    }
  }

  @Override
  public void close() {
    // The connection outlives the body; an unread rest makes the listener close it.
  }
}
