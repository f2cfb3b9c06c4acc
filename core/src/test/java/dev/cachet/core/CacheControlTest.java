package dev.cachet.core;

import static dev.cachet.core.Fixtures.at;
import static dev.cachet.core.Fixtures.get;
import static dev.cachet.core.Fixtures.lookup;
import static dev.cachet.core.Fixtures.ok;
import static dev.cachet.core.Fixtures.pair;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The typed request {@code Cache-Control} (RFC 9111 §5.2.1): parsing, rendering, meaning. */
class CacheControlTest {

  @Nested
  class Parsing {
    /** Field value | what it means, rendered in the canonical order. */
    @ParameterizedTest(name = "[{index}] {0} -> {1}")
    @CsvSource(
        delimiter = '|',
        quoteCharacter = '\'',
        value = {
          "max-age=60                     | max-age=60",
          "MAX-AGE=60                     | max-age=60",
          "max-age=\"60\"                 | max-age=60",
          "max-age=0                      | max-age=0",
          "max-stale                      | max-stale",
          "max-stale=30                   | max-stale=30",
          "min-fresh=10                   | min-fresh=10",
          "no-cache                       | no-cache",
          "No-Store                       | no-store",
          "only-if-cached                 | only-if-cached",
          "stale-if-error=300             | stale-if-error=300",
          "only-if-cached, max-stale      | max-stale, only-if-cached",
          "max-age=1,no-cache,  min-fresh=2 | no-cache, max-age=1, min-fresh=2",
          "max-age=99999999999            | max-age=2147483648",
          "max-age=007                    | max-age=7",
        })
    void R4_07_validDirectives_areReadAsTheCacheReadsThem(String field, String rendered) {
      assertThat(CacheControl.parse(field).toHeaderValue()).isEqualTo(rendered.trim());
    }

    /** Malformed input (§5.2, §1.2.2): the directive is left out, as the cache ignores it. */
    @ParameterizedTest(name = "[{index}] {0} -> ''{1}''")
    @CsvSource(
        delimiter = '|',
        quoteCharacter = '\'',
        value = {
          "max-age=abc                    | ''",
          "max-age=-1                     | ''",
          "max-age=1.5                    | ''",
          "max-age=                       | ''",
          "max-age                        | ''",
          "max-age=60, max-age=70         | ''",
          "max-age=60, max-age=60         | max-age=60",
          "min-fresh=x, no-store          | no-store",
          "max-stale=soon                 | ''",
          "stale-if-error                 | ''",
          "private, public, x-ext=1       | ''",
          "'=, ,,=5'                      | ''",
          "'\"unterminated'               | ''",
          "''                             | ''",
        })
    void F_08_malformedOrUnknownDirectives_areLeftOut(String field, String rendered) {
      String expected = rendered.trim().equals("''") ? "" : rendered.trim();
      assertThat(CacheControl.parse(field).toHeaderValue()).isEqualTo(expected);
    }

    @Test
    void R4_07_maxStaleWithoutValueFirst_acceptsAnyStaleness_asTheCacheDoes() {
      assertThat(CacheControl.parse("max-stale, max-stale=5").anyStale()).isTrue();
      assertThat(CacheControl.parse("max-stale=5").anyStale()).isFalse();
    }

    @Test
    void severalFieldLines_combine() {
      CacheControl cc = CacheControl.parse(List.of("no-cache", "max-age=5"));
      assertThat(cc.noCache()).isTrue();
      assertThat(cc.maxAge()).contains(Duration.ofSeconds(5));
    }
  }

  @Nested
  class Rendering {
    @Test
    void constants_renderAsOkHttpUsersExpect() {
      assertThat(CacheControl.FORCE_CACHE.toHeaderValue()).isEqualTo("max-stale, only-if-cached");
      assertThat(CacheControl.FORCE_NETWORK.toHeaderValue()).isEqualTo("no-cache");
      assertThat(CacheControl.empty().toHeaderValue()).isEmpty();
      assertThat(CacheControl.empty().isEmpty()).isTrue();
    }

    @Test
    void everyDirective_roundTrips() {
      CacheControl all =
          CacheControl.newBuilder()
              .maxAge(Duration.ofSeconds(1))
              .maxStale(Duration.ofSeconds(2))
              .minFresh(Duration.ofSeconds(3))
              .noCache()
              .noStore()
              .onlyIfCached()
              .staleIfError(Duration.ofSeconds(4))
              .build();
      assertThat(all.toHeaderValue())
          .isEqualTo(
              "no-cache, no-store, max-age=1, max-stale=2, min-fresh=3, only-if-cached,"
                  + " stale-if-error=4");
      assertThat(CacheControl.parse(all.toHeaderValue())).isEqualTo(all);
      assertThat(all.toBuilder().build()).isEqualTo(all);
    }

    @Test
    void durations_areWholeSecondsClampedTo2pow31() {
      CacheControl cc =
          CacheControl.newBuilder()
              .maxAge(Duration.ofMillis(1500))
              .minFresh(Duration.ofDays(100_000))
              .build();
      assertThat(cc.toHeaderValue()).isEqualTo("max-age=1, min-fresh=2147483648");
      assertThat(CacheControl.parse(cc.toHeaderValue())).isEqualTo(cc);
    }

    @Test
    void anyStaleAndABound_replaceEachOther() {
      assertThat(
              CacheControl.newBuilder()
                  .maxStale(Duration.ofSeconds(5))
                  .anyStale()
                  .build()
                  .toHeaderValue())
          .isEqualTo("max-stale");
      assertThat(
              CacheControl.newBuilder()
                  .anyStale()
                  .maxStale(Duration.ofSeconds(5))
                  .build()
                  .toHeaderValue())
          .isEqualTo("max-stale=5");
    }

    @Test
    void callerBugs_areRefused() {
      assertThatThrownBy(() -> CacheControl.newBuilder().maxAge(Duration.ofSeconds(-1)).build())
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(
              () ->
                  new CacheControl(
                      java.util.Optional.empty(),
                      java.util.Optional.of(Duration.ZERO),
                      true,
                      java.util.Optional.empty(),
                      false,
                      false,
                      false,
                      java.util.Optional.empty()))
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> CacheControl.newBuilder().maxAge(null))
          .isInstanceOf(NullPointerException.class);
    }
  }

  /** The rendered value means to the cache what the typed value says. */
  @Nested
  class Meaning {
    private final StoredPair stale =
        pair(get(), ok("Cache-Control", "max-age=10", "ETag", "\"a\""), at(0), at(0));
    private final StoredPair fresh =
        pair(get(), ok("Cache-Control", "max-age=600", "ETag", "\"a\""), at(0), at(0));

    private Request with(CacheControl cc) {
      return get("Cache-Control", cc.toHeaderValue());
    }

    @Test
    void R4_08_forceCache_servesStaleWithoutTheOrigin_or504() {
      assertThat(lookup(with(CacheControl.FORCE_CACHE), at(100_000), stale))
          .isInstanceOf(FromCache.class)
          .extracting(s -> ((FromCache) s).response().status())
          .isEqualTo(200);
      FromCache none = (FromCache) lookup(with(CacheControl.FORCE_CACHE), at(1));
      assertThat(none.response().status()).isEqualTo(504);
    }

    @Test
    void R4_08_forceCache_doesNotServeWhatMustBeRevalidated() {
      StoredPair mustRevalidate =
          pair(get(), ok("Cache-Control", "max-age=10, must-revalidate"), at(0), at(0));
      FromCache r = (FromCache) lookup(with(CacheControl.FORCE_CACHE), at(100), mustRevalidate);
      assertThat(r.response().status()).isEqualTo(504);
    }

    @Test
    void R4_06_forceNetwork_validatesEvenAFreshResponse() {
      assertThat(lookup(with(CacheControl.FORCE_NETWORK), at(1), fresh))
          .isInstanceOf(NeedRevalidation.class);
    }

    @Test
    void R4_07_maxAgeZero_validatesAFreshResponse() {
      CacheControl cc = CacheControl.newBuilder().maxAge(Duration.ZERO).build();
      assertThat(lookup(with(cc), at(1), fresh)).isInstanceOf(NeedRevalidation.class);
    }
  }
}
