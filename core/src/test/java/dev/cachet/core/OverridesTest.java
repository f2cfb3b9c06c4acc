package dev.cachet.core;

import static dev.cachet.core.Fixtures.URI_A;
import static dev.cachet.core.Fixtures.at;
import static dev.cachet.core.Fixtures.date;
import static dev.cachet.core.Fixtures.get;
import static dev.cachet.core.Fixtures.lookup;
import static dev.cachet.core.Fixtures.miss;
import static dev.cachet.core.Fixtures.newId;
import static dev.cachet.core.Fixtures.notStoredReason;
import static dev.cachet.core.Fixtures.ok;
import static dev.cachet.core.Fixtures.request;
import static dev.cachet.core.Fixtures.response;
import static dev.cachet.core.Fixtures.store;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Override rules and offline mode (OV-01..OV-07): what each changes relative to RFC 9111, that each
 * says so when a reuse depended on it, and what none of them can change.
 */
class OverridesTest {
  private static final Duration MINUTE = Duration.ofMinutes(1);

  private static CacheOptions privateWith(CacheOverride rule) {
    return CacheOptions.newBuilder().override(rule).build();
  }

  private static CacheOptions sharedWith(CacheOverride rule) {
    return CacheOptions.newBuilder().shared(true).override(rule).build();
  }

  private static void assertDependsOn(IdleClient.Next next, String id) {
    assertThat(next).isInstanceOf(FromCache.class);
    FromCache fc = (FromCache) next;
    assertThat(fc.reason()).map(Reason::id).contains(id);
    assertThat(fc.reason().map(CacheOverride::decided)).contains(true);
    assertThat(fc.status().toFieldValue("Cachet")).contains("detail=\"override " + id + " ");
  }

  @Nested
  class MinimumLifetime {
    private final CacheOptions options =
        privateWith(CacheOverride.forHost("EXAMPLE.com").minimumLifetime(MINUTE).build());

    @Test
    void OV_01_maxAgeZero_isStoredAndReusedForTheMinimum_sayingSo() {
      // Without the rule, SEC-09: max-age=0 and no validator could never be reused.
      assertThat(
              notStoredReason(miss(Fixtures.PRIVATE, get(), ok("Cache-Control", "max-age=0"))).id())
          .isEqualTo("SEC-09");
      StoredPair p = store(options, get(), ok("Cache-Control", "max-age=0"));
      IdleClient.Next at30 = lookup(options, get(), at(30), p);
      assertDependsOn(at30, "OV-01");
      assertThat(((FromCache) at30).status().ttl()).hasValue(30);
      assertThat(lookup(options, get(), at(61), p)).isInstanceOf(NeedRevalidation.class);
    }

    @Test
    void OV_01_aResponseFreshByItsOwnHeaders_doesNotMentionTheRule() {
      StoredPair p = store(options, get(), ok("Cache-Control", "max-age=600"));
      FromCache fc = (FromCache) lookup(options, get(), at(30), p);
      assertThat(fc.reason()).isEmpty();
      assertThat(fc.status().detail()).isEmpty();
    }

    @Test
    void OV_01_anotherHostOrPath_isNotMatched() {
      Request other = request("GET", URI.create("https://other.example/a"));
      assertThat(notStoredReason(miss(options, other, ok("Cache-Control", "max-age=0"))).id())
          .isEqualTo("SEC-09");
      CacheOptions api =
          privateWith(
              CacheOverride.forHost("example.com")
                  .pathPrefix("/api/")
                  .minimumLifetime(MINUTE)
                  .build());
      assertThat(notStoredReason(miss(api, get(), ok("Cache-Control", "max-age=0"))).id())
          .isEqualTo("SEC-09");
      Request inApi = request("GET", URI.create("https://example.com/api/x"));
      store(api, inApi, ok("Cache-Control", "max-age=0"));
    }

    @Test
    void OV_01_aPredicateMatches_andTheFirstMatchingRuleIsUsed() {
      CacheOptions two =
          CacheOptions.newBuilder()
              .override(
                  CacheOverride.matching("header X-Slow", r -> r.headers().contains("X-Slow"))
                      .maximumLifetime(Duration.ZERO)
                      .build())
              .override(CacheOverride.forEveryRequest().minimumLifetime(MINUTE).build())
              .build();
      StoredPair p = store(two, get(), ok("Cache-Control", "max-age=0"));
      assertDependsOn(lookup(two, get(), at(10), p), "OV-01");
      assertThat(lookup(two, get("X-Slow", "1"), at(10), p)).isInstanceOf(NeedRevalidation.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"no-cache", "max-age=0", "min-fresh=120"})
    void OV_01_theClientsOwnDirectives_areObeyed(String directive) {
      StoredPair p = store(options, get(), ok("Cache-Control", "max-age=0"));
      assertThat(lookup(options, get("Cache-Control", directive), at(30), p))
          .isInstanceOf(NeedRevalidation.class);
    }

    @Test
    void OV_01_aSharedCacheIgnoresTheRule_unlessItSaysItMayApply() {
      CacheOverride rule = CacheOverride.forEveryRequest().minimumLifetime(MINUTE).build();
      assertThat(
              notStoredReason(miss(sharedWith(rule), get(), ok("Cache-Control", "max-age=0"))).id())
          .isEqualTo("SEC-09");
      CacheOptions shared =
          sharedWith(
              CacheOverride.forEveryRequest()
                  .minimumLifetime(MINUTE)
                  .appliesToSharedCache(true)
                  .build());
      StoredPair p = store(shared, get(), ok("Cache-Control", "max-age=0"));
      assertDependsOn(lookup(shared, get(), at(30), p), "OV-01");
    }
  }

  @Nested
  class Policy {
    @Test
    void OV_01_cachePolicy_agreesWithTheStateMachine() {
      CacheOptions options =
          privateWith(CacheOverride.forEveryRequest().minimumLifetime(MINUTE).build());
      CachePolicy policy =
          CachePolicy.of(get(), ok("Cache-Control", "max-age=0"), at(0), at(0), options);
      assertThat(policy.isStorable()).isTrue();
      assertThat(policy.freshnessLifetime()).isEqualTo(MINUTE);
      assertThat(policy.timeToLive(at(20))).isEqualTo(Duration.ofSeconds(40));
      assertThat(policy.beforeRequest(get(), at(20))).isInstanceOf(CachePolicy.Fresh.class);
      assertThat(CachePolicy.of(get(), ok("Cache-Control", "max-age=0"), at(0), at(0)).isStorable())
          .isFalse();
    }
  }

  @Nested
  class MaximumLifetime {
    @Test
    void OV_02_aLongLifetime_isCut_andTheRevalidationSaysWhy() {
      CacheOptions options =
          privateWith(CacheOverride.forEveryRequest().maximumLifetime(MINUTE).build());
      StoredPair p = store(options, get(), ok("Cache-Control", "max-age=3600", "ETag", "\"1\""));
      assertThat(lookup(options, get(), at(30), p)).isInstanceOf(FromCache.class);
      IdleClient.Next later = lookup(options, get(), at(61), p);
      assertThat(later).isInstanceOf(NeedRevalidation.class);
      assertThat(((NeedRevalidation) later).reason().id()).isEqualTo("OV-02");
    }
  }

  @Nested
  class NoCacheAsRevalidateAfter {
    private final CacheOptions options =
        privateWith(
            CacheOverride.forEveryRequest().revalidateNoCacheAfter(Duration.ofSeconds(30)).build());

    @Test
    void OV_03_aNoCacheResponse_isReusedForTheGivenTime_thenValidated() {
      StoredPair p = store(options, get(), ok("Cache-Control", "no-cache", "ETag", "\"1\""));
      assertThat(lookup(Fixtures.PRIVATE, get(), at(10), p)).isInstanceOf(NeedRevalidation.class);
      assertDependsOn(lookup(options, get(), at(10), p), "OV-03");
      IdleClient.Next later = lookup(options, get(), at(31), p);
      assertThat(later).isInstanceOf(NeedRevalidation.class);
      assertThat(((NeedRevalidation) later).reason().id()).isEqualTo("X-01");
    }

    @Test
    void OV_03_onceStale_itIsNeverServedStale_evenWithMaxStale() {
      StoredPair p = store(options, get(), ok("Cache-Control", "no-cache", "ETag", "\"1\""));
      assertThat(lookup(options, get("Cache-Control", "max-stale"), at(31), p))
          .isInstanceOf(NeedRevalidation.class);
    }

    @Test
    void OV_03_aNoCacheResponseWithoutValidator_isStored() {
      assertThat(
              notStoredReason(miss(Fixtures.PRIVATE, get(), ok("Cache-Control", "no-cache"))).id())
          .isEqualTo("SEC-09");
      StoredPair p = store(options, get(), ok("Cache-Control", "no-cache"));
      assertDependsOn(lookup(options, get(), at(5), p), "OV-03");
    }
  }

  @Nested
  class ListedStatuses {
    @Test
    void OV_04_aListedStatus_isStoredWithTheRulesMinimumLifetime() {
      assertThat(notStoredReason(miss(Fixtures.PRIVATE, get(), response(500))).id())
          .isEqualTo("S3-07");
      CacheOptions options =
          privateWith(
              CacheOverride.forEveryRequest().cacheStatuses(500).minimumLifetime(MINUTE).build());
      StoredPair p = store(options, get(), response(500));
      assertDependsOn(lookup(options, get(), at(10), p), "OV-01");
    }

    @Test
    void OV_04_aListedStatus_getsHeuristicFreshness() {
      CacheOptions options =
          privateWith(CacheOverride.forEveryRequest().cacheStatuses(302).build());
      Response found =
          response(302, "Location", "/b", "Date", date(0), "Last-Modified", date(-10 * 24 * 3600));
      assertThat(notStoredReason(miss(Fixtures.PRIVATE, get(), found)).id()).isEqualTo("S3-07");
      StoredPair p = store(options, get(), found);
      assertDependsOn(lookup(options, get(), at(3600), p), "OV-04");
    }

    @ParameterizedTest
    @ValueSource(ints = {100, 101, 199, 206, 304, 412, 416, 600, 0})
    void OV_04_statusesNoCacheMayStore_areRefused(int status) {
      assertThatThrownBy(() -> CacheOverride.forEveryRequest().cacheStatuses(status))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Nested
  class StaleWhenUnreachable {
    private final CacheOptions options =
        privateWith(CacheOverride.forEveryRequest().serveStaleWhenOriginUnreachable().build());

    private NeedRevalidation staleLookup(CacheOptions o, String cacheControl, Request r) {
      StoredPair p = store(o, get(), ok("Cache-Control", cacheControl, "ETag", "\"1\""));
      return (NeedRevalidation) lookup(o, r, at(100), p);
    }

    @Test
    void OV_05_theRule_servesStaleWhenTheOriginCannotBeReached_sayingSo() {
      assertThat(staleLookup(Fixtures.PRIVATE, "max-age=10", get()).onOriginUnreachable(at(100)))
          .isEmpty();
      Optional<FromCache> served =
          staleLookup(options, "max-age=10", get()).onOriginUnreachable(at(100));
      assertThat(served).isPresent();
      assertThat(served.get().reason()).map(Reason::id).contains("OV-05");
      assertThat(served.get().status().toFieldValue("Cachet"))
          .contains("fwd=stale")
          .contains("ttl=-90")
          .contains("detail=\"override OV-05 ");
    }

    @ParameterizedTest
    @ValueSource(strings = {"max-age=10, must-revalidate", "no-cache"})
    void OV_05_theRule_obeysDirectivesThatForbidStale(String cc) {
      assertThat(staleLookup(options, cc, get()).onOriginUnreachable(at(100))).isEmpty();
    }

    @Test
    void OV_05_aServerError_isNotAnUnreachableOrigin() {
      NeedRevalidation nr = staleLookup(options, "max-age=10", get());
      assertThat(nr.next(response(503), at(100), at(100), newId()))
          .isInstanceOf(CouldNotBeStored.class);
    }
  }

  @Nested
  class Offline {
    private final CacheOptions offline = CacheOptions.newBuilder().offline(true).build();
    private final CacheOptions sharedOffline =
        CacheOptions.newBuilder().shared(true).offline(true).build();

    private NeedRevalidation staleLookup(CacheOptions o, String cacheControl, Request r) {
      StoredPair p = store(o, get(), ok("Cache-Control", cacheControl, "ETag", "\"1\""));
      return (NeedRevalidation) lookup(o, r, at(100), p);
    }

    @ParameterizedTest
    @ValueSource(
        strings = {
          "max-age=10",
          "max-age=10, must-revalidate",
          "no-cache",
          "max-age=10, proxy-revalidate"
        })
    void OV_06_aPrivateCacheOffline_servesWhateverIsStored_markedStale(String cc) {
      Optional<FromCache> served = staleLookup(offline, cc, get()).onOriginUnreachable(at(100));
      assertThat(served).isPresent();
      assertThat(served.get().reason()).map(Reason::id).contains("OV-06");
      assertThat(served.get().status().toFieldValue("Cachet"))
          .contains("fwd=stale")
          .contains("detail=\"override OV-06 ");
    }

    @Test
    void OV_06_aSharedCacheOffline_stillObeysDirectivesThatForbidStale() {
      assertThat(
              staleLookup(sharedOffline, "max-age=10, must-revalidate", get())
                  .onOriginUnreachable(at(100)))
          .isEmpty();
      assertThat(staleLookup(sharedOffline, "max-age=10", get()).onOriginUnreachable(at(100)))
          .isPresent();
    }

    @Test
    void OV_06_theClientsNoCache_isObeyed() {
      assertThat(
              staleLookup(offline, "max-age=10", get("Cache-Control", "no-cache"))
                  .onOriginUnreachable(at(100)))
          .isEmpty();
    }

    @Test
    void OV_06_theRfcsOwnStaleIfError_isNotReportedAsAnOverride() {
      Optional<FromCache> served =
          staleLookup(offline, "max-age=10, stale-if-error=600", get())
              .onOriginUnreachable(at(100));
      assertThat(served.get().reason()).map(Reason::id).contains("X-02");
    }

    @Test
    void OV_06_offFromTheDefaults() {
      assertThat(CacheOptions.defaults().offline()).isFalse();
      assertThat(CacheOptions.defaults().overrides()).isEmpty();
      assertThat(offline.toBuilder().build().offline()).isTrue();
    }
  }

  /** OV-07: no override stores what RFC 9111 §3 forbids. */
  @Nested
  class Refusals {
    static Stream<Arguments> everyOverride() {
      CacheOverride all =
          CacheOverride.forEveryRequest()
              .minimumLifetime(Duration.ofHours(1))
              .revalidateNoCacheAfter(Duration.ofHours(1))
              .cacheStatuses(200, 500)
              .serveStaleWhenOriginUnreachable()
              .appliesToSharedCache(true)
              .build();
      CacheOptions privateAll = CacheOptions.newBuilder().override(all).offline(true).build();
      CacheOptions sharedAll =
          CacheOptions.newBuilder().shared(true).override(all).offline(true).build();
      return Stream.of(
          Arguments.of("private", privateAll, get(), ok("Cache-Control", "no-store"), "S3-04"),
          Arguments.of("private", privateAll, get("Cache-Control", "no-store"), ok(), "S3-04"),
          Arguments.of(
              "private", privateAll, get(), ok("Cache-Control", "no-store, no-cache"), "S3-04"),
          Arguments.of("shared", sharedAll, get(), ok("Cache-Control", "no-store"), "S3-04"),
          Arguments.of("shared", sharedAll, get("Cache-Control", "no-store"), ok(), "S3-04"),
          Arguments.of("shared", sharedAll, get(), ok("Cache-Control", "private"), "S3-05"),
          Arguments.of(
              "shared", sharedAll, get(), ok("Cache-Control", "private, max-age=60"), "S3-05"),
          Arguments.of("shared", sharedAll, get("Authorization", "Bearer x"), ok(), "S3-06"),
          Arguments.of(
              "shared",
              sharedAll,
              get("Authorization", "Bearer x"),
              ok("Cache-Control", "max-age=60"),
              "S3-06"),
          Arguments.of(
              "shared", sharedAll, get(), response(500, "Cache-Control", "private"), "S3-05"));
    }

    @ParameterizedTest(name = "[{index}] {0}: {3} -> {4}")
    @MethodSource("everyOverride")
    void OV_07_noOverride_storesWhatSection3Forbids(
        String kind, CacheOptions options, Request request, Response response, String rule) {
      assertThat(notStoredReason(miss(options, request, response)).id()).isEqualTo(rule);
    }

    @Test
    void OV_07_anOverrideNeverServesAnotherClientsAuthorizedResponseInASharedCache() {
      CacheOptions shared =
          CacheOptions.newBuilder()
              .shared(true)
              .offline(true)
              .override(
                  CacheOverride.forEveryRequest()
                      .minimumLifetime(Duration.ofHours(1))
                      .appliesToSharedCache(true)
                      .build())
              .build();
      // Stored for a client with Authorization (public lets a shared cache keep it, §3.5) ...
      StoredPair p =
          new StoredPair(
              newId(),
              CacheKey.of(URI_A),
              get("Authorization", "Bearer x"),
              ok("Cache-Control", "max-age=0"),
              at(0),
              at(0));
      // ... never answers a request without it (S3-11), however long the rule says it is fresh.
      assertThat(lookup(shared, get(), at(10), p)).isInstanceOf(CacheMiss.class);
    }
  }

  @Nested
  class Rules {
    @Test
    void aRuleThatChangesNothing_orContradictsItself_isRefused() {
      assertThatThrownBy(() -> CacheOverride.forHost("a").build())
          .isInstanceOf(IllegalStateException.class);
      assertThatThrownBy(
              () ->
                  CacheOverride.forEveryRequest()
                      .minimumLifetime(Duration.ofMinutes(2))
                      .maximumLifetime(MINUTE)
                      .build())
          .isInstanceOf(IllegalStateException.class);
      assertThatThrownBy(() -> CacheOverride.forPathPrefix("api"))
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> CacheOverride.forEveryRequest().minimumLifetime(Duration.ZERO))
          .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aRuleSaysWhatItMatches() {
      CacheOverride rule =
          CacheOverride.forHost("Api.Example.com")
              .pathPrefix("/v1/")
              .minimumLifetime(MINUTE)
              .build();
      assertThat(rule).hasToString("host api.example.com, path /v1/");
      assertThat(rule.matches(request("GET", URI.create("https://API.example.com/v1/x")), false))
          .isTrue();
      assertThat(rule.matches(request("GET", URI.create("https://api.example.com/v2/x")), false))
          .isFalse();
      assertThat(rule.matches(request("GET", URI.create("https://api.example.com/v1/x")), true))
          .isFalse();
      assertThat(CacheOptions.newBuilder().override(rule).build().overrides())
          .containsExactly(rule);
      assertThat(CacheOptions.newBuilder().overrides(List.of(rule)).build().toString())
          .contains("overrides=[host api.example.com, path /v1/]");
    }
  }
}
