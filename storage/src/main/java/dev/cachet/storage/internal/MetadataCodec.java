package dev.cachet.storage.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.cachet.core.CacheKey;
import dev.cachet.core.Headers;
import dev.cachet.core.Request;
import dev.cachet.core.Response;
import dev.cachet.core.StoredPair;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
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
 * The JSON of an entry file (format version {@value #FORMAT_VERSION}, see {@link EntryCodec}): the
 * <em>base</em>, a JSON object written once by the commit,
 *
 * <pre>{@code
 * {
 *   "formatVersion": 4,
 *   "id": "<uuid>",
 *   "key": "<cache key>",
 *   "request": {"method": "GET", "uri": "<uri>", "headers": [["Accept", "text/html"]]},
 *   "response": {"status": 200, "httpVersion": "HTTP/1.1", "reasonPhrase": "OK",
 *                "headers": [["Vary", "Accept"], ["Cache-Control", "max-age=60"]]},
 *   "requestTime": "<ISO-8601 instant>",
 *   "responseTime": "<ISO-8601 instant>"
 * }
 * }</pre>
 *
 * and the <em>update slots</em> a 304's freshening (RFC 9111 §4.3.4) is written into in place. A
 * slot is a header, {@code "cachet-u"} in ASCII, a sequence number (8 bytes), the length of its
 * JSON (4 bytes) and a CRC32C (4 bytes, all big-endian) of the entry's generation, the sequence
 * number, the length and the JSON; then the JSON: the pair again, compact, with the new request,
 * response and times. Update <i>n</i> goes to the first slot when <i>n</i> is even, the second when
 * odd, so the other slot keeps the previous update whole while one is written; a reader takes the
 * valid slot of the highest sequence number whose id and key are the base's, else the base. A slot
 * cut short by a crash or a power cut fails its checksum and is ignored: a lost freshening, never a
 * torn entry. The generation in the checksum ties a slot to the commit it updates.
 *
 * <p>Headers are lists of {@code [name, value]} pairs, which keep order, case and repeated fields.
 * The request's are only those a file storage keeps ({@link RequestRecord}). Older versions are
 * {@link OldFormat} and dropped. {@code httpVersion}, the version the response arrived in, and
 * {@code reasonPhrase}, the phrase of its status line, are optional. Reading is strict: anything
 * missing, mistyped or of another format version is {@link Corrupt}. Fields it does not know are
 * ignored, so a later version may add optional ones.
 */
public final class MetadataCodec {
  /** The format version this code writes and reads. */
  public static final int FORMAT_VERSION = 4;

  /** The bytes of an update slot: its header and its JSON. */
  public static final int SLOT_BYTES = 4096;

  private static final int SLOT_HEADER = 24;
  private static final byte[] SLOT_MAGIC = "cachet-u".getBytes(StandardCharsets.US_ASCII);

  /** A newest valid update: its pair and sequence number. */
  public record Update(StoredPair pair, long seq) {}

  /** The CRC32C of the first {@code length} bytes. */
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

  /** An entry file that cannot be used: it is skipped and deleted, never served. */
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

  /** The base JSON of a pair (pretty printed, as the golden file shows it). */
  public static byte[] write(StoredPair pair) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(1024);
    write(pair, out, true);
    return out.toByteArray();
  }

  /**
   * Writes a pair's JSON, streamed (no tree is built: this runs for every commit and update),
   * compact or pretty printed.
   */
  private static void write(StoredPair p, ByteArrayOutputStream out, boolean pretty) {
    try (JsonGenerator g = JSON.getFactory().createGenerator(out)) {
      if (pretty) {
        g.useDefaultPrettyPrinter();
      }
      g.writeStartObject();
      g.writeNumberField("formatVersion", FORMAT_VERSION);
      g.writeStringField("id", p.id().toString());
      g.writeStringField("key", p.key().value());
      g.writeObjectFieldStart("request");
      g.writeStringField("method", p.request().method());
      g.writeStringField("uri", p.request().uri().toString());
      g.writeFieldName("headers");
      headers(g, p.request().headers());
      g.writeEndObject();
      g.writeObjectFieldStart("response");
      g.writeNumberField("status", p.response().status());
      Optional<String> version = p.httpVersion();
      if (version.isPresent()) {
        g.writeStringField("httpVersion", version.get());
      }
      Optional<String> reason = p.reasonPhrase();
      if (reason.isPresent()) {
        g.writeStringField("reasonPhrase", reason.get());
      }
      g.writeFieldName("headers");
      headers(g, p.response().headers());
      g.writeEndObject();
      g.writeStringField("requestTime", p.requestTime().toString());
      g.writeStringField("responseTime", p.responseTime().toString());
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException("writing to memory cannot fail", e);
    }
  }

  private static void headers(JsonGenerator g, Headers headers) throws IOException {
    g.writeStartArray();
    for (Headers.Field f : headers.fields()) {
      g.writeStartArray();
      g.writeString(f.name());
      g.writeString(f.value());
      g.writeEndArray();
    }
    g.writeEndArray();
  }

  /**
   * The bytes of an update slot holding this pair as update {@code seq} of the commit of this
   * generation; empty when the pair does not fit in a slot (the entry is then rewritten whole).
   */
  public static Optional<byte[]> slot(StoredPair pair, long generation, long seq) {
    if (seq < 1) {
      throw new IllegalArgumentException("update sequence numbers start at 1");
    }
    // The header's place first, then the JSON, then the header: one array, no copy of the JSON.
    ByteArrayOutputStream out = new ByteArrayOutputStream(1024);
    out.write(new byte[SLOT_HEADER], 0, SLOT_HEADER);
    write(pair, out, false);
    if (out.size() > SLOT_BYTES) {
      return Optional.empty();
    }
    int jsonLength = out.size() - SLOT_HEADER;
    ByteBuffer b = ByteBuffer.wrap(out.toByteArray());
    b.put(SLOT_MAGIC).putLong(seq).putInt(jsonLength);
    b.putInt(SLOT_MAGIC.length + 12, (int) slotChecksum(generation, b.array(), 0, jsonLength));
    return Optional.of(b.array());
  }

  /**
   * Where the slot of update {@code seq} starts, in an entry file whose update area starts at
   * {@code areaStart}: odd updates in the second slot.
   */
  public static long slotOffset(long areaStart, long seq) {
    return areaStart + (seq % 2 == 1 ? SLOT_BYTES : 0);
  }

  private static long slotChecksum(long generation, byte[] bytes, int at, int jsonLength) {
    CRC32C crc = new CRC32C();
    crc.update(ByteBuffer.allocate(8).putLong(0, generation));
    crc.update(bytes, at + SLOT_MAGIC.length, 12);
    crc.update(bytes, at + SLOT_HEADER, jsonLength);
    return crc.getValue();
  }

  /**
   * The newest valid update in an update area: {@code area} holds the file's bytes from {@code
   * areaStart} on. Null when no slot is valid for this base (of this generation, id and key).
   */
  public static @Nullable Update newestUpdate(byte[] area, long generation, StoredPair base) {
    Update newest = null;
    for (int which = 0; which < 2; which++) {
      Update u = readSlot(area, which * SLOT_BYTES, generation, base);
      if (u != null && (newest == null || u.seq() > newest.seq())) {
        newest = u;
      }
    }
    return newest;
  }

  private static @Nullable Update readSlot(byte[] bytes, int at, long generation, StoredPair base) {
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
        || slotOffset(0, seq) != at
        || (int) slotChecksum(generation, bytes, at, length) != crc) {
      return null;
    }
    StoredPair p;
    try {
      p = read(Arrays.copyOfRange(bytes, at + SLOT_HEADER, at + SLOT_HEADER + length));
    } catch (Corrupt e) {
      return null;
    }
    boolean sameEntry = p.id().equals(base.id()) && p.key().equals(base.key());
    return sameEntry ? new Update(p, seq) : null;
  }

  /**
   * Reads a base (or a slot's) JSON strictly.
   *
   * @throws Corrupt if it is not a pair of format version {@value #FORMAT_VERSION}
   */
  public static StoredPair read(byte[] bytes) throws Corrupt {
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
      JsonNode reasonPhrase = res.get("reasonPhrase");
      if (reasonPhrase != null && !reasonPhrase.isTextual()) {
        throw new Corrupt("reasonPhrase is not text");
      }
      Instant requestTime = Instant.parse(text(root, "requestTime"));
      Instant responseTime = Instant.parse(text(root, "responseTime"));
      StoredPair pair =
          new StoredPair(
              id,
              key,
              request,
              response,
              requestTime,
              responseTime,
              Optional.ofNullable(httpVersion).map(JsonNode::textValue));
      return reasonPhrase == null ? pair : pair.withReasonPhrase(reasonPhrase.textValue());
    } catch (RuntimeException | java.net.URISyntaxException e) {
      // Bad UUID, URI, instant, status or header: the values the core refuses.
      throw new Corrupt("invalid value: " + e.getMessage(), e);
    }
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
