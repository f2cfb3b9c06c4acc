package dev.cachet.core;

import static dev.cachet.core.Fixtures.PRIVATE;
import static dev.cachet.core.Fixtures.SHARED;
import static dev.cachet.core.Fixtures.at;
import static dev.cachet.core.Fixtures.date;
import static dev.cachet.core.Fixtures.get;
import static dev.cachet.core.Fixtures.head;
import static dev.cachet.core.Fixtures.lookup;
import static dev.cachet.core.Fixtures.miss;
import static dev.cachet.core.Fixtures.newId;
import static dev.cachet.core.Fixtures.notStoredReason;
import static dev.cachet.core.Fixtures.ok;
import static dev.cachet.core.Fixtures.pair;
import static dev.cachet.core.Fixtures.response;
import static dev.cachet.core.Fixtures.store;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The shared-cache safety rules (SEC-01 … SEC-09): what a cache never stores or keeps, so that no
 * user's data reaches another user and no client can poison or churn the cache.
 */
class SharedCacheSafetyTest {

  /** Looks up {@code request} at {@code now} and answers the revalidation with {@code answer}. */
  private static NeedRevalidation.Next revalidated(
      CacheOptions options, Request request, long now, Response answer, StoredPair stored) {
    IdleClient.Next next = lookup(options, request, at(now), stored);
    assertThat(next).isInstanceOf(NeedRevalidation.class);
    return ((NeedRevalidation) next).next(answer, at(now), at(now), newId());
  }

  private static NeedToBeUpdated update(NeedRevalidation.Next next) {
    assertThat(next).isInstanceOf(NeedToBeUpdated.class);
    return (NeedToBeUpdated) next;
  }

  private static StoredPair publicWithEtag(CacheOptions options, String... more) {
    String[] fields = new String[more.length + 4];
    fields[0] = "Cache-Control";
    fields[1] = "public, max-age=1";
    fields[2] = "ETag";
    fields[3] = "\"v1\"";
    System.arraycopy(more, 0, fields, 4, more.length);
    return store(options, get(), ok(fields));
  }

  @Nested
  class FresheningPassesTheStorageRulesAgain {
    @Test
    void SEC_01_a304ThatSaysPrivate_withdrawsThePairAndServesOnlyThisClient() {
      StoredPair stored = publicWithEtag(SHARED);
      NeedToBeUpdated u =
          update(
              revalidated(
                  SHARED,
                  get(),
                  10,
                  response(
                      304,
                      "Date",
                      date(10),
                      "ETag",
                      "\"v1\"",
                      "Cache-Control",
                      "private, max-age=600",
                      "Set-Cookie",
                      "session=C"),
                  stored));
      assertThat(u.updated()).isEmpty();
      assertThat(u.withdrawn()).containsExactly(stored);
      FromCache served = u.next();
      assertThat(served.pair()).contains(stored);
      assertThat(served.replayBody()).isTrue();
      assertThat(served.response().headers().allValues("Set-Cookie")).containsExactly("session=C");
      assertThat(served.reason().orElseThrow().id()).isEqualTo("SEC-01");
      assertThat(served.status().toFieldValue("Cachet")).contains("SEC-01");
    }

    @Test
    void SEC_01_a304ThatSaysNoStore_withdrawsThePair() {
      StoredPair stored = publicWithEtag(SHARED);
      NeedToBeUpdated u =
          update(
              revalidated(
                  SHARED,
                  get(),
                  10,
                  response(304, "ETag", "\"v1\"", "Cache-Control", "no-store"),
                  stored));
      assertThat(u.updated()).isEmpty();
      assertThat(u.withdrawn()).containsExactly(stored);
    }

    @Test
    void SEC_01_noStoreWithdrawsInAPrivateCacheToo() {
      StoredPair stored = publicWithEtag(PRIVATE);
      NeedToBeUpdated u =
          update(
              revalidated(
                  PRIVATE,
                  get(),
                  10,
                  response(304, "ETag", "\"v1\"", "Cache-Control", "no-store"),
                  stored));
      assertThat(u.withdrawn()).containsExactly(stored);
    }

    @Test
    void SEC_01_a304ThatSaysPrivate_isKeptByAPrivateCache() {
      StoredPair stored = publicWithEtag(PRIVATE);
      NeedToBeUpdated u =
          update(
              revalidated(
                  PRIVATE,
                  get(),
                  10,
                  response(304, "ETag", "\"v1\"", "Cache-Control", "private, max-age=600"),
                  stored));
      assertThat(u.withdrawn()).isEmpty();
      assertThat(u.updated()).hasSize(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"max-age=1", "public, max-age=1"})
    void SEC_03_aSetCookieA304Brings_goesToThatClientOnly(String storedCacheControl) {
      // Whether or not the stored 200 said public: the 304 did not opt its cookie in.
      StoredPair stored =
          store(SHARED, get(), ok("Cache-Control", storedCacheControl, "ETag", "\"v1\""));
      NeedToBeUpdated u =
          update(
              revalidated(
                  SHARED,
                  get(),
                  10,
                  response(304, "ETag", "\"v1\"", "Set-Cookie", "session=C"),
                  stored));
      assertThat(u.withdrawn()).isEmpty();
      assertThat(u.updated().get(0).response().headers().contains("Set-Cookie")).isFalse();
      assertThat(u.next().response().headers().allValues("Set-Cookie"))
          .containsExactly("session=C");
    }

    @Test
    void SEC_03_a304ThatOptsItsOwnCookieIn_isStoredWithIt() {
      StoredPair stored = publicWithEtag(SHARED);
      NeedToBeUpdated u =
          update(
              revalidated(
                  SHARED,
                  get(),
                  10,
                  response(
                      304,
                      "ETag",
                      "\"v1\"",
                      "Cache-Control",
                      "public, max-age=60",
                      "Set-Cookie",
                      "tracking=1"),
                  stored));
      assertThat(u.updated().get(0).response().headers().allValues("Set-Cookie"))
          .containsExactly("tracking=1");
    }

    @Test
    void S3_06_aRevalidationWithAuthorization_freshensForThatClientOnly() {
      StoredPair stored = store(SHARED, get(), ok("Cache-Control", "max-age=1", "ETag", "\"v1\""));
      NeedToBeUpdated u =
          update(
              revalidated(
                  SHARED,
                  get("Authorization", "Bearer c"),
                  10,
                  response(304, "ETag", "\"v1\"", "X-User", "c"),
                  stored));
      // The response kept for everyone is neither freshened with C's fields nor dropped.
      assertThat(u.updated()).isEmpty();
      assertThat(u.withdrawn()).isEmpty();
      assertThat(u.next().pair()).contains(stored);
      assertThat(u.next().response().headers().firstValue("X-User")).contains("c");
      assertThat(u.next().reason().orElseThrow().id()).isEqualTo("S3-06");
    }

    @Test
    void SEC_01_aHeadThatSaysPrivate_withdrawsTheStoredGet() {
      StoredPair stored = publicWithEtag(SHARED);
      NeedToBeUpdated u =
          update(
              revalidated(
                  SHARED,
                  head(),
                  10,
                  ok("Date", date(10), "ETag", "\"v1\"", "Cache-Control", "private, max-age=600"),
                  stored));
      assertThat(u.updated()).isEmpty();
      assertThat(u.withdrawn()).containsExactly(stored);
    }

    @Test
    void SEC_01_aFreshening304ThatStaysPublic_updatesAsBefore() {
      StoredPair stored = publicWithEtag(SHARED);
      NeedToBeUpdated u =
          update(
              revalidated(
                  SHARED,
                  get(),
                  10,
                  response(304, "Date", date(10), "ETag", "\"v1\"", "Cache-Control", "max-age=600"),
                  stored));
      assertThat(u.withdrawn()).isEmpty();
      assertThat(u.updated()).singleElement().extracting(StoredPair::id).isEqualTo(stored.id());
      assertThat(u.next().pair()).contains(u.updated().get(0));
    }

    @Test
    void SEC_01_cachePolicyAgrees_theFreshenedPolicyIsNotStorable() {
      StoredPair stored = publicWithEtag(SHARED);
      CachePolicy policy =
          CachePolicy.of(stored.request(), stored.response(), at(0), at(0), SHARED);
      CachePolicy.AfterResponse after =
          policy.afterResponse(
              get(),
              response(304, "ETag", "\"v1\"", "Cache-Control", "private, max-age=600"),
              at(10));
      assertThat(after).isInstanceOf(CachePolicy.NotModified.class);
      assertThat(after.policy().isStorable()).isFalse();
      assertThat(after.policy().notStorableReason().orElseThrow().id()).isEqualTo("SEC-01");
    }
  }

  @Nested
  class QualifiedFieldsAreNeverStored {
    @Test
    void SEC_02_privateNamedSetCookieIsNotStoredFromThe200() {
      StoredPair stored =
          store(
              SHARED,
              get(),
              ok("Cache-Control", "max-age=60, private=\"Set-Cookie\"", "Set-Cookie", "s=A"));
      assertThat(stored.response().headers().contains("Set-Cookie")).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"private=\"Set-Cookie\"", "no-cache=\"Set-Cookie\""})
    void SEC_02_aSetCookieBroughtByA304IsNotStored_whenThe200NamedIt(String directive) {
      StoredPair stored =
          store(
              SHARED,
              get(),
              ok("Cache-Control", "public, max-age=1, " + directive, "ETag", "\"v1\""));
      NeedToBeUpdated u =
          update(
              revalidated(
                  SHARED,
                  get(),
                  10,
                  response(304, "ETag", "\"v1\"", "Set-Cookie", "session=C"),
                  stored));
      assertThat(u.withdrawn()).isEmpty();
      assertThat(u.updated().get(0).response().headers().contains("Set-Cookie")).isFalse();
      // The client that revalidated gets its own cookie.
      assertThat(u.next().response().headers().allValues("Set-Cookie"))
          .containsExactly("session=C");
    }

    @Test
    void SEC_02_a304WithItsOwnCacheControlCannotUnnameAField() {
      StoredPair stored =
          store(
              SHARED,
              get(),
              ok("Cache-Control", "public, max-age=1, private=\"Set-Cookie\"", "ETag", "\"v1\""));
      NeedToBeUpdated u =
          update(
              revalidated(
                  SHARED,
                  get(),
                  10,
                  response(
                      304,
                      "ETag",
                      "\"v1\"",
                      "Cache-Control",
                      "public, max-age=600",
                      "Set-Cookie",
                      "session=C"),
                  stored));
      assertThat(u.updated()).hasSize(1);
      assertThat(u.updated().get(0).response().headers().contains("Set-Cookie")).isFalse();
    }

    @Test
    void SEC_02_noCacheNamedFieldsAreNotStoredByAPrivateCache() {
      StoredPair stored =
          store(
              PRIVATE,
              get(),
              ok(
                  "Cache-Control",
                  "max-age=60, no-cache=\"X-Token\"",
                  "X-Token",
                  "t1",
                  "X-Kept",
                  "k"));
      assertThat(stored.response().headers().contains("X-Token")).isFalse();
      assertThat(stored.response().headers().firstValue("X-Kept")).contains("k");
    }
  }

  @Nested
  class SetCookie {
    @Test
    void SEC_03_aSharedCacheDoesNotStoreSetCookieWithoutOptIn() {
      Reason why =
          notStoredReason(
              miss(SHARED, get(), ok("Cache-Control", "max-age=60", "Set-Cookie", "s=A")));
      assertThat(why.id()).isEqualTo("SEC-03");
    }

    @ParameterizedTest
    @ValueSource(strings = {"public, max-age=60", "s-maxage=60", "max-age=60, s-maxage=60"})
    void SEC_03_publicOrSMaxageOptsIn(String cacheControl) {
      StoredPair stored =
          store(SHARED, get(), ok("Cache-Control", cacheControl, "Set-Cookie", "s=A"));
      assertThat(stored.response().headers().firstValue("Set-Cookie")).contains("s=A");
    }

    @Test
    void SEC_03_aPrivateCacheStoresSetCookieAsBefore() {
      StoredPair stored =
          store(PRIVATE, get(), ok("Cache-Control", "max-age=60", "Set-Cookie", "s=A"));
      assertThat(stored.response().headers().firstValue("Set-Cookie")).contains("s=A");
    }

    @Test
    void SEC_03_aSetCookieThatIsNamedPrivateIsDroppedAndTheRestStored() {
      StoredPair stored =
          store(
              SHARED,
              get(),
              ok("Cache-Control", "max-age=60, private=\"Set-Cookie\"", "Set-Cookie", "s=A"));
      assertThat(stored.response().headers().contains("Set-Cookie")).isFalse();
    }
  }

  @Nested
  class OneClientsRequests {
    @ParameterizedTest
    @ValueSource(
        strings = {
          "If-Match:\"nope\"",
          "If-Unmodified-Since:Thu, 01 Jan 2026 00:00:00 GMT",
          "If-Range:\"v1\"",
          "Range:bytes=1000-"
        })
    void SEC_04_aResponseToPreconditionsOrRangeIsNotStored(String field) {
      String[] nv = field.split(":", 2);
      for (CacheOptions options : new CacheOptions[] {PRIVATE, SHARED}) {
        Reason why =
            notStoredReason(
                miss(options, get(nv[0], nv[1]), ok("Cache-Control", "public, max-age=60")));
        assertThat(why.id()).isEqualTo("SEC-04");
      }
    }

    @ParameterizedTest
    @ValueSource(strings = {"If-Match:\"x\"", "If-Unmodified-Since:Thu, 01 Jan 2026 00:00:00 GMT"})
    void SEC_04_aClientsOwnPreconditionFailingOnRevalidation_leavesTheStoredResponse(String field) {
      String[] nv = field.split(":", 2);
      StoredPair stored = publicWithEtag(SHARED);
      NeedRevalidation.Next next =
          revalidated(SHARED, get(nv[0], nv[1]), 10, response(412), stored);
      assertThat(next).isInstanceOf(CouldNotBeStored.class);
      assertThat(((CouldNotBeStored) next).reason().id()).isEqualTo("SEC-04");
    }

    @Test
    void SEC_04_a206ToAClientsRangeOnRevalidation_leavesTheStoredResponse() {
      StoredPair stored = publicWithEtag(SHARED);
      NeedRevalidation.Next next =
          revalidated(
              SHARED,
              get("Range", "bytes=0-1"),
              10,
              response(206, "ETag", "\"v2\"", "Content-Range", "bytes 0-1/10"),
              stored);
      assertThat(next).isInstanceOf(CouldNotBeStored.class);
    }

    @ParameterizedTest
    @ValueSource(ints = {412, 416})
    void SEC_04_412And416AreNeverStored(int status) {
      Reason why =
          notStoredReason(
              miss(SHARED, get(), response(status, "Cache-Control", "public, max-age=60")));
      assertThat(why.id()).isEqualTo("SEC-04");
    }

    @Test
    void SEC_04_theCachesOwnKindOfConditionStillStoresA200() {
      StoredPair stored =
          store(
              SHARED,
              get("If-None-Match", "\"old\""),
              ok("Cache-Control", "max-age=60", "ETag", "\"new\""));
      assertThat(stored.response().status()).isEqualTo(200);
    }
  }

  @Nested
  class MalformedVary {
    @ParameterizedTest
    @ValueSource(strings = {"\"*\"", "Accept-Language;q=1", "Accept-Language, (x)", "a b"})
    void SEC_05_aVaryThatIsNotFieldNames_isNotStored(String vary) {
      Reason why =
          notStoredReason(miss(SHARED, get(), ok("Cache-Control", "max-age=60", "Vary", vary)));
      assertThat(why.id()).isEqualTo("SEC-05");
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"*\"", "Accept-Language;q=1"})
    void SEC_05_aStoredResponseWithAMalformedVary_neverMatches(String vary) {
      StoredPair stored =
          pair(get(), ok("Cache-Control", "max-age=60", "Vary", vary), at(0), at(0));
      assertThat(lookup(SHARED, get(), at(1), stored)).isInstanceOf(CacheMiss.class);
      assertThat(lookup(SHARED, get("Accept-Language", "en"), at(1), stored))
          .isInstanceOf(CacheMiss.class);
    }

    @Test
    void SEC_05_wellFormedVaryStillMatches() {
      StoredPair stored =
          store(
              SHARED,
              get("Accept-Language", "en"),
              ok("Cache-Control", "max-age=60", "Vary", "Accept-Language, Accept-Encoding"));
      assertThat(lookup(SHARED, get("Accept-Language", "en"), at(1), stored))
          .isInstanceOf(FromCache.class);
    }
  }

  @Nested
  class VariantBound {
    @Test
    void SEC_06_defaultsTo64AndRejectsLessThanOne() {
      assertThat(CacheOptions.defaults().maximumVariantsPerKey()).isEqualTo(64);
      assertThat(CacheOptions.newBuilder().maximumVariantsPerKey(3).build().maximumVariantsPerKey())
          .isEqualTo(3);
      assertThatThrownBy(() -> CacheOptions.newBuilder().maximumVariantsPerKey(0))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Nested
  class FieldsAddedOutOfSight {
    private final CacheOptions authenticated =
        CacheOptions.newBuilder()
            .shared(true)
            .fieldsAddedOutOfSight(java.util.Set.of("Authorization", "Cookie"))
            .build();

    @ParameterizedTest
    @ValueSource(strings = {"Authorization", "cookie"})
    void R4_05_aResponseVaryingOnAFieldAddedOutOfSight_isNotStored(String field) {
      Reason why =
          notStoredReason(
              miss(authenticated, get(), ok("Cache-Control", "public, max-age=60", "Vary", field)));
      assertThat(why.id()).isEqualTo("R4-05");
    }

    @Test
    void S3_06_withAuthorizationAddedOutOfSight_aSharedCacheNeedsPermission() {
      Reason why = notStoredReason(miss(authenticated, get(), ok("Cache-Control", "max-age=60")));
      assertThat(why.id()).isEqualTo("S3-06");
      StoredPair allowed = store(authenticated, get(), ok("Cache-Control", "public, max-age=60"));
      assertThat(allowed.response().status()).isEqualTo(200);
    }

    @Test
    void S3_06_aPrivateCacheStoresAsBefore() {
      CacheOptions privateAuthenticated =
          CacheOptions.newBuilder()
              .fieldsAddedOutOfSight(java.util.Set.of("authorization"))
              .build();
      StoredPair p = store(privateAuthenticated, get(), ok("Cache-Control", "max-age=60"));
      assertThat(p.response().status()).isEqualTo(200);
    }
  }

  @Nested
  class Collapsing {
    private CacheMiss missFor(Request r, StoredPair... stored) {
      IdleClient.Next next = lookup(SHARED, r, at(1), stored);
      assertThat(next).isInstanceOf(CacheMiss.class);
      return (CacheMiss) next;
    }

    @Test
    void B_03_aPlainGetThatFindsNothing_mayBeCollapsed() {
      assertThat(missFor(get()).collapsible()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(
        strings = {
          "Cache-Control:no-store",
          "Cache-Control:max-age=0, no-store",
          "Range:bytes=0-10",
          "If-Match:\"x\"",
          "If-Unmodified-Since:Thu, 01 Jan 2026 00:00:00 GMT",
          "If-Range:\"x\""
        })
    void B_03_SEC_04_aMissWhoseResponseCannotServeOthers_isNotCollapsed(String field) {
      String[] nv = field.split(":", 2);
      assertThat(missFor(get(nv[0], nv[1])).collapsible()).isFalse();
    }

    @Test
    void B_03_aDirectiveThatOnlyStartsLikeNoStore_doesNotStopCollapsing() {
      // The adapter used to find "no-store" by prefix, so no-store-x stopped collapsing.
      assertThat(missFor(get("Cache-Control", "no-store-x")).collapsible()).isTrue();
    }

    @Test
    void B_03_unsafeMethodsAreNeverCollapsed() {
      IdleClient.Next next = lookup(SHARED, Fixtures.request("POST", Fixtures.URI_A), at(1));
      assertThat(((CacheMiss) next).collapsible()).isFalse();
    }
  }

  @Nested
  class NeverReusable {
    @Test
    void SEC_09_aBare404IsNotStored() {
      Reason why = notStoredReason(miss(SHARED, get(), response(404)));
      assertThat(why.id()).isEqualTo("SEC-09");
    }

    @ParameterizedTest
    @ValueSource(strings = {"max-age=0", "no-cache, max-age=60", "s-maxage=0, max-age=60"})
    void SEC_09_noLifetimeAndNoValidator_isNotStored(String cacheControl) {
      Reason why = notStoredReason(miss(SHARED, get(), ok("Cache-Control", cacheControl)));
      assertThat(why.id()).isEqualTo("SEC-09");
    }

    @Test
    void SEC_09_anExpiresNotAfterDateWithoutValidators_isNotStored() {
      Reason why = notStoredReason(miss(PRIVATE, get(), ok("Expires", date(0))));
      assertThat(why.id()).isEqualTo("SEC-09");
    }

    @ParameterizedTest
    @ValueSource(
        strings = {
          "ETag:\"v1\"",
          "Last-Modified:Thu, 01 Jan 2025 00:00:00 GMT",
        })
    void SEC_09_aValidatorMakesItWorthStoring(String field) {
      String[] nv = field.split(":", 2);
      StoredPair stored = store(SHARED, get(), ok("Cache-Control", "no-cache", nv[0], nv[1]));
      assertThat(stored.response().headers().contains(nv[0])).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"max-age=0, stale-while-revalidate=60", "max-age=0, stale-if-error=60"})
    void SEC_09_staleServingMakesItWorthStoring(String cacheControl) {
      StoredPair stored = store(SHARED, get(), ok("Cache-Control", cacheControl));
      assertThat(stored.response().status()).isEqualTo(200);
    }
  }
}
