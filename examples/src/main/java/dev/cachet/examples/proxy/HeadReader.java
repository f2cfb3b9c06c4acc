package dev.cachet.examples.proxy;

import dev.cachet.core.Headers;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads a request line and field section (RFC 9112 §2–§5) strictly and within limits. Anything that
 * does not parse is a {@link BadMessage}: the listener answers it and closes the connection.
 */
final class HeadReader {
  /** The longest request line accepted; longer gets 414 (RFC 9112 §3, RFC 9110 §15.5.15). */
  static final int MAX_REQUEST_LINE = 8 * 1024;

  /** The longest field line accepted; longer gets 431 (RFC 6585 §5). */
  static final int MAX_FIELD_LINE = 8 * 1024;

  /** The most field lines accepted; more gets 431. */
  static final int MAX_FIELDS = 100;

  /** The largest field section accepted, in bytes; larger gets 431. */
  static final int MAX_FIELD_SECTION = 64 * 1024;

  /** Empty lines tolerated before a request line (RFC 9112 §2.2: "SHOULD ignore at least one"). */
  private static final int MAX_LEADING_EMPTY_LINES = 4;

  private HeadReader() {}

  /**
   * Reads one request head, or returns null when the stream ends cleanly before its first byte (the
   * client closed an idle connection).
   *
   * @throws BadMessage if the head is malformed or over a limit
   * @throws IOException if the stream fails or ends inside the head
   */
  static RequestHead read(InputStream in) throws IOException {
    String requestLine = null;
    for (int i = 0; i <= MAX_LEADING_EMPTY_LINES; i++) {
      requestLine = readLine(in, MAX_REQUEST_LINE, 414, i == 0);
      if (requestLine == null) {
        return null;
      }
      if (!requestLine.isEmpty()) {
        break;
      }
    }
    if (requestLine.isEmpty()) {
      throw new BadMessage(400, "no request line");
    }
    RequestHead line = parseRequestLine(requestLine);
    return new RequestHead(line.method(), line.target(), line.minorVersion(), readFields(in));
  }

  /**
   * Reads a field section up to its empty line (RFC 9112 §5); also used for chunked trailers.
   *
   * @throws BadMessage if a field line is malformed or the section is over a limit
   */
  static Headers readFields(InputStream in) throws IOException {
    List<Headers.Field> fields = new ArrayList<>();
    int total = 0;
    while (true) {
      String line = readLine(in, MAX_FIELD_LINE, 431, false);
      if (line.isEmpty()) {
        return Headers.ofFields(fields);
      }
      total += line.length() + 2;
      if (fields.size() == MAX_FIELDS || total > MAX_FIELD_SECTION) {
        throw new BadMessage(431, "too many or too large header fields");
      }
      fields.add(parseField(line));
    }
  }

  /**
   * One line without its terminator. CRLF ends a line; so does a bare LF (RFC 9112 §2.2 lets a
   * recipient accept it). A bare CR is rejected. Returns null at a clean end of stream only when
   * {@code eofAllowed} and nothing was read.
   */
  static String readLine(InputStream in, int max, int tooLongStatus, boolean eofAllowed)
      throws IOException {
    byte[] buf = new byte[128];
    int n = 0;
    while (true) {
      int b = in.read();
      if (b < 0) {
        if (n == 0 && eofAllowed) {
          return null;
        }
        throw new EOFException("connection closed inside a message head");
      }
      if (b == '\n') {
        return new String(buf, 0, n, StandardCharsets.ISO_8859_1);
      }
      if (b == '\r') {
        if (in.read() != '\n') {
          throw new BadMessage(400, "bare CR in message head");
        }
        return new String(buf, 0, n, StandardCharsets.ISO_8859_1);
      }
      if (n == max) {
        throw new BadMessage(tooLongStatus, "line longer than " + max + " bytes");
      }
      if (n == buf.length) {
        buf = Arrays.copyOf(buf, Math.min(max, n * 2));
      }
      buf[n++] = (byte) b;
    }
  }

  /** request-line = method SP request-target SP HTTP-version (RFC 9112 §3). */
  private static RequestHead parseRequestLine(String line) throws BadMessage {
    int sp1 = line.indexOf(' ');
    int sp2 = sp1 < 0 ? -1 : line.indexOf(' ', sp1 + 1);
    if (sp1 <= 0 || sp2 < 0 || line.indexOf(' ', sp2 + 1) >= 0) {
      throw new BadMessage(400, "malformed request line");
    }
    String method = line.substring(0, sp1);
    String target = line.substring(sp1 + 1, sp2);
    String version = line.substring(sp2 + 1);
    if (!isToken(method)) {
      throw new BadMessage(400, "malformed method");
    }
    if (target.isEmpty()) {
      throw new BadMessage(400, "empty request target");
    }
    for (int i = 0; i < target.length(); i++) {
      char c = target.charAt(i);
      if (c <= 0x20 || c >= 0x7f) {
        throw new BadMessage(400, "invalid character in request target");
      }
    }
    return new RequestHead(method, target, minorVersion(version), Headers.empty());
  }

  /** HTTP-version = "HTTP/" DIGIT "." DIGIT (RFC 9112 §2.3); only 1.0 and 1.1 are spoken. */
  private static int minorVersion(String version) throws BadMessage {
    if (version.length() != 8
        || !version.startsWith("HTTP/")
        || !isDigit(version.charAt(5))
        || version.charAt(6) != '.'
        || !isDigit(version.charAt(7))) {
      throw new BadMessage(400, "malformed HTTP version");
    }
    if (version.charAt(5) != '1') {
      throw new BadMessage(505, "HTTP version not supported: " + version);
    }
    // HTTP/1.x with x > 1 is answered as HTTP/1.1 (RFC 9110 §2.5).
    return version.charAt(7) == '0' ? 0 : 1;
  }

  /** field-line = field-name ":" OWS field-value OWS (RFC 9112 §5). */
  private static Headers.Field parseField(String line) throws BadMessage {
    char first = line.charAt(0);
    if (first == ' ' || first == '\t') {
      // obs-fold: a server MAY reject it with 400 (RFC 9112 §5.2).
      throw new BadMessage(400, "obsolete line folding");
    }
    int colon = line.indexOf(':');
    if (colon <= 0) {
      throw new BadMessage(400, "malformed header field");
    }
    String name = line.substring(0, colon);
    if (!isToken(name)) {
      // Includes whitespace between the name and the colon, which MUST get 400 (RFC 9112 §5.1).
      throw new BadMessage(400, "malformed header field name");
    }
    int from = colon + 1;
    int to = line.length();
    while (from < to && isOws(line.charAt(from))) {
      from++;
    }
    while (to > from && isOws(line.charAt(to - 1))) {
      to--;
    }
    String value = line.substring(from, to);
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      // CR, LF and NUL are never valid in a field value (RFC 9110 §5.5); nor other controls.
      if ((c < 0x20 && c != '\t') || c == 0x7f) {
        throw new BadMessage(400, "invalid character in header field " + name);
      }
    }
    return new Headers.Field(name, value);
  }

  /** token = 1*tchar (RFC 9110 §5.6.2). */
  static boolean isToken(String s) {
    if (s.isEmpty()) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean tchar =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || isDigit(c)
              || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
      if (!tchar) {
        return false;
      }
    }
    return true;
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static boolean isOws(char c) {
    return c == ' ' || c == '\t';
  }
}
