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
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.CharRange;
import net.jqwik.api.constraints.NotEmpty;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/**
 * The metadata file format, version 3, pinned by a golden file (its base; version 3's JSON is
 * version 2's under another number), with its update slots; versions 1 and 2 are refused as old.
 */
class MetadataCodecTest {
  static final UUID ID = UUID.fromString("3f2b8c1e-6a4d-4e2f-9b1a-0c5d7e8f9a01");

  static Metadata golden() {
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
    return new Metadata(pair, ID + ".00000000deadbeef.body", 1234, 0xFEDCBA98L);
  }

  private static String goldenText() throws IOException {
    return resource("metadata-v3.json");
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
    Metadata m = MetadataCodec.read(goldenText().getBytes(StandardCharsets.UTF_8));
    assertThat(m).isEqualTo(golden());
    assertThat(m.pair().response().headers().allValues("set-cookie"))
        .containsExactly("a=1", "b=\"é\"");
  }

  @Test
  void httpVersion_isWrittenWhenKnown_andReadBack() throws Exception {
    Metadata m = golden();
    Metadata withVersion =
        new Metadata(
            m.pair().withHttpVersion("HTTP/1.1"), m.bodyFile(), m.bodyLength(), m.crc32c());

    byte[] written = MetadataCodec.write(withVersion);

    assertThat(new String(written, StandardCharsets.UTF_8))
        .contains("\"httpVersion\" : \"HTTP/1.1\"");
    assertThat(MetadataCodec.read(written)).isEqualTo(withVersion);
    assertThat(MetadataCodec.read(written).pair().httpVersion()).contains("HTTP/1.1");
    // Written before versions were kept: none.
    assertThat(
            MetadataCodec.read(goldenText().getBytes(StandardCharsets.UTF_8)).pair().httpVersion())
        .isEmpty();
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
  void read_ignoresAnOptionalFieldItDoesNotKnow() throws Exception {
    // A later minor change may add an optional field; this version reads past it.
    String withExtra =
        goldenText().replaceFirst("\\{", "{\"httpVersion\": \"HTTP/1.1\", \"x\": {\"y\": [1]},");
    assertThat(MetadataCodec.read(withExtra.getBytes(StandardCharsets.UTF_8))).isEqualTo(golden());
  }

  @Test
  void read_refusesWhatIsNotVersion3Metadata() {
    for (String bad :
        List.of(
            "",
            "[]",
            "{}",
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
    String duplicated = golden.replaceFirst("\\{", "{\"formatVersion\": 3,");
    assertThatThrownBy(() -> MetadataCodec.read(duplicated.getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(MetadataCodec.Corrupt.class);
  }

  @Test
  void read_refusesAHeaderWithCrLf() throws IOException {
    String bad = goldenText().replace("max-age=60", "max-age=60\\r\\nX-Injected: 1");
    assertThatThrownBy(() -> MetadataCodec.read(bad.getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(MetadataCodec.Corrupt.class);
  }

  /** A metadata file: this base, with these updates written into their slots in this order. */
  private static byte[] withUpdates(byte[] base, Metadata... updates) {
    byte[] file = base;
    long seq = 0;
    for (Metadata u : updates) {
      seq++;
      byte[] slot = MetadataCodec.slot(u, seq).orElseThrow();
      int at = (int) MetadataCodec.slotOffset(base.length, seq);
      if (file.length < at + slot.length) {
        file = Arrays.copyOf(file, at + slot.length);
      }
      System.arraycopy(slot, 0, file, at, slot.length);
    }
    return file;
  }

  private static Metadata freshened(Metadata m, int seconds) {
    StoredPair p = m.pair();
    Instant t = p.responseTime().plusSeconds(seconds);
    return m.withPair(
        p.withResponse(
            Response.of(200, Headers.of("Cache-Control", "max-age=60", "Date", "" + seconds)),
            t,
            t));
  }

  @Test
  void updates_areReadFromTheirSlots_theNewestWinning() throws Exception {
    byte[] base = MetadataCodec.write(golden());
    Metadata first = freshened(golden(), 1);
    Metadata second = freshened(golden(), 2);
    Metadata third = freshened(golden(), 3);

    long crc = MetadataCodec.crc32c(base, base.length);
    assertThat(MetadataCodec.readFile(base))
        .isEqualTo(new MetadataCodec.Read(golden(), base.length, crc, 0));
    assertThat(MetadataCodec.readFile(withUpdates(base, first)))
        .isEqualTo(new MetadataCodec.Read(first, base.length, crc, 1));
    assertThat(MetadataCodec.read(withUpdates(base, first, second))).isEqualTo(second);
    assertThat(MetadataCodec.read(withUpdates(base, first, second, third))).isEqualTo(third);
  }

  @Test
  void anUpdateCutShortOrDamaged_isIgnored_thePreviousOneServing() throws Exception {
    byte[] base = MetadataCodec.write(golden());
    Metadata first = freshened(golden(), 1);
    byte[] two = withUpdates(base, first, freshened(golden(), 2));
    int second = (int) MetadataCodec.slotOffset(base.length, 2);
    byte[] slot = MetadataCodec.slot(freshened(golden(), 2), 2).orElseThrow();
    // A crash while the second update is written: every length it may have reached the disk with.
    for (int cut = 0; cut < slot.length; cut += 7) {
      byte[] torn = Arrays.copyOf(two, second + cut);
      if (torn.length < MetadataCodec.slotOffset(base.length, 1) + 1) {
        // The first slot lies after the second: a cut file of this length holds it whole still.
        torn = Arrays.copyOf(two, two.length);
        Arrays.fill(torn, second + cut, second + slot.length, (byte) 0);
      }
      assertThat(MetadataCodec.read(torn)).as("cut at %d", cut).isEqualTo(first);
    }
    for (int i = 0; i < slot.length; i += 13) {
      byte[] flipped = two.clone();
      flipped[second + i] ^= 0x20;
      assertThat(MetadataCodec.read(flipped)).as("byte %d flipped", i).isEqualTo(first);
    }
    // Only the update area is ever written in place: the base, damaged, is corrupt as before.
    byte[] badBase = two.clone();
    badBase[base.length - 2] = 0;
    assertThatThrownBy(() -> MetadataCodec.read(badBase)).isInstanceOf(MetadataCodec.Corrupt.class);
  }

  @Test
  void anUpdateOfAnotherEntry_orInTheWrongSlot_isIgnored() throws Exception {
    byte[] base = MetadataCodec.write(golden());
    Metadata otherBody =
        new Metadata(
            freshened(golden(), 1).pair(), ID + ".00000000cafebabe.body", 1234, 0xFEDCBA98L);
    assertThat(MetadataCodec.read(withUpdates(base, otherBody))).isEqualTo(golden());
    Metadata otherLength =
        new Metadata(freshened(golden(), 1).pair(), golden().bodyFile(), 1235, 0xFEDCBA98L);
    assertThat(MetadataCodec.read(withUpdates(base, otherLength))).isEqualTo(golden());

    // Update 2 copied into the slot of odd updates.
    byte[] slot = MetadataCodec.slot(freshened(golden(), 2), 2).orElseThrow();
    int at = (int) MetadataCodec.slotOffset(base.length, 1);
    byte[] misplaced = Arrays.copyOf(base, at + slot.length);
    System.arraycopy(slot, 0, misplaced, at, slot.length);
    assertThat(MetadataCodec.read(misplaced)).isEqualTo(golden());

    // Bytes after the base that are no update at all.
    byte[] garbage = Arrays.copyOf(base, base.length + 100);
    Arrays.fill(garbage, base.length + 1, garbage.length, (byte) 'x');
    assertThat(MetadataCodec.read(garbage)).isEqualTo(golden());
  }

  @Test
  void anUpdateTooLargeForASlot_isNotMade() {
    Metadata big =
        golden()
            .withPair(
                golden()
                    .pair()
                    .withResponse(
                        Response.of(200, Headers.of("X-Big", "a".repeat(MetadataCodec.SLOT_BYTES))),
                        golden().pair().requestTime(),
                        golden().pair().responseTime()));
    assertThat(MetadataCodec.slot(big, 1)).isEmpty();
    assertThat(MetadataCodec.slot(golden(), 1)).isPresent();
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
    Metadata g = golden();
    Metadata m =
        g.withPair(
            g.pair()
                .withResponse(
                    Response.of(203, Headers.ofFields(fields)),
                    g.pair().requestTime(),
                    g.pair().responseTime()));
    assertThat(MetadataCodec.read(MetadataCodec.write(m))).isEqualTo(m);
  }
}
