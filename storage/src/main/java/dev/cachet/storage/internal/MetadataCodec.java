package dev.cachet.storage.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cachet.core.CacheKey;
import dev.cachet.core.Headers;
import dev.cachet.core.Request;
import dev.cachet.core.Response;
import dev.cachet.core.StoredPair;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.zip.CRC32C;
import org.jspecify.annotations.Nullable;

/**
 * Writes and reads metadata files, format version {@value #FORMAT_VERSION}. A file is a JSON
 * object, the <em>base</em>, written whole by a commit (a temporary file renamed into place):
 *
 * <pre>{@code
 * {
 *   "formatVersion": 3,
 *   "id": "<uuid>",
 *   "key": "<cache key>",
 *   "request": {"method": "GET", "uri": "<uri>", "headers": [["Accept", "text/html"]]},
 *   "response": {"status": 200, "httpVersion": "HTTP/1.1",
 *                "headers": [["Vary", "Accept"], ["Cache-Control", "max-age=60"]]},
 *   "requestTime": "<ISO-8601 instant>",
 *   "responseTime": "<ISO-8601 instant>",
 *   "body": {"file": "<id>.<generation>.body", "length": 1234, "crc32c": 305419896}
 * }
 * }</pre>
 *
 * then, once the entry has been freshened in place (a 304, RFC 9111 §4.3.4), an <em>update
 * area</em>: after the base, a zero byte (JSON text never holds one, so the first zero byte ends
 * the base), and two slots of {@value #SLOT_BYTES} bytes, the first at {@link #slotOffset} of the
 * base's length. A slot is a header, {@code "cachet-u"} in ASCII, a sequence number (8 bytes), the
 * length of its JSON (4 bytes) and the CRC32C of those 12 bytes and the JSON (4 bytes, all
 * big-endian), then the JSON: the whole metadata again, compact, with the new request, response and
 * times. An update writes the slot its sequence number selects (odd: the second) in place, so the
 * other slot keeps the previous update whole while it is written; a reader takes the valid slot of
 * the highest sequence number whose id, key and body are the base's, else the base. A slot cut
 * short by a crash or a power cut fails its checksum and is ignored: a lost freshening, never a
 * torn entry.
 *
 * <p>Headers are lists of {@code [name, value]} pairs, which keep order, case and repeated fields.
 * The request's are only those a file storage keeps ({@link RequestRecord}). Versions 1 and 2 are
 * {@link OldFormat} and dropped: version 1 may hold every request field, and a version 2 store may
 * be shared with an older Cachet that would rewrite a freshened file without its update area (so
 * each instance must be of one version). {@code httpVersion}, the version the response arrived in,
 * is optional: it is absent when the pair has none. Reading is strict: anything missing, mistyped
 * or of another format version is {@link Corrupt}. Fields it does not know are ignored, so a later
 * version may add optional ones.
 */
public final class MetadataCodec {
  /** The format version this code writes and reads. */
  public static final int FORMAT_VERSION = 3;

  /** The bytes of an update slot: its header and its JSON. */
  public static final int SLOT_BYTES = 4096;

  private static final int SLOT_HEADER = 24;
  private static final byte[] SLOT_MAGIC = "cachet-u".getBytes(StandardCharsets.US_ASCII);

  /**
   * A metadata file as read: the metadata it holds now (the base, or its newest valid update), the
   * length and CRC32C of its base, and the sequence number of the update read (0 for the base).
   */
  public record Read(Metadata meta, int baseLength, long baseCrc, long updateSeq) {}

  /** The CRC32C of a file's first {@code length} bytes: of its base, when that is its length. */
  public static long crc32c(byte[] bytes, int length) {
    CRC32C crc = new CRC32C();
    crc.update(bytes, 0, length);
    return crc.getValue();
  }

  private static final ObjectMapper JSON =
      JsonMapper.builder()
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .build();

  private MetadataCodec() {}

  /** A metadata file that cannot be used: it is skipped and deleted, never served. */
  public static class Corrupt extends Exception {
    private static final long serialVersionUID = 1L;

    Corrupt(String message) {
      super(message);
    }

    Corrupt(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /**
   * Metadata of an older format version, written by an older Cachet: never read, as it may hold
   * request fields a store no longer keeps; dropped like corrupt metadata, without a warning each.
   */
  public static final class OldFormat extends Corrupt {
    private static final long serialVersionUID = 1L;

    OldFormat(int version) {
      super("older formatVersion " + version);
    }
  }

  /** The bytes of a metadata file that holds this metadata as its base, with no update area. */
  public static byte[] write(Metadata m) {
    try {
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(tree(m));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a JSON tree always serialises", e);
    }
  }

  /**
   * The bytes of an update slot holding this metadata as update {@code seq}, to be written at
   * {@link #slotOffset}; empty when the metadata does not fit in a slot (the file is then rewritten
   * whole instead).
   */
  public static Optional<byte[]> slot(Metadata m, long seq) {
    if (seq < 1) {
      throw new IllegalArgumentException("update sequence numbers start at 1");
    }
    byte[] json;
    try {
      json = JSON.writeValueAsBytes(tree(m));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a JSON tree always serialises", e);
    }
    if (json.length > SLOT_BYTES - SLOT_HEADER) {
      return Optional.empty();
    }
    ByteBuffer b = ByteBuffer.allocate(SLOT_HEADER + json.length);
    b.put(SLOT_MAGIC).putLong(seq).putInt(json.length).putInt(0).put(json);
    b.putInt(SLOT_MAGIC.length + 12, (int) slotChecksum(b.array(), 0, json.length));
    return Optional.of(b.array());
  }

  /**
   * Where the slot of update {@code seq} starts, in a file whose base has {@code baseLength} bytes:
   * past the base and the zero byte that ends it, rounded to 8 bytes; odd updates in the second
   * slot.
   */
  public static long slotOffset(int baseLength, long seq) {
    long first = (baseLength + 1L + 7) & ~7L;
    return first + (seq % 2 == 1 ? SLOT_BYTES : 0);
  }

  /** CRC32C of a slot's sequence number, JSON length and JSON, the slot starting at {@code at}. */
  private static long slotChecksum(byte[] bytes, int at, int jsonLength) {
    CRC32C crc = new CRC32C();
    crc.update(bytes, at + SLOT_MAGIC.length, 12);
    crc.update(bytes, at + SLOT_HEADER, jsonLength);
    return crc.getValue();
  }

  private static ObjectNode tree(Metadata m) {
    StoredPair p = m.pair();
    ObjectNode root = JSON.createObjectNode();
    root.put("formatVersion", FORMAT_VERSION);
    root.put("id", p.id().toString());
    root.put("key", p.key().value());
    ObjectNode request = root.putObject("request");
    request.put("method", p.request().method());
    request.put("uri", p.request().uri().toString());
    request.set("headers", headers(p.request().headers()));
    ObjectNode response = root.putObject("response");
    response.put("status", p.response().status());
    p.httpVersion().ifPresent(v -> response.put("httpVersion", v));
    response.set("headers", headers(p.response().headers()));
    root.put("requestTime", p.requestTime().toString());
    root.put("responseTime", p.responseTime().toString());
    ObjectNode body = root.putObject("body");
    body.put("file", m.bodyFile());
    body.put("length", m.bodyLength());
    body.put("crc32c", m.crc32c());
    return root;
  }

  /**
   * Reads the metadata a file holds now: its newest valid update, else its base.
   *
   * @throws Corrupt if the base is not metadata of format version {@value #FORMAT_VERSION}
   */
  public static Metadata read(byte[] bytes) throws Corrupt {
    return readFile(bytes).meta();
  }

  /**
   * Reads a metadata file: its base strictly, then its update slots, if any. A slot that is cut
   * short, fails its checksum, or describes another entry (id, key or body) is ignored.
   *
   * @throws Corrupt if the base is not metadata of format version {@value #FORMAT_VERSION}
   */
  public static Read readFile(byte[] bytes) throws Corrupt {
    int baseLength = 0;
    while (baseLength < bytes.length && bytes[baseLength] != 0) {
      baseLength++;
    }
    Metadata base = readJson(Arrays.copyOf(bytes, baseLength));
    long baseCrc = crc32c(bytes, baseLength);
    Read newest = new Read(base, baseLength, baseCrc, 0);
    for (int which = 0; which < 2; which++) {
      long at = slotOffset(baseLength, which);
      Read update = readSlot(bytes, (int) Math.min(at, Integer.MAX_VALUE), newest);
      if (update != null && update.updateSeq() > newest.updateSeq()) {
        newest = update;
      }
    }
    return newest;
  }

  /** The update in the slot at {@code at}, or null when there is none valid of this base. */
  private static @Nullable Read readSlot(byte[] bytes, int at, Read file) {
    Metadata base = file.meta();
    int baseLength = file.baseLength();
    if (bytes.length - at < SLOT_HEADER
        || !Arrays.equals(bytes, at, at + SLOT_MAGIC.length, SLOT_MAGIC, 0, SLOT_MAGIC.length)) {
      return null;
    }
    ByteBuffer b = ByteBuffer.wrap(bytes, at, SLOT_HEADER);
    b.position(at + SLOT_MAGIC.length);
    long seq = b.getLong();
    int length = b.getInt();
    int crc = b.getInt();
    if (seq < 1
        || length < 0
        || length > SLOT_BYTES - SLOT_HEADER
        || bytes.length - at - SLOT_HEADER < length
        || slotOffset(baseLength, seq) != at
        || (int) slotChecksum(bytes, at, length) != crc) {
      return null;
    }
    Metadata m;
    try {
      m = readJson(Arrays.copyOfRange(bytes, at + SLOT_HEADER, at + SLOT_HEADER + length));
    } catch (Corrupt e) {
      return null;
    }
    boolean sameEntry =
        m.pair().id().equals(base.pair().id())
            && m.pair().key().equals(base.pair().key())
            && m.bodyFile().equals(base.bodyFile())
            && m.bodyLength() == base.bodyLength()
            && m.crc32c() == base.crc32c();
    return sameEntry ? new Read(m, baseLength, file.baseCrc(), seq) : null;
  }

  private static Metadata readJson(byte[] bytes) throws Corrupt {
    JsonNode root;
    try {
      root = JSON.readTree(bytes);
    } catch (IOException e) {
      throw new Corrupt("not JSON: " + e.getMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new Corrupt("not a JSON object");
    }
    JsonNode version = root.get("formatVersion");
    if (version == null || !version.isInt()) {
      throw new Corrupt("no formatVersion");
    }
    if (version.intValue() >= 1 && version.intValue() < FORMAT_VERSION) {
      throw new OldFormat(version.intValue());
    }
    if (version.intValue() != FORMAT_VERSION) {
      throw new Corrupt("unknown formatVersion " + version);
    }
    try {
      UUID id = UUID.fromString(text(root, "id"));
      CacheKey key = new CacheKey(text(root, "key"));
      JsonNode req = object(root, "request");
      Request request =
          new Request(text(req, "method"), new URI(text(req, "uri")), headers(req.get("headers")));
      JsonNode res = object(root, "response");
      JsonNode status = res.get("status");
      if (status == null || !status.isInt()) {
        throw new Corrupt("no response status");
      }
      Response response = Response.of(status.intValue(), headers(res.get("headers")));
      JsonNode httpVersion = res.get("httpVersion");
      if (httpVersion != null && !httpVersion.isTextual()) {
        throw new Corrupt("httpVersion is not text");
      }
      Instant requestTime = Instant.parse(text(root, "requestTime"));
      Instant responseTime = Instant.parse(text(root, "responseTime"));
      JsonNode body = object(root, "body");
      String file = text(body, "file");
      if (!Layout.isBodyOf(file, id)) {
        throw new Corrupt("body file name not of this pair: " + file);
      }
      JsonNode length = body.get("length");
      JsonNode crc = body.get("crc32c");
      if (length == null || !length.canConvertToLong() || length.longValue() < 0) {
        throw new Corrupt("no body length");
      }
      if (crc == null || !crc.canConvertToLong() || crc.longValue() < 0) {
        throw new Corrupt("no body crc32c");
      }
      StoredPair pair =
          new StoredPair(
              id,
              key,
              request,
              response,
              requestTime,
              responseTime,
              Optional.ofNullable(httpVersion).map(JsonNode::textValue));
      return new Metadata(pair, file, length.longValue(), crc.longValue());
    } catch (RuntimeException | java.net.URISyntaxException e) {
      // Bad UUID, URI, instant, status or header: the values the core refuses.
      throw new Corrupt("invalid value: " + e.getMessage(), e);
    }
  }

  private static ArrayNode headers(Headers headers) {
    ArrayNode a = JSON.createArrayNode();
    for (Headers.Field f : headers.fields()) {
      a.addArray().add(f.name()).add(f.value());
    }
    return a;
  }

  private static Headers headers(JsonNode node) throws Corrupt {
    if (node == null || !node.isArray()) {
      throw new Corrupt("headers are not a list");
    }
    List<Headers.Field> fields = new ArrayList<>(node.size());
    for (JsonNode line : node) {
      if (!line.isArray()
          || line.size() != 2
          || !line.get(0).isTextual()
          || !line.get(1).isTextual()) {
        throw new Corrupt("a header line is not [name, value]");
      }
      fields.add(new Headers.Field(line.get(0).textValue(), line.get(1).textValue()));
    }
    return Headers.ofFields(fields);
  }

  private static String text(JsonNode node, String field) throws Corrupt {
    JsonNode v = node.get(field);
    if (v == null || !v.isTextual()) {
      throw new Corrupt("no text field " + field);
    }
    return v.textValue();
  }

  private static JsonNode object(JsonNode node, String field) throws Corrupt {
    JsonNode v = node.get(field);
    if (v == null || !v.isObject()) {
      throw new Corrupt("no object field " + field);
    }
    return v;
  }
}
