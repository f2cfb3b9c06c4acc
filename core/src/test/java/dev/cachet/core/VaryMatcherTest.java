package dev.cachet.core;

import static dev.cachet.core.Fixtures.at;
import static dev.cachet.core.Fixtures.get;
import static dev.cachet.core.Fixtures.lookup;
import static dev.cachet.core.Fixtures.ok;
import static dev.cachet.core.Fixtures.pair;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Secondary keys (RFC 9111 §4.1). */
class VaryMatcherTest {

  private static StoredPair storedWith(Request r, String vary) {
    return pair(r, ok("Cache-Control", "max-age=60", "Vary", vary), at(0), at(0));
  }

  /** Stored request value | new request value | match. A "-" means the field is absent. */
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "gzip | gzip | true",
        "gzip | br | false",
        "gzip, br | gzip,br | true", // whitespace around list members
        "gzip,   br | gzip, br | true",
        "'gzip;q=1,  br' | 'gzip;q=1, br' | true",
        "'text/html;   level=1' | 'text/html; level=1' | true", // a run of spaces inside a member
        "'text/html; level=1' | 'text/html;level=1' | false", // but not whitespace removed
        "- | - | true", // missing matches only missing
        "- | gzip | false",
        "gzip | - | false",
        "'' | - | false", // an empty value is not a missing field
      })
  void R4_05_nominatedFieldsCompareAfterNormalising(String stored, String incoming, boolean match) {
    Request s = stored.equals("-") ? get() : get("Accept-Encoding", stored);
    Request r = incoming.equals("-") ? get() : get("Accept-Encoding", incoming);
    assertThat(VaryMatcher.matches(storedWith(s, "Accept-Encoding"), r)).isEqualTo(match);
  }

  @Test
  void R4_05_fieldLinesAreCombined() {
    Request s = get("Accept-Encoding", "gzip, br");
    Request r =
        new Request(
            "GET", Fixtures.URI_A, Headers.of("Accept-Encoding", "gzip", "Accept-Encoding", "br"));
    assertThat(VaryMatcher.matches(storedWith(s, "Accept-Encoding"), r)).isTrue();
  }

  @Test
  void R4_05_varyNamesAreCaseInsensitiveAndListed() {
    Request s = get("Accept", "text/html", "Accept-Language", "en");
    StoredPair p = storedWith(s, "ACCEPT, accept-language");
    assertThat(VaryMatcher.matches(p, get("accept", "text/html", "accept-language", "en")))
        .isTrue();
    assertThat(VaryMatcher.matches(p, get("Accept", "text/html", "Accept-Language", "de")))
        .isFalse();
  }

  @Test
  void R4_05_varyStarNeverMatches() {
    assertThat(VaryMatcher.matches(storedWith(get(), "*"), get())).isFalse();
    assertThat(VaryMatcher.matches(storedWith(get(), "Accept, *"), get())).isFalse();
  }

  @Test
  void R4_05_noVary_matchesAnyRequest() {
    StoredPair p = pair(get(), ok("Cache-Control", "max-age=60"), at(0), at(0));
    assertThat(VaryMatcher.matches(p, get("Accept", "x"))).isTrue();
  }

  @Test
  void R4_05_varyMissThroughTheMachine_reportsVaryMiss() {
    StoredPair p = storedWith(get("Accept-Language", "en"), "Accept-Language");
    CacheMiss miss = (CacheMiss) lookup(get("Accept-Language", "fr"), at(1), p);
    assertThat(miss.reason().id()).isEqualTo("R4-05");
    assertThat(miss.status().fwd()).contains(CacheStatus.Forward.VARY_MISS);
  }
}
