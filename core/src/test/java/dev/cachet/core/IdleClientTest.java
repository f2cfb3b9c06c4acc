package dev.cachet.core;

import static dev.cachet.core.Fixtures.PRIVATE;
import static dev.cachet.core.Fixtures.SHARED;
import static dev.cachet.core.Fixtures.URI_A;
import static dev.cachet.core.Fixtures.URI_B;
import static dev.cachet.core.Fixtures.at;
import static dev.cachet.core.Fixtures.date;
import static dev.cachet.core.Fixtures.get;
import static dev.cachet.core.Fixtures.head;
import static dev.cachet.core.Fixtures.lookup;
import static dev.cachet.core.Fixtures.ok;
import static dev.cachet.core.Fixtures.pair;
import static dev.cachet.core.Fixtures.request;
import static dev.cachet.core.Fixtures.store;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** How a request is answered from stored responses (RFC 9111 §4, §4.2.4, §5.2.1; RFC 5861). */
class IdleClientTest {
  private final StoredPair fresh60 =
      store(get(), ok("Cache-Control", "max-age=60", "ETag", "\"e\""));

  @Nested
  class Keys {
    @Test
    void K_01_responseForOneUriIsNeverUsedForAnother() {
      StoredPair b = store(request("GET", URI_B), ok("Cache-Control", "max-age=60"));
      CacheMiss miss = (CacheMiss) lookup(get(), at(1), b);
      assertThat(miss.status().fwd()).contains(CacheStatus.Forward.URI_MISS);
      assertThat(miss.reason().id()).isEqualTo("R4-01");
    }

    @Test
    void K_01_equivalentUrisShareAKey() {
      assertThat(CacheKey.of(URI.create("HTTPS://Example.COM:443/a#top")))
          .isEqualTo(CacheKey.of(URI_A));
      assertThat(CacheKey.of(URI.create("http://example.com")))
          .isEqualTo(CacheKey.of(URI.create("http://example.com:80/")));
      assertThat(CacheKey.of(URI.create("https://example.com/a?x=1")))
          .isNotEqualTo(CacheKey.of(URI_A));
      assertThat(CacheKey.of(URI.create("http://example.com/a"))).isNotEqualTo(CacheKey.of(URI_A));
    }

    @Test
    void K_02_headIsAnsweredFromStoredGetWithoutBody() {
      FromCache hit = (FromCache) lookup(head(), at(1), fresh60);
      assertThat(hit.replayBody()).isFalse();
      assertThat(hit.response().status()).isEqualTo(200);
      assertThat(hit.pair()).contains(fresh60);
    }

    @Test
    void K_02_getIsNeverAnsweredFromStoredHead() {
      StoredPair h = store(head(), ok("Cache-Control", "max-age=60"));
      assertThat(lookup(get(), at(1), h)).isInstanceOf(CacheMiss.class);
      assertThat(lookup(head(), at(1), h)).isInstanceOf(FromCache.class);
    }
  }

  @Nested
  class Reuse {
    @Test
    void R4_01_freshStoredResponseIsReusedWithBody() {
      FromCache hit = (FromCache) lookup(get(), at(30), fresh60);
      assertThat(hit.replayBody()).isTrue();
      assertThat(hit.status().hit()).isTrue();
      assertThat(hit.status().ttl()).hasValue(30);
    }

    @Test
    void R4_01_staleStoredResponseNeedsValidation() {
      NeedRevalidation rev = (NeedRevalidation) lookup(get(), at(61), fresh60);
      assertThat(rev.reason().id()).isEqualTo("F-01");
      assertThat(rev.status().fwd()).contains(CacheStatus.Forward.STALE);
    }

    @Test
    void R4_01_noCacheStoredResponseIsValidatedEvenWhenFresh() {
      StoredPair p = store(get(), ok("Cache-Control", "no-cache, max-age=60", "ETag", "\"e\""));
      assertThat(((NeedRevalidation) lookup(get(), at(1), p)).reason().id()).isEqualTo("R4-01");
    }

    @ParameterizedTest
    @ValueSource(strings = {"POST", "PUT", "DELETE", "PATCH", "BREW", "get"})
    void R4_03_unsafeMethodsAreWrittenThrough(String method) {
      CacheMiss miss = (CacheMiss) lookup(request(method, URI_A), at(1), fresh60);
      assertThat(miss.request().method()).isEqualTo(method);
      assertThat(miss.reason().id()).isEqualTo("R4-03");
      assertThat(miss.status().fwd()).contains(CacheStatus.Forward.METHOD);
    }

    @Test
    void R4_03_safeButUncachedMethodGoesForward() {
      CacheMiss miss = (CacheMiss) lookup(request("OPTIONS", URI_A), at(1), fresh60);
      assertThat(miss.reason().id()).isEqualTo("S3-01");
    }

    @Test
    void R4_04_newestDateWinsAmongMatchingResponses() {
      StoredPair older =
          pair(
              get(),
              ok("Date", date(-100), "Cache-Control", "max-age=600", "ETag", "\"old\""),
              at(0),
              at(0));
      StoredPair newer =
          pair(
              get(),
              ok("Date", date(-10), "Cache-Control", "max-age=600", "ETag", "\"new\""),
              at(0),
              at(0));
      FromCache hit = (FromCache) lookup(get(), at(1), older, newer);
      assertThat(hit.pair()).contains(newer);
      hit = (FromCache) lookup(get(), at(1), newer, older);
      assertThat(hit.pair()).contains(newer);
    }

    @Test
    void R4_04_missingDateCountsAsResponseTime() {
      StoredPair dated =
          pair(get(), ok("Date", date(-100), "Cache-Control", "max-age=600"), at(-100), at(-100));
      StoredPair undated =
          pair(get(), Response.of(200, Headers.of("Cache-Control", "max-age=600")), at(-5), at(-5));
      assertThat(((FromCache) lookup(get(), at(1), dated, undated)).pair()).contains(undated);
    }

    @Test
    void R4_04_choosesAmongVariantsOnlyThoseThatMatch() {
      StoredPair en =
          pair(
              get("Accept-Language", "en"),
              ok("Date", date(-50), "Cache-Control", "max-age=600", "Vary", "Accept-Language"),
              at(0),
              at(0));
      StoredPair fr =
          pair(
              get("Accept-Language", "fr"),
              ok("Date", date(-1), "Cache-Control", "max-age=600", "Vary", "Accept-Language"),
              at(0),
              at(0));
      assertThat(((FromCache) lookup(get("Accept-Language", "en"), at(1), fr, en)).pair())
          .contains(en);
      assertThat(((FromCache) lookup(get("Accept-Language", "fr"), at(1), en, fr)).pair())
          .contains(fr);
    }
  }

  @Nested
  class RequestDirectives {
    @Test
    void R4_06_requestNoCacheForcesValidation() {
      NeedRevalidation rev =
          (NeedRevalidation) lookup(get("Cache-Control", "no-cache"), at(1), fresh60);
      assertThat(rev.reason().id()).isEqualTo("R4-06");
      assertThat(rev.status().fwd()).contains(CacheStatus.Forward.REQUEST);
    }

    @Test
    void R4_06_pragmaNoCacheWithoutCacheControlForcesValidation() {
      assertThat(lookup(get("Pragma", "no-cache"), at(1), fresh60))
          .isInstanceOf(NeedRevalidation.class);
    }

    @Test
    void R4_06_pragmaIsIgnoredWhenCacheControlIsPresent() {
      assertThat(lookup(get("Pragma", "no-cache", "Cache-Control", "max-stale"), at(1), fresh60))
          .isInstanceOf(FromCache.class);
    }

    @Test
    void R4_06_requestNoStoreForbidsStoring() {
      Reason why =
          Fixtures.notStoredReason(
              Fixtures.miss(
                  PRIVATE, get("Cache-Control", "no-store"), ok("Cache-Control", "max-age=60")));
      assertThat(why.id()).isEqualTo("S3-04");
    }

    /** Request directive | seconds since stored (max-age=60) | reused from cache. */
    @ParameterizedTest
    @CsvSource(
        delimiter = '|',
        value = {
          "max-age=10 | 5 | true",
          "max-age=10 | 11 | false",
          "max-age=0 | 0 | true",
          "max-age=0 | 1 | false",
          "min-fresh=30 | 20 | true", // 40 s of freshness left
          "min-fresh=30 | 40 | false", // 20 s left
          "max-stale | 1000 | true", // any staleness
          "max-stale=30 | 80 | true", // 20 s stale
          "max-stale=30 | 100 | false", // 40 s stale
          "max-stale=abc | 61 | false", // invalid value accepts none
          "max-age=abc | 5 | true", // invalid request max-age is ignored
          "'max-stale=\"30\"' | 80 | true",
        })
    void R4_07_requestFreshnessDirectives(String cc, long elapsed, boolean reused) {
      IdleClient.Next next = lookup(get("Cache-Control", cc), at(elapsed), fresh60);
      assertThat(next instanceof FromCache).isEqualTo(reused);
      if (!reused) {
        assertThat(next).isInstanceOf(NeedRevalidation.class);
      }
    }

    @Test
    void R4_07_staleServedUnderMaxStaleSaysWhy() {
      FromCache hit = (FromCache) lookup(get("Cache-Control", "max-stale"), at(100), fresh60);
      assertThat(hit.reason()).hasValueSatisfying(r -> assertThat(r.id()).isEqualTo("R4-07"));
      assertThat(hit.status().ttl()).hasValue(-40);
    }

    @Test
    void R4_08_onlyIfCached_freshIsServed() {
      assertThat(lookup(get("Cache-Control", "only-if-cached"), at(1), fresh60))
          .isInstanceOf(FromCache.class);
    }

    @Test
    void R4_08_onlyIfCached_staleGives504WithoutPair() {
      FromCache gw = (FromCache) lookup(get("Cache-Control", "only-if-cached"), at(100), fresh60);
      assertThat(gw.response().status()).isEqualTo(504);
      assertThat(gw.pair()).isEmpty();
      assertThat(gw.replayBody()).isFalse();
      assertThat(gw.reason()).hasValueSatisfying(r -> assertThat(r.id()).isEqualTo("R4-08"));
    }

    @Test
    void R4_08_onlyIfCached_nothingStoredGives504() {
      FromCache gw = (FromCache) lookup(get("Cache-Control", "only-if-cached"), at(1));
      assertThat(gw.response().status()).isEqualTo(504);
      assertThat(gw.status().hit()).isFalse();
    }

    @Test
    void R4_08_onlyIfCached_withMaxStaleServesStale() {
      FromCache hit =
          (FromCache) lookup(get("Cache-Control", "only-if-cached, max-stale"), at(100), fresh60);
      assertThat(hit.response().status()).isEqualTo(200);
    }

    @Test
    void R4_08_onlyIfCached_neverRevalidatesBehind() {
      StoredPair swr = store(get(), ok("Cache-Control", "max-age=1, stale-while-revalidate=60"));
      // Serving stale under stale-while-revalidate needs a revalidation; only-if-cached forbids it.
      FromCache gw = (FromCache) lookup(get("Cache-Control", "only-if-cached"), at(5), swr);
      assertThat(gw.response().status()).isEqualTo(504);
      assertThat(gw.pair()).isEmpty();
    }
  }

  @Nested
  class ServingStale {
    private final StoredPair swr =
        store(get(), ok("Cache-Control", "max-age=10, stale-while-revalidate=30", "ETag", "\"s\""));

    @Test
    void X_02_staleWhileRevalidate_servesAndRevalidatesBehind() {
      StaleWhileRevalidate s = (StaleWhileRevalidate) lookup(get(), at(20), swr);
      assertThat(s.serve().response().status()).isEqualTo(200);
      assertThat(s.serve().response().headers().firstValue("Age")).contains("20");
      assertThat(s.revalidate().conditionalRequest().headers().firstValue("If-None-Match"))
          .contains("\"s\"");
      assertThat(s.serve().reason()).hasValueSatisfying(r -> assertThat(r.id()).isEqualTo("X-02"));
    }

    @Test
    void X_02_beyondTheWindow_revalidatesFirst() {
      assertThat(lookup(get(), at(41), swr)).isInstanceOf(NeedRevalidation.class);
    }

    @Test
    void X_02_staleWhileRevalidateCanBeSwitchedOff() {
      CacheOptions off = CacheOptions.newBuilder().staleWhileRevalidate(false).build();
      assertThat(lookup(off, get(), at(20), swr)).isInstanceOf(NeedRevalidation.class);
    }

    @Test
    void X_02_staleIsNotServedWithoutPermission() {
      assertThat(lookup(get(), at(61), fresh60)).isInstanceOf(NeedRevalidation.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"must-revalidate", "no-cache"})
    void X_01_mustRevalidateOrNoCache_forbidStaleWhileRevalidate(String directive) {
      StoredPair p =
          store(
              get(),
              ok(
                  "Cache-Control",
                  "max-age=10, stale-while-revalidate=30, " + directive,
                  "ETag",
                  "\"e\""));
      NeedRevalidation rev = (NeedRevalidation) lookup(get(), at(20), p);
      assertThat(rev.reason().id()).isIn("X-01", "R4-01");
    }

    @Test
    void X_01_sharedCacheProxyRevalidateForbidsMaxStale() {
      StoredPair p = store(SHARED, get(), ok("Cache-Control", "max-age=10, proxy-revalidate"));
      NeedRevalidation rev =
          (NeedRevalidation) lookup(SHARED, get("Cache-Control", "max-stale"), at(20), p);
      assertThat(rev.reason().id()).isEqualTo("X-01");
    }
  }

  @Nested
  class ClientConditionals {
    private final StoredPair tagged =
        store(
            get(),
            ok(
                "Cache-Control",
                "max-age=60",
                "ETag",
                "W/\"v1\"",
                "Last-Modified",
                date(-100),
                "Content-Length",
                "3"));

    @ParameterizedTest
    @ValueSource(strings = {"W/\"v1\"", "\"v1\"", "\"x\", W/\"v1\"", "*"})
    void V_06_matchingIfNoneMatch_isAnswered304FromFreshStoredResponse(String inm) {
      FromCache hit = (FromCache) lookup(get("If-None-Match", inm), at(1), tagged);
      assertThat(hit.response().status()).isEqualTo(304);
      assertThat(hit.replayBody()).isFalse();
      assertThat(hit.response().headers().firstValue("ETag")).contains("W/\"v1\"");
      assertThat(hit.response().headers().firstValue("Age")).contains("1");
      assertThat(hit.response().headers().contains("Content-Length")).isFalse();
    }

    @Test
    void V_06_nonMatchingIfNoneMatch_getsTheFullResponse() {
      FromCache hit = (FromCache) lookup(get("If-None-Match", "\"v2\""), at(1), tagged);
      assertThat(hit.response().status()).isEqualTo(200);
      assertThat(hit.replayBody()).isTrue();
    }

    @Test
    void V_06_ifNoneMatchTakesPrecedenceOverIfModifiedSince() {
      FromCache hit =
          (FromCache)
              lookup(get("If-None-Match", "\"v2\"", "If-Modified-Since", date(0)), at(1), tagged);
      assertThat(hit.response().status()).isEqualTo(200);
    }

    @ParameterizedTest
    @CsvSource({"-100, 304", "0, 304", "-101, 200"})
    void V_06_ifModifiedSince_comparesWithLastModified(long since, int status) {
      FromCache hit = (FromCache) lookup(get("If-Modified-Since", date(since)), at(1), tagged);
      assertThat(hit.response().status()).isEqualTo(status);
    }

    @Test
    void V_06_ifModifiedSinceWithoutLastModified_usesDate() {
      // §4.3.2: without Last-Modified, the stored response's Date is used.
      StoredPair p = store(get(), ok("Date", date(-50), "Cache-Control", "max-age=600"));
      assertThat(
              ((FromCache) lookup(get("If-Modified-Since", date(-10)), at(1), p))
                  .response()
                  .status())
          .isEqualTo(304);
      assertThat(
              ((FromCache) lookup(get("If-Modified-Since", date(-60)), at(1), p))
                  .response()
                  .status())
          .isEqualTo(200);
    }

    @Test
    void V_06_invalidIfModifiedSince_isIgnored() {
      FromCache hit = (FromCache) lookup(get("If-Modified-Since", "yesterday"), at(1), tagged);
      assertThat(hit.response().status()).isEqualTo(200);
    }

    @Test
    void V_06_headWithMatchingCondition_is304Too() {
      FromCache hit = (FromCache) lookup(head("If-None-Match", "\"v1\""), at(1), tagged);
      assertThat(hit.response().status()).isEqualTo(304);
    }
  }

  @Test
  void forClientIsPrivate_forServerIsShared() {
    assertThat(IdleClient.forClient().options().shared()).isFalse();
    assertThat(IdleClient.forServer().options().shared()).isTrue();
  }

  @Test
  void reasonsNameChecklistIdSectionAndPhrase() {
    CacheMiss miss =
        (CacheMiss) lookup(get(), at(1), List.<StoredPair>of().toArray(new StoredPair[0]));
    assertThat(miss.reason())
        .isEqualTo(new Reason("R4-01", "RFC 9111 §4", "nothing stored for this URI and method"));
    assertThat(miss.reason().toString()).isEqualTo("R4-01 nothing stored for this URI and method");
  }

  /**
   * B-04 (range requests from a complete stored 200) is the adapter's (issue 4): core answers a
   * request with {@code Range} from the complete stored 200 and never stores a 206 (S3-03).
   */
  @Test
  void B_04_rangeRequest_isAnsweredFromTheCompleteStored200() {
    FromCache hit = (FromCache) lookup(get("Range", "bytes=0-1"), at(1), fresh60);
    assertThat(hit.response().status()).isEqualTo(200);
    assertThat(hit.replayBody()).isTrue();
    Reason why =
        Fixtures.notStoredReason(
            Fixtures.miss(
                PRIVATE,
                get("Range", "bytes=0-1"),
                Fixtures.response(
                    206, "Cache-Control", "max-age=60", "Content-Range", "bytes 0-1/10")));
    assertThat(why.id()).isEqualTo("S3-03");
  }
}
