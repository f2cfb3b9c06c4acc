package dev.cachet.core;

import static dev.cachet.core.Fixtures.PRIVATE;
import static dev.cachet.core.Fixtures.SHARED;
import static dev.cachet.core.Fixtures.T0;
import static dev.cachet.core.Fixtures.at;
import static dev.cachet.core.Fixtures.date;
import static dev.cachet.core.Fixtures.get;
import static dev.cachet.core.Fixtures.lookup;
import static dev.cachet.core.Fixtures.ok;
import static dev.cachet.core.Fixtures.response;
import static dev.cachet.core.Fixtures.store;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Freshness lifetime and the directives that shape it (RFC 9111 §4.2.1, §4.2.2, §5.2.2, §5.3). */
class ResponseControlTest {

  static long lifetimeSeconds(CacheOptions options, Response r) {
    return ResponseControl.of(r, options).lifetimeMillis(T0.toEpochMilli()) / 1000;
  }

  static long lifetimeSeconds(Response r) {
    return lifetimeSeconds(PRIVATE, r);
  }

  @Nested
  class Lifetime {
    @Test
    void F_01_sMaxageFirstInSharedCache() {
      Response r = ok("Cache-Control", "max-age=10, s-maxage=20", "Expires", date(30));
      assertThat(lifetimeSeconds(SHARED, r)).isEqualTo(20);
      assertThat(lifetimeSeconds(PRIVATE, r)).isEqualTo(10);
    }

    @Test
    void F_01_expiresMinusDate() {
      assertThat(lifetimeSeconds(ok("Date", date(100), "Expires", date(160)))).isEqualTo(60);
    }

    @Test
    void F_01_expiresBeforeDate_isZero() {
      assertThat(lifetimeSeconds(ok("Date", date(100), "Expires", date(40)))).isZero();
    }

    @Test
    void F_01_expiresWithoutDate_usesResponseTime() {
      Response r = Response.of(200, Headers.of("Expires", date(90)));
      assertThat(lifetimeSeconds(r)).isEqualTo(90);
    }

    @Test
    void F_02_maxAgeOverridesExpires() {
      assertThat(lifetimeSeconds(ok("Cache-Control", "max-age=5", "Expires", date(3600))))
          .isEqualTo(5);
      assertThat(lifetimeSeconds(ok("Cache-Control", "max-age=3600", "Expires", "0")))
          .isEqualTo(3600);
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-1", "never", "", "Thu, 01 Jan 2026 00:01:00", "tomorrow GMT"})
    void F_03_invalidExpires_isStale(String expires) {
      Response r = ok("Expires", expires, "Last-Modified", date(-86400));
      assertThat(lifetimeSeconds(r)).isZero();
      StoredPair p = store(get(), r);
      assertThat(lookup(get(), T0, p)).isInstanceOf(NeedRevalidation.class);
    }

    @ParameterizedTest
    @ValueSource(
        strings = {
          "Thu, 01 JAN 2026 00:01:00 GMT",
          "Thu, 01 jan 2026 00:01:00 gmt",
          "Thu, 01 Jan 2026 00:01:00 UTC",
          "Thursday, 01-jan-26 00:01:00 Gmt",
          "Thu jan  1 00:01:00 2026"
        })
    void O_03_expiresWithAWrongCaseMonthOrZone_isReadLeniently(String expires) {
      assertThat(lifetimeSeconds(ok("Expires", expires))).isEqualTo(60);
    }

    @ParameterizedTest
    @ValueSource(
        strings = {
          "Thu, 01 Jan 2026 00:01:00 PST",
          "Thu, 01 Jan 2026 00:01:00 +0000",
          "Thu, 01 Jan 26 00:01:00 GMT",
          "Thu, 1 Jan 2026 00:01:00 GMT",
          "01 Jan 2026 00:01:00 GMT",
          "Thu, 01 Janu 2026 00:01:00 GMT"
        })
    void O_03_leniencyNeverTurnsAnInvalidExpiresIntoAFreshOne(String expires) {
      assertThat(lifetimeSeconds(ok("Expires", expires))).isZero();
    }

    @Test
    void F_03_twoDifferingExpires_isStale() {
      Response r =
          Response.of(200, Headers.of("Date", date(0), "Expires", date(60), "Expires", date(90)));
      assertThat(lifetimeSeconds(r)).isZero();
    }

    @Test
    void F_03_repeatedEqualExpires_isUsed() {
      Response r =
          Response.of(200, Headers.of("Date", date(0), "Expires", date(60), "Expires", date(60)));
      assertThat(lifetimeSeconds(r)).isEqualTo(60);
    }

    @ParameterizedTest
    @CsvSource(
        delimiter = '|',
        value = {
          "max-age=60, max-age=120 | 0", // duplicated, differing: stale
          "max-age=60, max-age=60 | 60", // duplicated, equal: the value
          "max-age=abc | 0", // invalid: stale
          "max-age=-5 | 0",
          "max-age=1.5 | 0",
          "max-age= | 0",
          "max-age | 0",
          "'max-age=\"60\"' | 60", // quoted argument accepted (§5.2)
          "MAX-AGE=60 | 60", // names are case-insensitive (F-08)
          "max-age=60, no-cache | 60", // no-cache is enforced on reuse, see below
          "max-age = 60 | 60",
        })
    void F_04_duplicatedOrInvalidMaxAge(String cc, long expected) {
      assertThat(lifetimeSeconds(ok("Cache-Control", cc, "Expires", date(600))))
          .isEqualTo(expected);
    }

    @Test
    void F_04_maxAgeAcrossFieldLines_isDuplicated() {
      Response r =
          Response.of(
              200,
              Headers.of(
                  "Date", date(0), "Cache-Control", "max-age=60", "Cache-Control", "max-age=5"));
      assertThat(lifetimeSeconds(r)).isZero();
    }

    @Test
    void F_04_conflictingDirectives_mostRestrictiveWins() {
      StoredPair p = store(get(), ok("Cache-Control", "max-age=60, no-cache", "ETag", "\"e\""));
      assertThat(lookup(get(), at(1), p)).isInstanceOf(NeedRevalidation.class);
      assertThat(
              Fixtures.notStoredReason(
                      Fixtures.miss(PRIVATE, get(), ok("Cache-Control", "max-age=60, no-store")))
                  .id())
          .isEqualTo("S3-04");
      assertThat(
              Fixtures.notStoredReason(
                      Fixtures.miss(SHARED, get(), ok("Cache-Control", "public, private")))
                  .id())
          .isEqualTo("S3-05");
    }

    @Test
    void F_07_hugeMaxAge_isClampedTo2pow31() {
      assertThat(lifetimeSeconds(ok("Cache-Control", "max-age=99999999999999999999999")))
          .isEqualTo(2_147_483_648L);
    }

    @Test
    void F_07_farExpires_isClampedTo2pow31() {
      assertThat(lifetimeSeconds(ok("Expires", "Fri, 31 Dec 9999 23:59:59 GMT")))
          .isEqualTo(2_147_483_648L);
    }

    @Test
    void F_08_unknownDirectivesAreIgnored() {
      assertThat(lifetimeSeconds(ok("Cache-Control", "foo, bar=\"x, y\", max-age=30, baz=1")))
          .isEqualTo(30);
    }

    @Test
    void F_08_quotedArgumentsAreAccepted() {
      assertThat(lifetimeSeconds(SHARED, ok("Cache-Control", "s-maxage=\"45\""))).isEqualTo(45);
      StoredPair p =
          store(get(), ok("Cache-Control", "max-age=60, no-cache=Set-Cookie", "Set-Cookie", "a"));
      assertThat(((FromCache) lookup(get(), at(1), p)).response().headers().contains("Set-Cookie"))
          .isFalse();
    }
  }

  @Nested
  class Heuristic {
    @Test
    void F_05_tenPercentOfDateMinusLastModified() {
      assertThat(lifetimeSeconds(ok("Date", date(1000), "Last-Modified", date(0)))).isEqualTo(100);
    }

    @Test
    void F_05_cappedByOption() {
      Response r = ok("Date", date(0), "Last-Modified", date(-100L * 86400));
      assertThat(lifetimeSeconds(r)).isEqualTo(86400);
      CacheOptions o =
          CacheOptions.newBuilder()
              .heuristicFraction(0.5)
              .heuristicCap(Duration.ofSeconds(7))
              .build();
      assertThat(lifetimeSeconds(o, ok("Date", date(1000), "Last-Modified", date(990))))
          .isEqualTo(5);
    }

    @Test
    void F_05_onlyWithoutExplicitExpiry() {
      Response r = ok("Date", date(1000), "Last-Modified", date(0), "Expires", date(1010));
      assertThat(lifetimeSeconds(r)).isEqualTo(10);
    }

    @ParameterizedTest
    @ValueSource(ints = {200, 203, 204, 300, 301, 308, 404, 405, 410, 414, 501})
    void F_05_heuristicallyCacheableStatuses(int status) {
      assertThat(lifetimeSeconds(response(status, "Date", date(1000), "Last-Modified", date(0))))
          .isEqualTo(100);
    }

    @ParameterizedTest
    @ValueSource(ints = {201, 302, 303, 307, 400, 500, 503})
    void F_05_otherStatusesGetNoHeuristic(int status) {
      assertThat(lifetimeSeconds(response(status, "Date", date(1000), "Last-Modified", date(0))))
          .isZero();
    }

    @Test
    void F_05_publicAllowsHeuristicForOtherStatuses() {
      Response r =
          response(302, "Date", date(1000), "Last-Modified", date(0), "Cache-Control", "public");
      assertThat(lifetimeSeconds(r)).isEqualTo(100);
    }

    @Test
    void F_05_lastModifiedInTheFuture_givesNone() {
      assertThat(lifetimeSeconds(ok("Date", date(0), "Last-Modified", date(50)))).isZero();
    }
  }

  @Nested
  class Immutable {
    @Test
    void D_02_immutableWithoutMaxAge_getsTheMinimumLifetime() {
      assertThat(lifetimeSeconds(ok("Cache-Control", "immutable"))).isEqualTo(86400);
      CacheOptions none = CacheOptions.newBuilder().immutableMinimumLifetime(Duration.ZERO).build();
      assertThat(lifetimeSeconds(none, ok("Cache-Control", "immutable"))).isZero();
    }

    @Test
    void D_02_immutableWithMaxAge_keepsMaxAge() {
      assertThat(lifetimeSeconds(ok("Cache-Control", "immutable, max-age=30"))).isEqualTo(30);
    }

    @Test
    void D_02_immutableDoesNotShortenALongerHeuristic() {
      CacheOptions o =
          CacheOptions.newBuilder()
              .immutableMinimumLifetime(Duration.ofSeconds(10))
              .heuristicCap(Duration.ofDays(10))
              .build();
      Response r = ok("Cache-Control", "immutable", "Date", date(10_000), "Last-Modified", date(0));
      assertThat(lifetimeSeconds(o, r)).isEqualTo(1000);
    }

    @Test
    void D_02_immutableFreshResponse_ignoresReloadMaxAge() {
      StoredPair p = store(get(), ok("Cache-Control", "immutable, max-age=600"));
      assertThat(lookup(get("Cache-Control", "max-age=0"), at(5), p)).isInstanceOf(FromCache.class);
    }

    @Test
    void D_02_immutableStillObeysRequestNoCache() {
      StoredPair p = store(get(), ok("Cache-Control", "immutable, max-age=600"));
      assertThat(lookup(get("Cache-Control", "no-cache"), at(5), p))
          .isInstanceOf(NeedRevalidation.class);
    }
  }

  @Nested
  class StaleForbidden {
    @ParameterizedTest
    @CsvSource(
        delimiter = '|',
        value = {
          "must-revalidate | false | true",
          "no-cache | false | true",
          "proxy-revalidate | true | true",
          "proxy-revalidate | false | false",
          "s-maxage=5 | true | true",
          "s-maxage=5 | false | false",
          "max-age=5 | true | false",
        })
    void X_01_directivesThatForbidStale(String cc, boolean shared, boolean forbids) {
      CacheOptions o = shared ? SHARED : PRIVATE;
      assertThat(ResponseControl.of(ok("Cache-Control", cc), o).forbidsStale()).isEqualTo(forbids);
    }
  }

  @Nested
  class Targeted {
    private final CacheOptions cdn =
        CacheOptions.newBuilder().shared(true).targetedFields(List.of("CDN-Cache-Control")).build();

    @Test
    void B_02_targetedFieldWinsOverCacheControlInSharedCache() {
      Response r = ok("Cache-Control", "max-age=10", "CDN-Cache-Control", "max-age=600");
      assertThat(lifetimeSeconds(cdn, r)).isEqualTo(600);
    }

    @Test
    void B_02_privateCacheObeysATargetListItIsGiven() {
      CacheOptions privateWithTargets =
          CacheOptions.newBuilder().targetedFields(List.of("Client-Cache-Control")).build();
      Response r = ok("Cache-Control", "max-age=10", "Client-Cache-Control", "max-age=600");
      assertThat(lifetimeSeconds(privateWithTargets, r)).isEqualTo(600);
    }

    @Test
    void B_02_withoutATargetList_targetedFieldsAreIgnored() {
      Response r = ok("Cache-Control", "max-age=10", "CDN-Cache-Control", "max-age=600");
      assertThat(lifetimeSeconds(PRIVATE, r)).isEqualTo(10);
      assertThat(lifetimeSeconds(SHARED, r)).isEqualTo(10);
    }

    @Test
    void B_02_targetedFieldMakesCacheIgnoreExpires() {
      // RFC 9213 §2.2: the cache MUST ignore Cache-Control and Expires when it uses a targeted
      // field.
      Response r = ok("Expires", date(3600), "CDN-Cache-Control", "no-store");
      assertThat(ResponseControl.of(r, cdn).hasExplicitFreshness()).isFalse();
      Response noMaxAge = ok("Expires", date(3600), "CDN-Cache-Control", "must-revalidate");
      assertThat(lifetimeSeconds(cdn, noMaxAge)).isZero();
    }

    @Test
    void B_02_emptyTargetedField_fallsBackToCacheControl() {
      Response r = ok("Cache-Control", "max-age=10", "CDN-Cache-Control", " ");
      assertThat(lifetimeSeconds(cdn, r)).isEqualTo(10);
    }

    @Test
    void B_02_firstListedTargetWins() {
      CacheOptions two =
          CacheOptions.newBuilder()
              .shared(true)
              .targetedFields(List.of("Cachet-Cache-Control", "CDN-Cache-Control"))
              .build();
      Response r =
          ok(
              "CDN-Cache-Control",
              "max-age=600",
              "Cachet-Cache-Control",
              "max-age=60",
              "Cache-Control",
              "no-store");
      assertThat(lifetimeSeconds(two, r)).isEqualTo(60);
      assertThat(store(two, get(), r)).isNotNull();
    }
  }

  @Nested
  class CargoCult {
    private final CacheOptions ignore =
        CacheOptions.newBuilder().ignoreCargoCultDirectives(true).build();
    private final Response cargo =
        ok(
            "Cache-Control",
            "no-cache, no-store, must-revalidate, pre-check=0, post-check=0",
            "Expires",
            "0",
            "Pragma",
            "no-cache",
            "Last-Modified",
            date(-10_000));

    @Test
    void B_05_preAndPostCheck_ignoreAntiCacheDirectivesWhenConfigured() {
      ResponseControl rc = ResponseControl.of(cargo, ignore);
      assertThat(rc.noStore()).isFalse();
      assertThat(rc.noCache()).isFalse();
      assertThat(rc.mustRevalidate()).isFalse();
      assertThat(rc.hasExplicitFreshness()).isFalse();
      // Expires ignored, so the heuristic applies: 10% of 10,000 s.
      assertThat(lifetimeSeconds(ignore, cargo)).isEqualTo(1000);
      StoredPair p = store(ignore, get(), cargo);
      assertThat(lookup(ignore, get(), at(10), p)).isInstanceOf(FromCache.class);
    }

    @Test
    void B_05_takenAtFaceValueByDefault() {
      assertThat(Fixtures.notStoredReason(Fixtures.miss(PRIVATE, get(), cargo)).id())
          .isEqualTo("S3-04");
    }

    @Test
    void B_05_onlyOneOfPreOrPostCheck_isNotCargoCult() {
      Response r = ok("Cache-Control", "no-store, pre-check=0");
      assertThat(Fixtures.notStoredReason(Fixtures.miss(ignore, get(), r)).id()).isEqualTo("S3-04");
    }

    @Test
    void B_05_explicitMaxAgeStillCounts() {
      Response r = ok("Cache-Control", "no-cache, pre-check=0, post-check=0, max-age=30");
      assertThat(lifetimeSeconds(ignore, r)).isEqualTo(30);
    }
  }

  @Nested
  class Directives {
    @Test
    void D_03_publicMakesOtherwiseUnstorableStatusStorable() {
      assertThat(store(get(), response(302, "Cache-Control", "public", "ETag", "\"e\"")))
          .isNotNull();
    }

    @Test
    void D_03_noTransformIsKeptOnServedResponse() {
      StoredPair p = store(get(), ok("Cache-Control", "max-age=60, no-transform"));
      assertThat(
              ((FromCache) lookup(get(), at(1), p))
                  .response()
                  .headers()
                  .firstValue("Cache-Control"))
          .contains("max-age=60, no-transform");
    }

    @Test
    void D_03_mustRevalidate_staleNeverServedEvenWithMaxStale() {
      StoredPair p = store(get(), ok("Cache-Control", "max-age=1, must-revalidate"));
      assertThat(lookup(get("Cache-Control", "max-stale"), at(5), p))
          .isInstanceOf(NeedRevalidation.class);
    }

    @Test
    void D_03_proxyRevalidate_onlyBindsSharedCaches() {
      StoredPair p = store(get(), ok("Cache-Control", "max-age=1, proxy-revalidate"));
      assertThat(lookup(get("Cache-Control", "max-stale"), at(5), p)).isInstanceOf(FromCache.class);
      StoredPair s = store(SHARED, get(), ok("Cache-Control", "max-age=1, proxy-revalidate"));
      assertThat(lookup(SHARED, get("Cache-Control", "max-stale"), at(5), s))
          .isInstanceOf(NeedRevalidation.class);
    }

    @Test
    void D_03_sMaxage_impliesProxyRevalidateInSharedCache() {
      StoredPair s = store(SHARED, get(), ok("Cache-Control", "s-maxage=1, max-age=60"));
      assertThat(lookup(SHARED, get("Cache-Control", "max-stale"), at(5), s))
          .isInstanceOf(NeedRevalidation.class);
    }

    @Test
    void D_03_noCache_alwaysRevalidatesEvenWhenFresh() {
      StoredPair p = store(get(), ok("Cache-Control", "max-age=600, no-cache", "ETag", "\"e\""));
      NeedRevalidation rev = (NeedRevalidation) lookup(get(), at(1), p);
      assertThat(rev.reason().section()).isEqualTo("RFC 9111 §5.2.2.4");
    }
  }
}
