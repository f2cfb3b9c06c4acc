package dev.cachet.storage.redis.internal;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.cachet.core.CacheKey;
import dev.cachet.core.Headers;
import dev.cachet.core.Request;
import dev.cachet.core.Response;
import dev.cachet.core.StoredPair;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The stored form of a pair in Redis, format version 2, pinned by a golden file. */
class EntryValueTest {
  static final String GOLDEN = "entry-value-v2.hex";
  static final String GOLDEN_V1 = "entry-value-v1.hex";
  static final String NONCE = "0123456789abcdef0123456789abcdef";

  static StoredPair pair() {
    URI uri = URI.create("https://example.test/p%C3%A4th?q=1&r=%20");
    return new StoredPair(
        UUID.fromString("5b0c8a4e-3f2d-4c1b-9a8e-7d6c5b4a3f2e"),
        CacheKey.of(uri),
        new Request("GET", uri, Headers.of("Accept", "text/html", "accept", "*/*")),
        Response.of(
            200,
            Headers.of(
                "Cache-Control", "max-age=60",
                "Set-Cookie", "a=1",
                "set-cookie", "b=ü",
                "X-Empty", "")),
        Instant.parse("2026-01-02T03:04:05.123456789Z"),
        Instant.parse("2026-01-02T03:04:05.987654321Z"));
  }

  @Test
  void encodesToTheGoldenBytes_andDecodesThemToTheSamePair() throws IOException {
    byte[] golden;
    try (InputStream in = EntryValueTest.class.getResourceAsStream(GOLDEN)) {
      assertThat(in).as(GOLDEN).isNotNull();
      golden = HexFormat.of().parseHex(new String(in.readAllBytes(), US_ASCII).strip());
    }
    EntryValue value = new EntryValue(NONCE, 123_456, pair());

    assertThat(HexFormat.of().formatHex(value.encode()))
        .isEqualTo(HexFormat.of().formatHex(golden));
    assertThat(EntryValue.decode(golden)).contains(value);
    // The head the Lua scripts read: nonce, then the body length in 16 hex digits.
    assertThat(new String(golden, 0, EntryValue.HEAD_LENGTH, US_ASCII))
        .isEqualTo(NONCE + "000000000001e240");
  }

  @Test
  void httpVersion_isEncodedAfterTheTimes_andDecoded_whileAValueWithoutOneHasNone() {
    EntryValue without = new EntryValue(NONCE, 5, pair());
    EntryValue with = new EntryValue(NONCE, 5, pair().withHttpVersion("HTTP/2"));

    byte[] encoded = with.encode();

    assertThat(EntryValue.decode(encoded)).contains(with);
    assertThat(EntryValue.decode(encoded).orElseThrow().pair().httpVersion()).contains("HTTP/2");
    assertThat(Arrays.copyOf(encoded, without.encode().length)).isEqualTo(without.encode());
    assertThat(EntryValue.decode(without.encode()).orElseThrow().pair().httpVersion()).isEmpty();
    byte[] notAVersion = new EntryValue(NONCE, 5, pair().withHttpVersion("HTTP/9")).encode();
    notAVersion[notAVersion.length - 1] = 'x';
    assertThat(EntryValue.decode(notAVersion)).isEmpty();
  }

  @Test
  void reasonPhrase_isEncodedAfterTheVersion_withOrWithoutOne_andABadOneIsCorrupt() {
    EntryValue both =
        new EntryValue(
            NONCE, 5, pair().withHttpVersion("HTTP/1.1").withReasonPhrase("Splendidly Done"));
    EntryValue reasonOnly = new EntryValue(NONCE, 5, pair().withReasonPhrase("Fine"));

    assertThat(EntryValue.decode(both.encode())).contains(both);
    assertThat(EntryValue.decode(reasonOnly.encode())).contains(reasonOnly);
    assertThat(EntryValue.decode(reasonOnly.encode()).orElseThrow().pair().httpVersion()).isEmpty();
    byte[] badReason = both.encode();
    badReason[badReason.length - 1] = '\n';
    assertThat(EntryValue.decode(badReason)).isEmpty();
  }

  private static byte[] golden(String name) throws IOException {
    try (InputStream in = EntryValueTest.class.getResourceAsStream(name)) {
      assertThat(in).as(name).isNotNull();
      return HexFormat.of().parseHex(new String(in.readAllBytes(), US_ASCII).strip());
    }
  }

  @Test
  void aVersion1Value_stillDecodes_withOrWithoutItsBareHttpVersion() throws IOException {
    byte[] v1 = golden(GOLDEN_V1);
    assertThat(EntryValue.decode(v1)).contains(new EntryValue(NONCE, 123_456, pair()));

    java.io.ByteArrayOutputStream withVersion = new java.io.ByteArrayOutputStream();
    withVersion.writeBytes(v1);
    withVersion.writeBytes(new byte[] {0, 0, 0, 8});
    withVersion.writeBytes("HTTP/1.1".getBytes(US_ASCII));
    assertThat(EntryValue.decode(withVersion.toByteArray()).orElseThrow().pair().httpVersion())
        .contains("HTTP/1.1");
  }

  @Test
  void anOptionalFieldOfALaterVersion_isSkipped_whileOneGivenTwiceIsCorrupt() {
    byte[] tagged =
        new EntryValue(NONCE, 5, pair().withHttpVersion("HTTP/2").withReasonPhrase("Fine"))
            .encode();
    java.io.ByteArrayOutputStream later = new java.io.ByteArrayOutputStream();
    later.writeBytes(tagged);
    later.writeBytes(new byte[] {9, 0, 0, 0, 3, 'n', 'e', 'w'});
    assertThat(EntryValue.decode(later.toByteArray()))
        .contains(EntryValue.decode(tagged).orElseThrow());

    java.io.ByteArrayOutputStream twice = new java.io.ByteArrayOutputStream();
    twice.writeBytes(tagged);
    twice.writeBytes(new byte[] {2, 0, 0, 0, 3, 'T', 'w', 'o'});
    assertThat(EntryValue.decode(twice.toByteArray())).isEmpty();
  }

  @Test
  void everyTruncation_decodesToNothing_neverThrows() {
    byte[] whole = new EntryValue(NONCE, 5, pair()).encode();
    for (int n = 0; n < whole.length; n++) {
      assertThat(EntryValue.decode(Arrays.copyOf(whole, n))).as("first %d bytes", n).isEmpty();
    }
  }

  @Test
  void trailingBytes_anotherVersion_orABadHead_decodeToNothing() {
    byte[] whole = new EntryValue(NONCE, 5, pair()).encode();
    byte[] longer = Arrays.copyOf(whole, whole.length + 1);
    assertThat(EntryValue.decode(longer)).isEmpty();

    byte[] version3 = whole.clone();
    version3[EntryValue.HEAD_LENGTH] = 3;
    assertThat(EntryValue.decode(version3)).isEmpty();

    byte[] badNonce = whole.clone();
    badNonce[0] = 'G';
    assertThat(EntryValue.decode(badNonce)).isEmpty();
  }

  @Test
  void everySingleByteDamage_decodesToNothingOrToAValidPair_neverThrows() {
    byte[] whole = new EntryValue(NONCE, 5, pair()).encode();
    for (int i = 0; i < whole.length; i++) {
      for (int bit = 0; bit < 8; bit++) {
        byte[] damaged = whole.clone();
        damaged[i] ^= (byte) (1 << bit);
        // Any outcome but an exception: a damaged string may still decode to some pair, which
        // the storage then checks against the key and id it was found under.
        assertThatCode(() -> EntryValue.decode(damaged)).doesNotThrowAnyException();
      }
    }
    assertThat(EntryValue.decode(whole)).isPresent();
  }

  @Test
  void newNonces_are32LowercaseHexDigits_andDiffer() {
    String a = EntryValue.newNonce();
    assertThat(a).matches("[0-9a-f]{32}");
    assertThat(EntryValue.newNonce()).isNotEqualTo(a);
  }
}
