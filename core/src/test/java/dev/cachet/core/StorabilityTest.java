package dev.cachet.core;

import static dev.cachet.core.Fixtures.PRIVATE;
import static dev.cachet.core.Fixtures.SHARED;
import static dev.cachet.core.Fixtures.URI_A;
import static dev.cachet.core.Fixtures.at;
import static dev.cachet.core.Fixtures.get;
import static dev.cachet.core.Fixtures.lookup;
import static dev.cachet.core.Fixtures.miss;
import static dev.cachet.core.Fixtures.notStoredReason;
import static dev.cachet.core.Fixtures.ok;
import static dev.cachet.core.Fixtures.request;
import static dev.cachet.core.Fixtures.response;
import static dev.cachet.core.Fixtures.store;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Whether a response is stored, and in what form (RFC 9111 §3, §3.5, §5.2.2). */
class StorabilityTest {

  @Nested
  class Methods {
    @ParameterizedTest
    @ValueSource(strings = {"GET", "HEAD"})
    void S3_01_getAndHeadAreStoredByDefault(String method) {
      StoredPair p = store(request(method, URI_A), ok("Cache-Control", "max-age=60"));
      assertThat(p.request().method()).isEqualTo(method);
    }

    @ParameterizedTest
    @ValueSource(strings = {"OPTIONS", "TRACE", "POST", "PUT", "PATCH", "DELETE", "BREW"})
    void S3_01_otherMethodsAreNeverStored(String method) {
      CacheMiss.Next next =
          miss(PRIVATE, request(method, URI_A), ok("Cache-Control", "max-age=60"));
      assertThat(notStoredReason(next).id()).isEqualTo("S3-01");
    }

    @Test
    void O_04_postWithFreshnessAndItsOwnContentLocation_answersALaterGet_whenEnabled() {
      CacheOptions posts = CacheOptions.newBuilder().reusePostResponses(true).build();
      Response r = ok("Cache-Control", "max-age=60", "Content-Location", "/a");
      CacheMiss.Next next = miss(posts, request("POST", URI_A), r);
      assertThat(next).isInstanceOf(InvalidatePairs.class);
      InvalidatePairs inv = (InvalidatePairs) next;
      assertThat(inv.keys()).contains(CacheKey.of(URI_A));
      StoredPair stored = ((StoreAndUse) inv.next()).pair();
      assertThat(stored.request().method()).isEqualTo("GET");
      assertThat(lookup(posts, get(), at(10), stored)).isInstanceOf(FromCache.class);
    }

    @ParameterizedTest
    @CsvSource(
        delimiter = '|',
        value = {
          "true  | max-age=60 | /b", // another resource's representation
          "true  | ''         | /a", // no explicit freshness
          "false | max-age=60 | /a", // off by default
        })
    void O_04_otherPostResponses_areNotStored(
        boolean enabled, String cacheControl, String location) {
      CacheOptions options = CacheOptions.newBuilder().reusePostResponses(enabled).build();
      Response r =
          cacheControl.isEmpty()
              ? ok("Content-Location", location)
              : ok("Cache-Control", cacheControl, "Content-Location", location);
      assertThat(notStoredReason(miss(options, request("POST", URI_A), r)).id()).isEqualTo("S3-01");
    }

    @Test
    void S3_01_methodNotConfigured_isNotStored() {
      CacheOptions getOnly = CacheOptions.newBuilder().cacheableMethods(Set.of("GET")).build();
      CacheMiss.Next next =
          miss(getOnly, request("HEAD", URI_A), ok("Cache-Control", "max-age=60"));
      assertThat(notStoredReason(next).id()).isEqualTo("S3-01");
    }
  }

  @Nested
  class Statuses {
    @ParameterizedTest
    @ValueSource(ints = {100, 101, 103, 199})
    void S3_02_nonFinalResponse_isNotStored(int status) {
      Reason why =
          notStoredReason(miss(PRIVATE, get(), response(status, "Cache-Control", "max-age=60")));
      assertThat(why.id()).isEqualTo("S3-02");
    }

    @ParameterizedTest
    @ValueSource(ints = {206, 304, 600, 999})
    void S3_03_partialNotModifiedOrInvalidStatus_isNotStored(int status) {
      Reason why =
          notStoredReason(miss(PRIVATE, get(), response(status, "Cache-Control", "max-age=60")));
      assertThat(why.id()).isEqualTo("S3-03");
      assertThat(why.section()).isEqualTo("RFC 9111 §3");
    }

    @Test
    void S3_03_mustUnderstandWithUnknownStatus_isNotStored() {
      Reason why =
          notStoredReason(
              miss(PRIVATE, get(), response(299, "Cache-Control", "must-understand, no-store")));
      assertThat(why.id()).isEqualTo("S3-03");
    }

    @ParameterizedTest
    @ValueSource(ints = {299, 418, 499, 599})
    void O_01_unknownStatusWithExplicitFreshness_isStoredAndReused(int status) {
      StoredPair p = store(get(), response(status, "Cache-Control", "max-age=60"));
      FromCache hit = (FromCache) lookup(get(), at(10), p);
      assertThat(hit.response().status()).isEqualTo(status);
    }

    @Test
    void O_01_unknownStatusThatIsPublic_getsHeuristicFreshness() {
      StoredPair p =
          store(
              get(),
              response(299, "Cache-Control", "public", "Last-Modified", Fixtures.date(-100_000)));
      assertThat(lookup(get(), at(10), p)).isInstanceOf(FromCache.class);
    }

    @Test
    void O_01_unknownStatusWithoutFreshness_isNotStored() {
      Reason why = notStoredReason(miss(PRIVATE, get(), response(299, "ETag", "\"e\"")));
      assertThat(why.id()).isEqualTo("S3-07");
    }

    @Test
    void S3_04_mustUnderstandWithUnderstoodStatus_ignoresNoStore() {
      StoredPair p = store(get(), ok("Cache-Control", "max-age=60, must-understand, no-store"));
      assertThat(p.response().status()).isEqualTo(200);
    }
  }

  @Nested
  class NoStore {
    @Test
    void S3_04_noStoreInResponse_isNotStored() {
      Reason why =
          notStoredReason(miss(PRIVATE, get(), ok("Cache-Control", "max-age=60, no-store")));
      assertThat(why)
          .isEqualTo(new Reason("S3-04", "RFC 9111 §5.2.2.5", "no-store in the response"));
    }

    @Test
    void S3_04_noStoreInRequest_isNotStored() {
      Reason why =
          notStoredReason(
              miss(PRIVATE, get("Cache-Control", "no-store"), ok("Cache-Control", "max-age=60")));
      assertThat(why.id()).isEqualTo("S3-04");
      assertThat(why.section()).isEqualTo("RFC 9111 §5.2.1.5");
    }
  }

  @Nested
  class SharedCache {
    @Test
    void S3_05_sharedCacheDoesNotStorePrivate() {
      Reason why = notStoredReason(miss(SHARED, get(), ok("Cache-Control", "private, max-age=60")));
      assertThat(why.id()).isEqualTo("S3-05");
    }

    @Test
    void S3_05_privateCacheStoresPrivate() {
      assertThat(
              store(PRIVATE, get(), ok("Cache-Control", "private", "ETag", "\"e\""))
                  .response()
                  .status())
          .isEqualTo(200);
    }

    @Test
    void S3_06_authorizationWithoutPermission_isNotStoredInSharedCache() {
      Reason why =
          notStoredReason(
              miss(SHARED, get("Authorization", "Bearer x"), ok("Cache-Control", "max-age=60")));
      assertThat(why.id()).isEqualTo("S3-06");
      assertThat(why.section()).isEqualTo("RFC 9111 §3.5");
    }

    @ParameterizedTest
    @ValueSource(strings = {"public", "must-revalidate, max-age=60", "s-maxage=60"})
    void S3_06_authorizationWithPermission_isStoredInSharedCache(String cc) {
      StoredPair p =
          store(SHARED, get("Authorization", "Bearer x"), ok("Cache-Control", cc, "ETag", "\"e\""));
      assertThat(p.request().headers().contains("Authorization")).isTrue();
    }

    @Test
    void S3_06_privateCacheStoresAuthorizedResponses() {
      store(PRIVATE, get("Authorization", "Bearer x"), ok("Cache-Control", "max-age=60"));
    }

    @Test
    void S3_11_authorizedResponseWithoutPermission_neverServesUnauthorizedRequest() {
      // Stored by a private cache's rules, then looked up by a shared one: the lookup itself must
      // refuse it.
      StoredPair p =
          store(PRIVATE, get("Authorization", "Bearer x"), ok("Cache-Control", "max-age=60"));
      assertThat(lookup(SHARED, get(), at(1), p)).isInstanceOf(CacheMiss.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"public, max-age=60", "s-maxage=60", "must-revalidate, max-age=60"})
    void S3_11_authorizedResponseWithPermission_servesOtherRequests(String cc) {
      StoredPair p = store(SHARED, get("Authorization", "Bearer x"), ok("Cache-Control", cc));
      assertThat(lookup(SHARED, get(), at(1), p)).isInstanceOf(FromCache.class);
    }

    @Test
    void S3_11_privateCacheServesItsOwnAuthorizedResponses() {
      StoredPair p = store(get("Authorization", "Bearer x"), ok("Cache-Control", "max-age=60"));
      assertThat(lookup(get(), at(1), p)).isInstanceOf(FromCache.class);
    }

    @Test
    void S3_09_sharedCacheDropsFieldsNamedByQualifiedPrivate() {
      StoredPair p =
          store(
              SHARED,
              get(),
              ok(
                  "Cache-Control",
                  "max-age=60, private=\"Set-Cookie, X-User\"",
                  "Set-Cookie",
                  "a=b",
                  "X-User",
                  "u",
                  "X-Other",
                  "o"));
      assertThat(p.response().headers().names()).doesNotContain("set-cookie", "x-user");
      assertThat(p.response().headers().names()).contains("x-other");
    }

    @Test
    void S3_09_privateCacheKeepsFieldsNamedByQualifiedPrivate() {
      StoredPair p =
          store(
              PRIVATE,
              get(),
              ok("Cache-Control", "max-age=60, private=\"Set-Cookie\"", "Set-Cookie", "a=b"));
      assertThat(p.response().headers().contains("Set-Cookie")).isTrue();
    }

    @Test
    void S3_09_fieldsNamedByQualifiedNoCache_areNotServedWithoutRevalidation() {
      StoredPair p =
          store(
              get(),
              ok("Cache-Control", "max-age=60, no-cache=\"Set-Cookie\"", "Set-Cookie", "a=b"));
      FromCache hit = (FromCache) lookup(get(), at(1), p);
      assertThat(hit.response().headers().contains("Set-Cookie")).isFalse();
      assertThat(hit.response().headers().contains("Cache-Control")).isTrue();
    }

    @Test
    void S3_09_SEC_02_fieldsNamedByQualifiedNoCache_areServedOnlyFromTheValidatingResponse() {
      StoredPair p =
          store(
              get(),
              ok(
                  "Cache-Control",
                  "max-age=1, no-cache=\"Set-Cookie\"",
                  "Set-Cookie",
                  "a=b",
                  "ETag",
                  "\"e\""));
      NeedRevalidation rev = (NeedRevalidation) lookup(get(), at(5), p);
      assertThat(p.response().headers().contains("Set-Cookie")).isFalse();
      NeedRevalidation.Next next =
          rev.next(
              response(304, "ETag", "\"e\"", "Set-Cookie", "c=d"), at(5), at(5), Fixtures.newId());
      FromCache hit = ((NeedToBeUpdated) next).next();
      assertThat(hit.response().headers().allValues("Set-Cookie")).containsExactly("c=d");
      NeedRevalidation.Next without =
          rev.next(response(304, "ETag", "\"e\""), at(5), at(5), Fixtures.newId());
      assertThat(((NeedToBeUpdated) without).next().response().headers().contains("Set-Cookie"))
          .isFalse();
    }
  }

  @Nested
  class Freshness {
    @ParameterizedTest
    @CsvSource(
        delimiter = '|',
        value = {
          "200 | Expires: Thu, 01 Jan 2026 00:01:00 GMT",
          "201 | Cache-Control: max-age=60",
          "302 | Cache-Control: public",
          "500 | Cache-Control: max-age=60",
          "200 | Cache-Control: private",
          "404 | ''",
          "200 | ''",
          "301 | ''",
          "501 | ''",
        })
    void S3_07_explicitFreshnessOrPublicOrHeuristicStatus_isStored(int status, String header) {
      // With a validator: SEC-09 would refuse a response that could never be reused.
      Response r =
          header.isEmpty() ? response(status, "ETag", "\"e\"") : responseWith(status, header);
      assertThat(store(get(), r).response().status()).isEqualTo(status);
    }

    @ParameterizedTest
    @ValueSource(ints = {201, 202, 302, 303, 307, 400, 403, 500, 502, 503})
    void S3_07_noFreshnessAndStatusNotHeuristic_isNotStored(int status) {
      Reason why = notStoredReason(miss(PRIVATE, get(), response(status)));
      assertThat(why.id()).isEqualTo("S3-07");
    }

    @Test
    void S3_07_sMaxageCountsOnlyInSharedCache() {
      assertThat(store(SHARED, get(), response(201, "Cache-Control", "s-maxage=60"))).isNotNull();
      assertThat(
              notStoredReason(miss(PRIVATE, get(), response(201, "Cache-Control", "s-maxage=60")))
                  .id())
          .isEqualTo("S3-07");
    }

    @Test
    void S3_07_privateCountsOnlyInPrivateCache() {
      assertThat(store(PRIVATE, get(), response(201, "Cache-Control", "private", "ETag", "\"e\"")))
          .isNotNull();
    }

    private Response responseWith(int status, String header) {
      int colon = header.indexOf(':');
      return response(
          status,
          header.substring(0, colon).trim(),
          header.substring(colon + 1).trim(),
          "ETag",
          "\"e\"");
    }
  }

  @Nested
  class Completeness {
    @Test
    void S3_10_storeAndUseKeepsContentLengthForTheAdapterToCheck() {
      StoreAndUse st =
          (StoreAndUse)
              miss(PRIVATE, get(), ok("Cache-Control", "max-age=60", "Content-Length", "5"));
      assertThat(st.pair().response().headers().firstValue("Content-Length")).contains("5");
    }

    @Test
    void S3_10_declaredLengthAboveMaximum_isNotStored() {
      CacheOptions small = CacheOptions.newBuilder().maximumBodySize(4).build();
      Reason why =
          notStoredReason(
              miss(small, get(), ok("Cache-Control", "max-age=60", "Content-Length", "5")));
      assertThat(why.id()).isEqualTo("CFG");
    }
  }

  @Test
  void R4_05_varyStar_isNotStored() {
    Reason why =
        notStoredReason(miss(PRIVATE, get(), ok("Cache-Control", "max-age=60", "Vary", "*")));
    assertThat(why.id()).isEqualTo("R4-05");
  }

  @Test
  void S3_08_storedFormHasNoHopByHopFields() {
    StoredPair p =
        store(
            get(),
            ok(
                "Cache-Control",
                "max-age=60",
                "Connection",
                "X-Secret, close",
                "X-Secret",
                "s",
                "Keep-Alive",
                "timeout=5",
                "Transfer-Encoding",
                "chunked",
                "Upgrade",
                "h2c",
                "Proxy-Connection",
                "keep-alive",
                "TE",
                "trailers",
                "X-Kept",
                "k"));
    assertThat(p.response().headers().names())
        .containsExactlyInAnyOrder("cache-control", "x-kept", "date");
  }

  @Test
  void everyNotStoredOutcome_carriesItsReasonInCacheStatusDetail() {
    CouldNotBeStored no = (CouldNotBeStored) miss(SHARED, get(), ok("Cache-Control", "private"));
    assertThat(no.status().detail()).contains("S3-05 private response in a shared cache");
    assertThat(no.status().stored()).isFalse();
    assertThat(List.of(no.reason().id(), no.reason().section()))
        .containsExactly("S3-05", "RFC 9111 §5.2.2.7");
  }
}
