package dev.cachet.storage.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cachet.core.CacheKey;
import dev.cachet.core.Headers;
import dev.cachet.core.Request;
import dev.cachet.core.Response;
import dev.cachet.core.StoredPair;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.CharRange;
import net.jqwik.api.constraints.NotEmpty;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/**
 * The entry file format, version 4: its base JSON pinned by a golden file, its header, its body
 * region and its update slots; the metadata files of versions 1 to 3 are refused as old.
 */
class MetadataCodecTest {
  static final UUID ID = UUID.fromString("3f2b8c1e-6a4d-4e2f-9b1a-0c5d7e8f9a01");

  static final long GENERATION = 0x00000000deadbeefL;

  static StoredPair golden() {
    URI uri = URI.create("https://example.com/a/b?x=1");
    StoredPair pair =
        new StoredPair(
            ID,
            CacheKey.of(uri),
            new Request("GET", uri, Headers.of("Accept-Encoding", "gzip", "Authorization", "")),
            Response.of(
                200,
                Headers.of(
                    "Cache-Control", "max-age=60",
                    "Vary", "Accept-Encoding",
                    "Set-Cookie", "a=1",
                    "Set-Cookie", "b=\"é\"")),
            Instant.parse("2026-01-02T03:04:05.123456789Z"),
            Instant.parse("2026-01-02T03:04:05.2Z"));
    return pair;
  }

  private static String goldenText() throws IOException {
    return resource("metadata-v4.json");
  }

  private static String resource(String name) throws IOException {
    try (InputStream in = MetadataCodecTest.class.getResourceAsStream(name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void write_matchesTheGoldenFile() throws IOException {
    String written = new String(MetadataCodec.write(golden()), StandardCharsets.UTF_8);
    assertThat(written.replace("\r\n", "\n").strip()).isEqualTo(goldenText().strip());
  }

  @Test
  void read_ofTheGoldenFile_givesThePairBack() throws Exception {
    StoredPair m = MetadataCodec.read(goldenText().getBytes(StandardCharsets.UTF_8));
    assertThat(m).isEqualTo(golden());
    assertThat(m.response().headers().allValues("set-cookie")).containsExactly("a=1", "b=\"é\"");
  }

  @Test
  void httpVersion_isWrittenWhenKnown_andReadBack() throws Exception {
    StoredPair withVersion = golden().withHttpVersion("HTTP/1.1");

    byte[] written = MetadataCodec.write(withVersion);

    assertThat(new String(written, StandardCharsets.UTF_8))
        .contains("\"httpVersion\" : \"HTTP/1.1\"");
    assertThat(MetadataCodec.read(written)).isEqualTo(withVersion);
    assertThat(MetadataCodec.read(written).httpVersion()).contains("HTTP/1.1");
    // Written before versions were kept: none.
    assertThat(MetadataCodec.read(goldenText().getBytes(StandardCharsets.UTF_8)).httpVersion())
        .isEmpty();
  }

  @Test
  void reasonPhrase_isWrittenWhenKept_andReadBack_whileOneOutsideRfc9112IsCorrupt()
      throws Exception {
    StoredPair reasoned = golden().withHttpVersion("HTTP/1.1").withReasonPhrase("Splendidly Done");

    byte[] written = MetadataCodec.write(reasoned);

    assertThat(new String(written, StandardCharsets.UTF_8))
        .contains("\"reasonPhrase\" : \"Splendidly Done\"");
    assertThat(MetadataCodec.read(written)).isEqualTo(reasoned);
    assertThat(MetadataCodec.read(goldenText().getBytes(StandardCharsets.UTF_8)).reasonPhrase())
        .isEmpty();
    for (String bad : List.of("2", "\"\"", "\"a\\r\\nb\"", "null")) {
      String text =
          goldenText0()
              .replace("\"status\" : 200,", "\"status\" : 200, \"reasonPhrase\" : " + bad + ",");
      assertThatThrownBy(() -> MetadataCodec.read(text.getBytes(StandardCharsets.UTF_8)))
          .as(bad)
          .isInstanceOf(MetadataCodec.Corrupt.class);
    }
  }

  @Test
  void read_refusesAnHttpVersionThatIsNotOne() {
    for (String bad : List.of("2", "\"HTTP_2\"", "null")) {
      String text =
          goldenText0()
              .replace("\"status\" : 200,", "\"status\" : 200, \"httpVersion\" : " + bad + ",");
      assertThatThrownBy(() -> MetadataCodec.read(text.getBytes(StandardCharsets.UTF_8)))
          .as(bad)
          .isInstanceOf(MetadataCodec.Corrupt.class);
    }
  }

  private static String goldenText0() {
    try {
      String text = goldenText();
      assertThat(text).contains("\"status\" : 200,");
      return text;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void read_ofVersion1_isOldFormat() throws IOException {
    // Version 1 kept every request field (Authorization and Cookie values among them).
    byte[] v1 = resource("metadata-v1.json").getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> MetadataCodec.read(v1)).isInstanceOf(MetadataCodec.OldFormat.class);
  }

  @Test
  void read_ofVersion2_isOldFormat() throws IOException {
    // The same JSON as version 3's base, written by a Cachet that knows no update slots.
    byte[] v2 = resource("metadata-v2.json").getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> MetadataCodec.read(v2)).isInstanceOf(MetadataCodec.OldFormat.class);
  }

  @Test
  void read_ofVersion3_isOldFormat() throws IOException {
    // A metadata file of the one-directory-per-key layout, with its body in another file.
    byte[] v3 = resource("metadata-v3.json").getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> MetadataCodec.read(v3)).isInstanceOf(MetadataCodec.OldFormat.class);
  }

  @Test
  void read_ignoresAnOptionalFieldItDoesNotKnow() throws Exception {
    // A later minor change may add an optional field; this version reads past it.
    String withExtra =
        goldenText().replaceFirst("\\{", "{\"httpVersion\": \"HTTP/1.1\", \"x\": {\"y\": [1]},");
    assertThat(MetadataCodec.read(withExtra.getBytes(StandardCharsets.UTF_8))).isEqualTo(golden());
  }

  @Test
  void read_refusesWhatIsNotVersion4Metadata() {
    for (String bad :
        List.of(
            "",
            "[]",
            "{}",
            "{\"formatVersion\": 5}",
            "{\"formatVersion\": 4}",
            "{\"formatVersion\": 3}",
            "{\"formatVersion\": 2}",
            "{\"formatVersion\": \"3\"}",
            "{\"formatVersion\": 1}",
            "{\"formatVersion\": 0}",
            "null")) {
      assertThatThrownBy(() -> MetadataCodec.read(bad.getBytes(StandardCharsets.UTF_8)))
          .as(bad)
          .isInstanceOf(MetadataCodec.Corrupt.class);
    }
  }

  @Test
  void read_refusesTrailingGarbageAndDuplicateFields() throws IOException {
    String golden = goldenText();
    assertThatThrownBy(() -> MetadataCodec.read((golden + "{}").getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(MetadataCodec.Corrupt.class);
    String duplicated = golden.replaceFirst("\\{", "{\"formatVersion\": 4,");
    assertThatThrownBy(() -> MetadataCodec.read(duplicated.getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(MetadataCodec.Corrupt.class);
  }

  @Test
  void read_refusesAHeaderWithCrLf() throws IOException {
    String bad = goldenText().replace("max-age=60", "max-age=60\\r\\nX-Injected: 1");
    assertThatThrownBy(() -> MetadataCodec.read(bad.getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(MetadataCodec.Corrupt.class);
  }

  @Property(tries = 100)
  void anyHeaders_roundTrip(
      @ForAll @Size(max = 6) List<@NotEmpty @CharRange(from = '!', to = '9') String> names,
      @ForAll @Size(max = 6) List<@CharRange(from = ' ', to = '\u2000') String> values)
      throws Exception {
    List<Headers.Field> fields = new ArrayList<>();
    for (int i = 0; i < Math.min(names.size(), values.size()); i++) {
      if (values.get(i).indexOf('\r') < 0 && values.get(i).indexOf('\n') < 0) {
        fields.add(new Headers.Field(names.get(i), values.get(i)));
      }
    }
    StoredPair g = golden();
    StoredPair m =
        g.withResponse(
            Response.of(203, Headers.ofFields(fields)), g.requestTime(), g.responseTime());
    assertThat(MetadataCodec.read(MetadataCodec.write(m))).isEqualTo(m);
  }
}
