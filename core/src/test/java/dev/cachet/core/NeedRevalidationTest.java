package dev.cachet.core;

import static dev.cachet.core.Fixtures.PRIVATE;
import static dev.cachet.core.Fixtures.at;
import static dev.cachet.core.Fixtures.date;
import static dev.cachet.core.Fixtures.get;
import static dev.cachet.core.Fixtures.head;
import static dev.cachet.core.Fixtures.lookup;
import static dev.cachet.core.Fixtures.newId;
import static dev.cachet.core.Fixtures.ok;
import static dev.cachet.core.Fixtures.pair;
import static dev.cachet.core.Fixtures.response;
import static dev.cachet.core.Fixtures.store;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Validation (RFC 9111 §4.3) and serving stale on errors (§4.2.4, RFC 5861 §4). */
class NeedRevalidationTest {

  private static StoredPair variant(String lang, String etag, long dateSeconds) {
    return pair(
        get("Accept-Language", lang),
        ok(
            "Date",
            date(dateSeconds),
            "Cache-Control",
            "max-age=1",
            "ETag",
            etag,
            "Vary",
            "Accept-Language"),
        at(dateSeconds),
        at(dateSeconds));
  }

  private static NeedRevalidation revalidate(Request r, long now, StoredPair... stored) {
    IdleClient.Next next = lookup(r, at(now), stored);
    assertThat(next).isInstanceOf(NeedRevalidation.class);
    return (NeedRevalidation) next;
  }

  @Nested
  class ConditionalRequest {
    @Test
    void V_01_ifNoneMatchCarriesTheTagsOfAllStoredResponsesForTheKey() {
      StoredPair en = variant("en", "\"en1\"", 0);
      StoredPair fr = variant("fr", "W/\"fr1\"", 0);
      NeedRevalidation rev = revalidate(get("Accept-Language", "en"), 10, en, fr);
      assertThat(rev.conditionalRequest().headers().listValues("If-None-Match"))
          .containsExactlyInAnyOrder("\"en1\"", "W/\"fr1\"");
      assertThat(rev.nominated()).containsExactlyInAnyOrder(en, fr);
      assertThat(rev.selected()).isEqualTo(en);
    }

    @Test
    void V_01_ifModifiedSinceFromLastModified() {
      StoredPair p = store(get(), ok("Cache-Control", "max-age=1", "Last-Modified", date(-500)));
      NeedRevalidation rev = revalidate(get(), 10, p);
      assertThat(rev.conditionalRequest().headers().allValues("If-Modified-Since"))
          .containsExactly(date(-500));
      assertThat(rev.conditionalRequest().headers().contains("If-None-Match")).isFalse();
    }

    @Test
    void V_01_clientPreconditionsAreReplacedByTheCachesOwn() {
      StoredPair p = store(get(), ok("Cache-Control", "max-age=1", "ETag", "\"mine\""));
      NeedRevalidation rev = revalidate(get("If-None-Match", "\"client\"", "X-Keep", "1"), 10, p);
      assertThat(rev.conditionalRequest().headers().allValues("If-None-Match"))
          .containsExactly("\"mine\"");
      assertThat(rev.conditionalRequest().headers().firstValue("X-Keep")).contains("1");
      assertThat(rev.conditionalRequest().method()).isEqualTo("GET");
    }

    @ParameterizedTest
    @ValueSource(strings = {"*", "abc", "\"unterminated", "W/", "\"a\"b\"", "\"a b\""})
    void V_01_malformedEtag_isNotAValidator(String etag) {
      // An If-None-Match: * built from a stored "ETag: *" would make any representation match.
      StoredPair p = store(get(), ok("Cache-Control", "max-age=1", "ETag", etag));
      NeedRevalidation rev = revalidate(get(), 10, p);
      assertThat(rev.conditionalRequest().headers().contains("If-None-Match")).isFalse();
    }

    @Test
    void V_01_noValidators_sendsThePlainRequest() {
      StoredPair p = store(get(), ok("Cache-Control", "max-age=1"));
      NeedRevalidation rev = revalidate(get(), 10, p);
      assertThat(rev.conditionalRequest()).isEqualTo(get());
    }
  }

  @Nested
  class NotModified {
    @Test
    void V_02_strongTagFreshensEveryStoredResponseWithIt() {
      StoredPair a =
          pair(
              get(),
              ok("Date", date(0), "Cache-Control", "max-age=1", "ETag", "\"x\""),
              at(0),
              at(0));
      StoredPair b =
          pair(
              get(),
              ok("Date", date(1), "Cache-Control", "max-age=1", "ETag", "\"x\""),
              at(1),
              at(1));
      StoredPair c =
          pair(
              get(),
              ok("Date", date(2), "Cache-Control", "max-age=1", "ETag", "\"y\""),
              at(2),
              at(2));
      NeedRevalidation rev = revalidate(get(), 10, a, b, c);
      NeedToBeUpdated up =
          (NeedToBeUpdated)
              rev.next(response(304, "Date", date(10), "ETag", "\"x\""), at(10), at(10), newId());
      assertThat(up.updated()).extracting(StoredPair::id).containsExactlyInAnyOrder(a.id(), b.id());
      assertThat(up.updated()).allSatisfy(p -> assertThat(p.responseTime()).isEqualTo(at(10)));
    }

    @Test
    void V_02_weakTagFreshensTheMostRecentMatch() {
      StoredPair a =
          pair(
              get(),
              ok("Date", date(0), "Cache-Control", "max-age=1", "ETag", "W/\"x\""),
              at(0),
              at(0));
      StoredPair b =
          pair(
              get(),
              ok("Date", date(3), "Cache-Control", "max-age=1", "ETag", "W/\"x\""),
              at(3),
              at(3));
      NeedRevalidation rev = revalidate(get(), 10, a, b);
      NeedToBeUpdated up =
          (NeedToBeUpdated)
              rev.next(response(304, "Date", date(10), "ETag", "W/\"x\""), at(10), at(10), newId());
      assertThat(up.updated()).extracting(StoredPair::id).containsExactly(b.id());
    }

    @Test
    void V_02_lastModifiedFreshensTheMostRecentWithIt() {
      StoredPair a =
          pair(
              get(),
              ok("Date", date(0), "Cache-Control", "max-age=1", "Last-Modified", date(-9)),
              at(0),
              at(0));
      StoredPair b =
          pair(
              get(),
              ok("Date", date(2), "Cache-Control", "max-age=1", "Last-Modified", date(-5)),
              at(2),
              at(2));
      NeedRevalidation rev = revalidate(get(), 10, a, b);
      NeedToBeUpdated up =
          (NeedToBeUpdated)
              rev.next(
                  response(304, "Date", date(10), "Last-Modified", date(-9)),
                  at(10),
                  at(10),
                  newId());
      assertThat(up.updated()).extracting(StoredPair::id).containsExactly(a.id());
    }

    @Test
    void V_02_noValidatorAndSingleStoredResponse_freshensIt() {
      StoredPair p = store(get(), ok("Cache-Control", "max-age=1"));
      NeedRevalidation rev = revalidate(get(), 10, p);
      NeedToBeUpdated up =
          (NeedToBeUpdated)
              rev.next(
                  response(304, "Date", date(10), "Cache-Control", "max-age=60"),
                  at(10),
                  at(10),
                  newId());
      assertThat(up.updated()).singleElement().satisfies(u -> assertThat(u.id()).isEqualTo(p.id()));
      assertThat(up.next().response().headers().firstValue("Cache-Control")).contains("max-age=60");
      assertThat(up.next().response().headers().firstValue("Age")).contains("0");
    }

    @Test
    void O_08_a304WithoutValidators_doesNotUpdateAResponseWithAnEntityTag() {
      StoredPair p = store(get(), ok("Cache-Control", "max-age=1", "ETag", "\"x\""));
      NeedRevalidation.Next next =
          revalidate(get(), 10, p)
              .next(response(304, "Cache-Control", "max-age=60"), at(10), at(10), newId());
      assertThat(next).isInstanceOf(CacheMiss.class);
      assertThat(((CacheMiss) next).reason().id()).isEqualTo("V-02");
    }

    @Test
    void O_08_a304WithAGarbledValidator_updatesNothing() {
      StoredPair p = store(get(), ok("Cache-Control", "max-age=1", "Last-Modified", date(-3600)));
      NeedRevalidation.Next next =
          revalidate(get(), 10, p)
              .next(
                  response(304, "Last-Modified", "garbage", "Cache-Control", "max-age=60"),
                  at(10),
                  at(10),
                  newId());
      assertThat(next).isInstanceOf(CacheMiss.class);
    }

    @Test
    void O_08_a304WithoutValidators_afterIfNoneMatch_saysNothingOfALastModifiedOnlyResponse() {
      // With If-None-Match sent, the origin ignored If-Modified-Since (RFC 9110 §13.2.2).
      StoredPair en = variant("en", "\"en1\"", 0);
      StoredPair fr =
          pair(
              get("Accept-Language", "fr"),
              ok(
                  "Date",
                  date(0),
                  "Cache-Control",
                  "max-age=1",
                  "Last-Modified",
                  date(-3600),
                  "Vary",
                  "Accept-Language"),
              at(0),
              at(0));
      NeedRevalidation rev = revalidate(get("Accept-Language", "fr"), 10, en, fr);
      assertThat(rev.conditionalRequest().headers().contains("If-None-Match")).isTrue();
      assertThat(rev.next(response(304), at(10), at(10), newId())).isInstanceOf(CacheMiss.class);
    }

    @Test
    void O_08_a304ThatDoesNotRepeatLastModified_updatesTheOneItWasAskedAbout() {
      // RFC 9110 §15.4.5: a 304 need not carry Last-Modified.
      StoredPair p = store(get(), ok("Cache-Control", "max-age=1", "Last-Modified", date(-3600)));
      NeedToBeUpdated up =
          (NeedToBeUpdated)
              revalidate(get(), 10, p)
                  .next(response(304, "Cache-Control", "max-age=60"), at(10), at(10), newId());
      assertThat(up.updated()).singleElement().satisfies(u -> assertThat(u.id()).isEqualTo(p.id()));
      assertThat(up.updated().get(0).response().headers().firstValue("Last-Modified"))
          .contains(date(-3600));
    }

    @Test
    void V_02_strongTagMatchingNothing_updatesNothingAndGoesForward() {
      StoredPair p = store(get(), ok("Cache-Control", "max-age=1", "ETag", "\"x\""));
      NeedRevalidation rev = revalidate(get(), 10, p);
      CacheMiss miss =
          (CacheMiss) rev.next(response(304, "ETag", "\"z\""), at(10), at(10), newId());
      assertThat(miss.reason().id()).isEqualTo("V-02");
      assertThat(miss.request()).isEqualTo(get());
    }

    @Test
    void V_02_onlyStoredResponsesThatCouldHaveBeenChosenAreFreshened() {
      // §4.3.4: the initial set is the responses that match the request's Vary fields.
      StoredPair en = variant("en", "\"same\"", 0);
      StoredPair fr = variant("fr", "\"same\"", 0);
      NeedRevalidation rev = revalidate(get("Accept-Language", "en"), 10, en, fr);
      NeedToBeUpdated up =
          (NeedToBeUpdated)
              rev.next(
                  response(304, "Date", date(10), "ETag", "\"same\""), at(10), at(10), newId());
      assertThat(up.updated()).extracting(StoredPair::id).containsExactly(en.id());
    }

    @Test
    void V_02_304ForAnotherVariantsTag_updatesNothing() {
      StoredPair en = variant("en", "\"en1\"", 0);
      StoredPair fr = variant("fr", "\"fr1\"", 0);
      NeedRevalidation rev = revalidate(get("Accept-Language", "en"), 10, en, fr);
      assertThat(rev.next(response(304, "ETag", "\"fr1\""), at(10), at(10), newId()))
          .isInstanceOf(CacheMiss.class);
    }

    @Test
    void V_02_bodyIsTheStoredOne() {
      StoredPair p = store(get(), ok("Cache-Control", "max-age=1", "ETag", "\"x\""));
      FromCache hit =
          ((NeedToBeUpdated)
                  revalidate(get(), 10, p)
                      .next(response(304, "ETag", "\"x\""), at(10), at(10), newId()))
              .next();
      assertThat(hit.replayBody()).isTrue();
      assertThat(hit.pair()).hasValueSatisfying(s -> assertThat(s.id()).isEqualTo(p.id()));
      assertThat(hit.status().fwdStatus()).hasValue(304);
    }

    @Test
    void V_02_304WithoutDate_isDatedWhenReceived() {
      // RFC 9110 §6.6.1: a cache records a Date for a response that lacks one. Without it the
      // stored Date stays old and the freshened response would be stale at once.
      StoredPair p = store(get(), ok("Cache-Control", "max-age=1", "ETag", "\"x\""));
      NeedToBeUpdated up =
          (NeedToBeUpdated)
              revalidate(get(), 1000, p)
                  .next(
                      Response.of(304, Headers.of("ETag", "\"x\"", "Cache-Control", "max-age=60")),
                      at(1000),
                      at(1000),
                      newId());
      StoredPair fresh = up.updated().get(0);
      assertThat(lookup(get(), at(1010), fresh)).isInstanceOf(FromCache.class);
      assertThat(up.next().response().headers().firstValue("Age")).contains("0");
    }

    @Test
    void V_02_clientsOwnConditionIsAnsweredAfterThe304() {
      StoredPair p = store(get(), ok("Cache-Control", "max-age=1", "ETag", "\"x\""));
      NeedRevalidation rev = revalidate(get("If-None-Match", "\"x\""), 10, p);
      FromCache hit =
          ((NeedToBeUpdated) rev.next(response(304, "ETag", "\"x\""), at(10), at(10), newId()))
              .next();
      assertThat(hit.response().status()).isEqualTo(304);
      assertThat(hit.replayBody()).isFalse();
    }
  }

  @Nested
  class FullResponse {
    @Test
    void V_03_fullResponseReplacesTheStoredOnesOfItsVariant() {
      StoredPair en = variant("en", "\"en1\"", 0);
      StoredPair fr = variant("fr", "\"fr1\"", 0);
      NeedRevalidation rev = revalidate(get("Accept-Language", "en"), 10, en, fr);
      InvalidatePairs inv =
          (InvalidatePairs)
              rev.next(
                  ok(
                      "Date",
                      date(10),
                      "Cache-Control",
                      "max-age=60",
                      "ETag",
                      "\"en2\"",
                      "Vary",
                      "Accept-Language"),
                  at(10),
                  at(10),
                  newId());
      assertThat(inv.pairs()).containsExactly(en);
      assertThat(inv.next()).isInstanceOf(StoreAndUse.class);
    }

    @Test
    void V_04_5xxWithoutStaleIfError_isForwardedAndKeepsStored() {
      StoredPair p = store(get(), ok("Cache-Control", "max-age=1"));
      NeedRevalidation.Next next =
          revalidate(get(), 10, p).next(response(502), at(10), at(10), newId());
      assertThat(next).isInstanceOf(CouldNotBeStored.class);
      assertThat(((CouldNotBeStored) next).response().status()).isEqualTo(502);
    }

    @ParameterizedTest
    @ValueSource(ints = {501, 505, 599})
    void V_04_other5xx_isForwardedWithoutInvalidating(int status) {
      // §4.3.3: on a 5xx the cache forwards it or acts as if the server failed to respond.
      StoredPair p = store(get(), ok("Cache-Control", "max-age=1"));
      NeedRevalidation.Next next =
          revalidate(get(), 10, p).next(response(status), at(10), at(10), newId());
      assertThat(next).isNotInstanceOf(InvalidatePairs.class);
    }

    @ParameterizedTest
    @ValueSource(ints = {500, 502, 503, 504})
    void V_04_staleIfError_servesStaleOnTheseErrors(int status) {
      StoredPair p = store(get(), ok("Cache-Control", "max-age=1, stale-if-error=60"));
      FromCache hit =
          (FromCache) revalidate(get(), 10, p).next(response(status), at(10), at(10), newId());
      assertThat(hit.response().status()).isEqualTo(200);
      assertThat(hit.reason()).hasValueSatisfying(r -> assertThat(r.id()).isEqualTo("X-02"));
      assertThat(hit.status().fwdStatus()).hasValue(status);
    }

    @Test
    void X_02_staleIfErrorWindowEnds() {
      StoredPair p = store(get(), ok("Cache-Control", "max-age=1, stale-if-error=5"));
      assertThat(revalidate(get(), 10, p).next(response(503), at(10), at(10), newId()))
          .isInstanceOf(CouldNotBeStored.class);
    }

    @Test
    void X_02_requestStaleIfErrorAlsoAllows() {
      StoredPair p = store(get(), ok("Cache-Control", "max-age=1"));
      assertThat(
              revalidate(get("Cache-Control", "stale-if-error=60"), 10, p)
                  .next(response(503), at(10), at(10), newId()))
          .isInstanceOf(FromCache.class);
    }

    @Test
    void X_02_staleIfErrorCanBeSwitchedOff() {
      CacheOptions off = CacheOptions.newBuilder().staleIfError(false).build();
      StoredPair p = store(get(), ok("Cache-Control", "max-age=1, stale-if-error=60"));
      NeedRevalidation rev = (NeedRevalidation) lookup(off, get(), at(10), p);
      assertThat(rev.next(response(503), at(10), at(10), newId()))
          .isInstanceOf(CouldNotBeStored.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"must-revalidate", "no-cache"})
    void X_01_mustRevalidateForbidsStaleIfError(String directive) {
      StoredPair p =
          store(
              get(),
              ok("Cache-Control", "max-age=1, stale-if-error=60, " + directive, "ETag", "\"e\""));
      NeedRevalidation rev = revalidate(get(), 10, p);
      assertThat(rev.next(response(503), at(10), at(10), newId()))
          .isInstanceOf(CouldNotBeStored.class);
      assertThat(rev.onOriginUnreachable(at(10))).isEmpty();
    }

    @Test
    void X_01_mustRevalidateForbidsRequestStaleIfErrorToo() {
      StoredPair p = store(get(), ok("Cache-Control", "max-age=1, must-revalidate"));
      NeedRevalidation rev = revalidate(get("Cache-Control", "stale-if-error=60"), 10, p);
      assertThat(rev.next(response(503), at(10), at(10), newId()))
          .isInstanceOf(CouldNotBeStored.class);
    }
  }

  @Nested
  class Unreachable {
    @Test
    void X_02_unreachableOriginWithStaleIfError_servesStale() {
      StoredPair p = store(get(), ok("Cache-Control", "max-age=1, stale-if-error=60"));
      assertThat(revalidate(get(), 10, p).onOriginUnreachable(at(10))).isPresent();
    }

    @Test
    void X_02_unreachableOriginWithoutPermission_servesNothing() {
      StoredPair p = store(get(), ok("Cache-Control", "max-age=1"));
      assertThat(revalidate(get(), 10, p).onOriginUnreachable(at(10))).isEmpty();
    }

    @Test
    void X_02_unreachableOriginOption_servesStaleWhenNothingForbids() {
      CacheOptions opt = CacheOptions.newBuilder().serveStaleWhenOriginUnreachable(true).build();
      StoredPair p = store(opt, get(), ok("Cache-Control", "max-age=1"));
      NeedRevalidation rev = (NeedRevalidation) lookup(opt, get(), at(10), p);
      FromCache stale = rev.onOriginUnreachable(at(10)).orElseThrow();
      assertThat(stale.reason())
          .hasValueSatisfying(r -> assertThat(r.section()).isEqualTo("RFC 9111 §4.2.4"));
      StoredPair mr = store(opt, get(), ok("Cache-Control", "max-age=1, must-revalidate"));
      assertThat(((NeedRevalidation) lookup(opt, get(), at(10), mr)).onOriginUnreachable(at(10)))
          .isEmpty();
    }
  }

  @Nested
  class Head {
    private final StoredPair stored =
        store(
            get(),
            ok("Cache-Control", "max-age=1", "ETag", "\"x\"", "Content-Length", "10", "X-V", "1"));

    @Test
    void V_05_matchingHeadResponseFreshensStoredGet() {
      NeedRevalidation rev = revalidate(head(), 10, stored);
      NeedToBeUpdated up =
          (NeedToBeUpdated)
              rev.next(
                  ok(
                      "Date",
                      date(10),
                      "Cache-Control",
                      "max-age=60",
                      "ETag",
                      "\"x\"",
                      "Content-Length",
                      "10",
                      "X-V",
                      "2"),
                  at(10),
                  at(10),
                  newId());
      assertThat(up.updated())
          .singleElement()
          .satisfies(
              p -> {
                assertThat(p.id()).isEqualTo(stored.id());
                assertThat(p.response().headers().firstValue("X-V")).contains("2");
              });
      assertThat(up.next().replayBody()).isFalse();
      assertThat(lookup(get(), at(20), up.updated().get(0))).isInstanceOf(FromCache.class);
    }

    @Test
    void V_05_differingEtag_invalidatesStoredGet() {
      NeedRevalidation rev = revalidate(head(), 10, stored);
      InvalidatePairs inv =
          (InvalidatePairs)
              rev.next(
                  ok("Date", date(10), "ETag", "\"y\"", "Content-Length", "10"),
                  at(10),
                  at(10),
                  newId());
      assertThat(inv.pairs()).containsExactly(stored);
    }

    @Test
    void V_05_differingContentLength_invalidatesStoredGet() {
      NeedRevalidation rev = revalidate(head(), 10, stored);
      InvalidatePairs inv =
          (InvalidatePairs)
              rev.next(
                  ok("Date", date(10), "ETag", "\"x\"", "Content-Length", "11"),
                  at(10),
                  at(10),
                  newId());
      assertThat(inv.pairs()).containsExactly(stored);
    }

    @Test
    void V_05_differingLastModified_invalidatesStoredGet() {
      StoredPair lm = store(get(), ok("Cache-Control", "max-age=1", "Last-Modified", date(-100)));
      NeedRevalidation rev = revalidate(head(), 10, lm);
      assertThat(
              rev.next(ok("Date", date(10), "Last-Modified", date(-50)), at(10), at(10), newId()))
          .isInstanceOf(InvalidatePairs.class);
    }
  }

  @Test
  void of_revalidatesOnePairChosenByTheCaller() {
    StoredPair p = store(get(), ok("Cache-Control", "max-age=600", "ETag", "\"x\""));
    NeedRevalidation rev = NeedRevalidation.of(PRIVATE, get(), p);
    assertThat(rev.conditionalRequest().headers().firstValue("If-None-Match")).contains("\"x\"");
    assertThat(rev.reason().id()).isEqualTo("V-01");
  }
}
