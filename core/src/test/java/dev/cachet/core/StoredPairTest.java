package dev.cachet.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** A stored pair keeps its times exactly, however it holds them. */
class StoredPairTest {
  private static final UUID ID = new UUID(1, 2);
  private static final Request REQUEST = Request.get(URI.create("https://example.com/a"));
  private static final Response RESPONSE =
      Response.of(200, Headers.of("Cache-Control", "max-age=60"));

  private static StoredPair pair(Instant sent, Instant received) {
    return new StoredPair(ID, REQUEST.key(), REQUEST, RESPONSE, sent, received);
  }

  @Test
  void timesAreKeptToTheNanosecond_andAtTheExtremes() {
    Instant[] times = {
      Instant.parse("2026-11-29T10:00:00.123456789Z"),
      Instant.parse("1969-12-31T23:59:59.999999999Z"),
      Instant.EPOCH,
      Instant.MAX,
      Instant.MIN,
      Instant.parse("2262-04-11T23:47:16.854775807Z"),
      Instant.parse("2263-01-01T00:00:00Z")
    };
    for (Instant sent : times) {
      for (Instant received : times) {
        StoredPair p = pair(sent, received);
        assertThat(p.requestTime()).isEqualTo(sent);
        assertThat(p.responseTime()).isEqualTo(received);
        assertThat(p.requestTimeMillis()).isEqualTo(Age.millis(sent));
        assertThat(p.responseTimeMillis()).isEqualTo(Age.millis(received));
        assertThat(p).isEqualTo(pair(sent, received)).hasSameHashCodeAs(pair(sent, received));
      }
    }
  }

  @Test
  void equalityCoversEveryPart() {
    Instant t = Instant.parse("2026-11-29T10:00:00Z");
    StoredPair p = pair(t, t);
    assertThat(p).isNotEqualTo(pair(t, t.plusNanos(1)));
    assertThat(p).isNotEqualTo(pair(t.minusNanos(1), t));
    assertThat(p).isNotEqualTo(pair(t, Instant.MAX));
    assertThat(p).isNotEqualTo(p.withResponse(RESPONSE.withStatus(203), t, t));
    assertThat(p.withResponse(RESPONSE, t, t)).isEqualTo(p);
    assertThat(p.toString())
        .isEqualTo(
            "StoredPair[id="
                + ID
                + ", key=https://example.com/a, request="
                + REQUEST
                + ", response="
                + RESPONSE
                + ", requestTime="
                + t
                + ", responseTime="
                + t
                + "]");
  }

  @Test
  void reasonPhrase_isKeptThroughAFresheningAndARequestChange_andIsPartOfEquality() {
    Instant t = Instant.parse("2026-11-29T10:00:00Z");
    StoredPair plain = pair(t, t);
    StoredPair reasoned = plain.withHttpVersion("HTTP/1.1").withReasonPhrase("Fine\tand \u00e9");

    assertThat(plain.reasonPhrase()).isEmpty();
    assertThat(reasoned.reasonPhrase()).contains("Fine\tand \u00e9");
    assertThat(reasoned.httpVersion()).contains("HTTP/1.1");
    assertThat(reasoned.withHttpVersion("HTTP/2").reasonPhrase()).contains("Fine\tand \u00e9");
    assertThat(reasoned).isNotEqualTo(plain.withHttpVersion("HTTP/1.1"));
    assertThat(reasoned)
        .isEqualTo(pair(t, t).withHttpVersion("HTTP/1.1").withReasonPhrase("Fine\tand \u00e9"))
        .hasSameHashCodeAs(
            pair(t, t).withHttpVersion("HTTP/1.1").withReasonPhrase("Fine\tand \u00e9"));
    assertThat(reasoned.withResponse(RESPONSE, t, t.plusSeconds(1)).reasonPhrase())
        .contains("Fine\tand \u00e9");
    Request reduced = REQUEST.withHeaders(Headers.of("Accept", "text/plain"));
    StoredPair withReduced = reasoned.withRequest(reduced);
    assertThat(withReduced.request()).isEqualTo(reduced);
    assertThat(withReduced.reasonPhrase()).contains("Fine\tand \u00e9");
    assertThat(withReduced.httpVersion()).contains("HTTP/1.1");
    assertThat(withReduced.responseTime()).isEqualTo(t);
    assertThat(reasoned.toString())
        .endsWith(", httpVersion=HTTP/1.1, reasonPhrase=Fine\tand \u00e9]");
  }

  @Test
  void reasonPhrase_outsideRfc9112_isRefused() {
    StoredPair p = pair(Instant.EPOCH, Instant.EPOCH);
    for (String bad : new String[] {"", "a\r\nSet-Cookie: x", "a\u0000b", "del\u007f", "\u0100"}) {
      assertThat(StoredPair.isReasonPhrase(bad)).as(bad).isFalse();
      assertThatThrownBy(() -> p.withReasonPhrase(bad))
          .isInstanceOf(IllegalArgumentException.class);
    }
    assertThat(StoredPair.isReasonPhrase(" ")).isTrue();
  }

  @Test
  void httpVersion_isKeptThroughAFresheningAndIsPartOfEquality() {
    Instant t = Instant.parse("2026-11-29T10:00:00Z");
    StoredPair unknown = pair(t, t);
    StoredPair v11 = unknown.withHttpVersion("HTTP/1.1");

    assertThat(unknown.httpVersion()).isEmpty();
    assertThat(v11.httpVersion()).contains("HTTP/1.1");
    assertThat(v11).isNotEqualTo(unknown).isNotEqualTo(unknown.withHttpVersion("HTTP/2"));
    assertThat(v11).isEqualTo(pair(t, t).withHttpVersion("HTTP/1.1")).hasSameHashCodeAs(v11);
    assertThat(v11.withResponse(RESPONSE.withStatus(203), t, t.plusSeconds(1)).httpVersion())
        .contains("HTTP/1.1");
    assertThat(
            new StoredPair(
                ID, REQUEST.key(), REQUEST, RESPONSE, t, t, java.util.Optional.of("HTTP/2")))
        .isEqualTo(unknown.withHttpVersion("HTTP/2"));
    assertThat(v11.toString()).endsWith(", httpVersion=HTTP/1.1]");
  }

  @Test
  void httpVersion_mustBeOfTheRfcForm() {
    StoredPair p = pair(Instant.EPOCH, Instant.EPOCH);
    assertThat(p.withHttpVersion("HTTP/3").httpVersion()).contains("HTTP/3");
    assertThat(p.withHttpVersion("HTTP/1.0").httpVersion()).contains("HTTP/1.0");
    for (String bad : new String[] {"", "HTTP/", "HTTP/1.", "HTTP_1_1", "http/1.1", "HTTP/11"}) {
      assertThatThrownBy(() -> p.withHttpVersion(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class);
    }
    assertThatThrownBy(() -> p.withHttpVersion(null)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void nullParts_areRejected() {
    Instant t = Instant.EPOCH;
    assertThatThrownBy(() -> pair(null, t)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> pair(t, null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> new StoredPair(null, REQUEST.key(), REQUEST, RESPONSE, t, t))
        .isInstanceOf(NullPointerException.class);
  }

  @Test
  void aStoredKey_reusesTheUrisStringWhenAlreadyNormal() {
    URI normal = URI.create("https://example.com/a?b=c");
    assertThat(CacheKey.of(normal).value()).isSameAs(normal.toString());
    URI other = URI.create("HTTPS://Example.com:443#f");
    assertThat(CacheKey.of(other)).isEqualTo(CacheKey.of(other));
    assertThat(CacheKey.of(other).value()).isEqualTo("https://example.com/");
  }

  @Test
  void aStoredResponse_isEqualToTheReceivedOne_withItsFacts() {
    Response received =
        Response.of(200, Headers.of("Content-Type", "text/plain", "Cache-Control", "max-age=60"));
    var facts = received.facts();
    Response stored = received.shared();
    assertThat(stored).isEqualTo(received);
    assertThat(stored.facts()).isSameAs(facts);
  }
}
