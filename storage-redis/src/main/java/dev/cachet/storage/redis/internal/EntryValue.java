package dev.cachet.storage.redis.internal;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;

import dev.cachet.core.CacheKey;
import dev.cachet.core.Headers;
import dev.cachet.core.Request;
import dev.cachet.core.Response;
import dev.cachet.core.StoredPair;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * One pair's value in its entry hash: where its body is and the pair itself, in a compact binary
 * form. The layout, version 2:
 *
 * <pre>
 * 32 ASCII hex  the body's nonce (its key is the body prefix + nonce)
 * 16 ASCII hex  the body's length in bytes
 * 1 byte        format version (2)
 * 16 bytes      pair id
 * str           cache key
 * str str       request method, request URI
 * fields        request header fields
 * int           response status
 * fields        response header fields
 * long int      request time: epoch seconds, nanos
 * long int      response time: epoch seconds, nanos
 * (byte str)*   optional fields, each a tag and its value: 1, the HTTP version the response
 *               arrived in ({@code HTTP/1.1}); 2, the reason phrase of its status line
 * </pre>
 *
 * where {@code str} is an int length and that many UTF-8 bytes and {@code fields} an int count and
 * that many name, value {@code str}s. Ints and longs are big-endian. An optional field of a tag
 * this version does not know is skipped, so a later version can add one without older readers
 * dropping its values; a tag given twice is corrupt. Version 1, written before the optional fields
 * were tagged, ends with at most a bare HTTP version and is still read. The Lua scripts read only
 * the first 48 ASCII bytes; anything that does not decode is corrupt and never served.
 *
 * @param nonce the body's nonce, 32 lowercase hex digits
 * @param bodyLength the body's length in bytes
 * @param pair the stored pair
 */
public record EntryValue(String nonce, long bodyLength, StoredPair pair) {
  /** The length of the ASCII head the scripts read: nonce and body length. */
  public static final int HEAD_LENGTH = 48;

  private static final byte VERSION = 2;
  private static final byte VERSION_1 = 1; // untagged: a bare trailing HTTP version, if any
  private static final byte TAG_HTTP_VERSION = 1;
  private static final byte TAG_REASON_PHRASE = 2;

  /** A fresh random nonce for a new body. */
  public static String newNonce() {
    UUID u = UUID.randomUUID();
    return HexFormat.of().toHexDigits(u.getMostSignificantBits())
        + HexFormat.of().toHexDigits(u.getLeastSignificantBits());
  }

  /** The encoded value. */
  public byte[] encode() {
    return encode(nonce, bodyLength, pair);
  }

  /** This value with another pair, keeping the body. */
  public EntryValue withPair(StoredPair newPair) {
    return new EntryValue(nonce, bodyLength, newPair);
  }

  static byte[] encode(String nonce, long bodyLength, StoredPair pair) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream(512);
      DataOutputStream out = new DataOutputStream(bytes);
      out.write(nonce.getBytes(US_ASCII));
      out.write(HexFormat.of().toHexDigits(bodyLength).getBytes(US_ASCII));
      out.writeByte(VERSION);
      out.writeLong(pair.id().getMostSignificantBits());
      out.writeLong(pair.id().getLeastSignificantBits());
      writeString(out, pair.key().value());
      writeString(out, pair.request().method());
      writeString(out, pair.request().uri().toString());
      writeFields(out, pair.request().headers());
      out.writeInt(pair.response().status());
      writeFields(out, pair.response().headers());
      writeInstant(out, pair.requestTime());
      writeInstant(out, pair.responseTime());
      if (pair.httpVersion().isPresent()) {
        out.writeByte(TAG_HTTP_VERSION);
        writeString(out, pair.httpVersion().get());
      }
      if (pair.reasonPhrase().isPresent()) {
        out.writeByte(TAG_REASON_PHRASE);
        writeString(out, pair.reasonPhrase().get());
      }
      out.flush();
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException("a byte array cannot fail", e);
    }
  }

  /** The value's nonce, read from its head; empty when the head is not well formed. */
  static Optional<String> nonceOf(byte[] value) {
    if (value.length < HEAD_LENGTH) {
      return Optional.empty();
    }
    String nonce = new String(value, 0, 32, US_ASCII);
    return isHex(nonce) ? Optional.of(nonce) : Optional.empty();
  }

  /**
   * Decodes a value; empty when it is corrupt or of a format this version does not know, so it is
   * dropped, never served.
   */
  public static Optional<EntryValue> decode(byte[] value) {
    try {
      ByteBuffer in = ByteBuffer.wrap(value);
      String nonce = ascii(in, 32);
      String lengthHex = ascii(in, 16);
      if (!isHex(nonce) || !isHex(lengthHex)) {
        return Optional.empty();
      }
      long length = HexFormat.fromHexDigitsToLong(lengthHex);
      byte version = in.get();
      if (length < 0 || (version != VERSION && version != VERSION_1)) {
        return Optional.empty();
      }
      UUID id = new UUID(in.getLong(), in.getLong());
      CacheKey key = new CacheKey(readString(in));
      String method = readString(in);
      URI uri = new URI(readString(in));
      Headers requestHeaders = readFields(in);
      int status = in.getInt();
      Headers responseHeaders = readFields(in);
      Instant requestTime = readInstant(in);
      Instant responseTime = readInstant(in);
      Optional<String> httpVersion = Optional.empty();
      Optional<String> reasonPhrase = Optional.empty();
      if (version == VERSION_1) {
        httpVersion = in.hasRemaining() ? Optional.of(readString(in)) : Optional.empty();
        if (in.hasRemaining()) {
          return Optional.empty();
        }
      }
      while (in.hasRemaining()) {
        byte tag = in.get();
        String field = readString(in);
        if (tag == TAG_HTTP_VERSION && httpVersion.isEmpty()) {
          httpVersion = Optional.of(field);
        } else if (tag == TAG_REASON_PHRASE && reasonPhrase.isEmpty()) {
          reasonPhrase = Optional.of(field);
        } else if (tag == TAG_HTTP_VERSION || tag == TAG_REASON_PHRASE) {
          return Optional.empty(); // given twice
        }
        // An optional field of a later version: skipped.
      }
      StoredPair pair =
          new StoredPair(
              id,
              key,
              new Request(method, uri, requestHeaders),
              Response.of(status, responseHeaders),
              requestTime,
              responseTime,
              httpVersion);
      if (reasonPhrase.isPresent()) {
        pair = pair.withReasonPhrase(reasonPhrase.get());
      }
      return Optional.of(new EntryValue(nonce, length, pair));
    } catch (BufferUnderflowException
        | IllegalArgumentException
        | DateTimeException
        | java.net.URISyntaxException e) {
      return Optional.empty();
    }
  }

  private static boolean isHex(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
        return false;
      }
    }
    return true;
  }

  private static String ascii(ByteBuffer in, int n) {
    byte[] b = new byte[n];
    in.get(b);
    return new String(b, US_ASCII);
  }

  private static void writeString(DataOutputStream out, String s) throws IOException {
    byte[] b = s.getBytes(UTF_8);
    out.writeInt(b.length);
    out.write(b);
  }

  private static String readString(ByteBuffer in) {
    int n = in.getInt();
    if (n < 0 || n > in.remaining()) {
      throw new IllegalArgumentException("string length out of range: " + n);
    }
    byte[] b = new byte[n];
    in.get(b);
    return new String(b, UTF_8);
  }

  private static void writeFields(DataOutputStream out, Headers headers) throws IOException {
    List<Headers.Field> fields = headers.fields();
    out.writeInt(fields.size());
    for (Headers.Field f : fields) {
      writeString(out, f.name());
      writeString(out, f.value());
    }
  }

  private static Headers readFields(ByteBuffer in) {
    int n = in.getInt();
    // Each field takes at least 8 bytes, which bounds a corrupt count before allocating.
    if (n < 0 || n > in.remaining() / 8) {
      throw new IllegalArgumentException("field count out of range: " + n);
    }
    List<Headers.Field> fields = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      fields.add(new Headers.Field(readString(in), readString(in)));
    }
    return Headers.ofFields(fields);
  }

  private static void writeInstant(DataOutputStream out, Instant t) throws IOException {
    out.writeLong(t.getEpochSecond());
    out.writeInt(t.getNano());
  }

  private static Instant readInstant(ByteBuffer in) {
    return Instant.ofEpochSecond(in.getLong(), in.getInt());
  }
}
