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
    // Accept: a field O-02 does not normalise further.
    Request s = stored.equals("-") ? get() : get("Accept", stored);
    Request r = incoming.equals("-") ? get() : get("Accept", incoming);
    assertThat(VaryMatcher.matches(storedWith(s, "Accept"), r)).isEqualTo(match);
  }

  /** Stored request value | new request value | match, for Accept-Language and Accept-Encoding. */
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "'en, de' | 'de, en' | false", // equal weights: their order breaks the tie
        "'en, de;q=0.5' | 'de;q=0.5, en' | true", // members of another weight: reordered
        "'en-US, de;q=0.5' | 'de ; q=0.5,EN-us' | true", // case, whitespace, order
        "'en;q=1.0, de;q=0.5' | 'en, de;q=0.50' | true", // the default q=1, trailing zeros
        "'en, de;q=0.5' | 'en, de;q=0.6' | false", // another weight is another preference
        "'en, de;q=0.5' | 'en;q=0.5, de' | false",
        "'en;q=x' | 'en' | false", // a malformed weight matches only itself
        "'en;q=x' | 'EN;Q=X' | true",
      })
  void O_02_acceptListsCompareAsPreferences(String stored, String incoming, boolean match) {
    for (String field : new String[] {"Accept-Language", "Accept-Encoding"}) {
      StoredPair p = storedWith(get(field, stored), field);
      assertThat(VaryMatcher.matches(p, get(field, incoming))).as(field).isEqualTo(match);
    }
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "en | en | 'en, fr;q=0.5' | true", // en is still first: the origin chose en
        "en | 'en, de;q=0.9' | 'en;q=0.8, fr;q=0.2' | true",
        "en | en | 'fr, en;q=0.5' | false", // fr comes first now
        "en | en | 'en, fr' | false", // a tie: the origin might choose fr
        "en | 'de, en;q=0.5' | 'en, fr;q=0.5' | false", // the stored request did not prefer en
        "- | en | 'en, fr;q=0.5' | false", // no Content-Language: no telling what was chosen
        "'en, de' | en | 'en, fr;q=0.5' | false",
      })
  void O_02_aStoredLanguageServesRequestsThatPreferItFirst(
      String contentLanguage, String storedRequest, String incoming, boolean match) {
    Response r =
        contentLanguage.equals("-")
            ? ok("Cache-Control", "max-age=60", "Vary", "Accept-Language")
            : ok(
                "Cache-Control",
                "max-age=60",
                "Vary",
                "Accept-Language",
                "Content-Language",
                contentLanguage);
    StoredPair p = pair(get("Accept-Language", storedRequest), r, at(0), at(0));
    assertThat(VaryMatcher.matches(p, get("Accept-Language", incoming))).isEqualTo(match);
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
