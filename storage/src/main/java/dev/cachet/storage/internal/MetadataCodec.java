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
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Writes and reads metadata files as JSON, format version {@value #FORMAT_VERSION}:
 *
 * <pre>{@code
 * {
 *   "formatVersion": 2,
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
 * Headers are lists of {@code [name, value]} pairs, which keep order, case and repeated fields. The
 * request's are only those a file storage keeps ({@link RequestRecord}): version 2 is version 1
 * with that promise, so a version 1 file, which may hold every request field, is {@link OldFormat}
 * and dropped. {@code httpVersion}, the version the response arrived in, is optional: it is absent
 * when the pair has none. Reading is strict: anything missing, mistyped or of another format
 * version is {@link Corrupt}. Fields it does not know are ignored, so a later version may add
 * optional ones.
 */
public final class MetadataCodec {
  /** The format version this code writes and reads. */
  public static final int FORMAT_VERSION = 2;

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

  /** The JSON bytes of this metadata. */
  public static byte[] write(Metadata m) {
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
    try {
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a JSON tree always serialises", e);
    }
  }

  /**
   * Reads metadata from JSON bytes.
   *
   * @throws Corrupt if the bytes are not metadata of format version {@value #FORMAT_VERSION}
   */
  public static Metadata read(byte[] bytes) throws Corrupt {
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
