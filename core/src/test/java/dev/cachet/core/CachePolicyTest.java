package dev.cachet.core;

import static dev.cachet.core.Fixtures.SHARED;
import static dev.cachet.core.Fixtures.at;
import static dev.cachet.core.Fixtures.date;
import static dev.cachet.core.Fixtures.get;
import static dev.cachet.core.Fixtures.ok;
import static dev.cachet.core.Fixtures.response;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The one-response policy API agrees with the state machine (RFC 9111 §3, §4). */
class CachePolicyTest {

  private static CachePolicy policy(Response r) {
    return CachePolicy.of(get(), r, at(0), at(0));
  }

  @Nested
  class Storing {
    @Test
    void S3_07_storableResponse_hasLifetimeAndTtl() {
      CachePolicy p = policy(ok("Cache-Control", "max-age=60"));
      assertThat(p.isStorable()).isTrue();
      assertThat(p.notStorableReason()).isEmpty();
      assertThat(p.freshnessLifetime()).isEqualTo(Duration.ofSeconds(60));
      assertThat(p.timeToLive(at(20))).isEqualTo(Duration.ofSeconds(40));
      assertThat(p.timeToLive(at(100))).isEqualTo(Duration.ZERO);
      assertThat(p.age(at(20))).isEqualTo(Duration.ofSeconds(20));
    }

    @Test
    void S3_05_notStorable_saysWhyAndIsUnusable() {
      CachePolicy p =
          CachePolicy.of(get(), ok("Cache-Control", "private, max-age=60"), at(0), at(0), SHARED);
      assertThat(p.isStorable()).isFalse();
      assertThat(p.notStorableReason())
          .hasValueSatisfying(r -> assertThat(r.id()).isEqualTo("S3-05"));
      assertThat(p.timeToLive(at(0))).isEqualTo(Duration.ZERO);
      assertThat(p.beforeRequest(get(), at(1))).isInstanceOf(CachePolicy.Unusable.class);
    }

    @Test
    void S3_08_pairIsTheStoredForm() {
      CachePolicy p = policy(ok("Cache-Control", "max-age=60", "Connection", "close"));
      assertThat(p.pair().response().headers().contains("Connection")).isFalse();
    }

    @Test
    void I_01_unsafeMethodPolicy_isNotStorable() {
      CachePolicy p =
          CachePolicy.of(
              Fixtures.request("POST", Fixtures.URI_A),
              ok("Cache-Control", "max-age=60"),
              at(0),
              at(0));
      assertThat(p.notStorableReason())
          .hasValueSatisfying(r -> assertThat(r.id()).isEqualTo("S3-01"));
    }
  }

  @Nested
  class BeforeRequest {
    @Test
    void R4_01_freshGivesHeadersWithAge() {
      CachePolicy.Fresh f =
          (CachePolicy.Fresh) policy(ok("Cache-Control", "max-age=60")).beforeRequest(get(), at(7));
      assertThat(f.headers().firstValue("Age")).contains("7");
      assertThat(f.status()).isEqualTo(200);
    }

    @Test
    void V_01_staleGivesRevalidationHeaders() {
      CachePolicy.Stale s =
          (CachePolicy.Stale)
              policy(ok("Cache-Control", "max-age=1", "ETag", "\"x\"")).beforeRequest(get(), at(7));
      assertThat(s.revalidationHeaders().firstValue("If-None-Match")).contains("\"x\"");
      assertThat(s.serveWhileRevalidating()).isEmpty();
    }

    @Test
    void O_09_revalidationHeadersPassTheRequestsFieldsThrough_andReplaceOnlyItsConditions() {
      CachePolicy.Stale s =
          (CachePolicy.Stale)
              policy(ok("Cache-Control", "max-age=1", "ETag", "\"x\""))
                  .beforeRequest(
                      get(
                          "Accept",
                          "text/html",
                          "Connection",
                          "X-Hop",
                          "X-Hop",
                          "1",
                          "If-None-Match",
                          "\"mine\""),
                      at(7));
      Headers h = s.revalidationHeaders();
      assertThat(h.firstValue("Accept")).contains("text/html");
      // Hop-by-hop fields pass too: removing them is the forwarding intermediary's job.
      assertThat(h.firstValue("Connection")).contains("X-Hop");
      assertThat(h.firstValue("X-Hop")).contains("1");
      assertThat(h.allValues("If-None-Match")).containsExactly("\"x\"");
    }

    @Test
    void P_01_thePolicyAnswersARangeRequestWithTheWholeResponse() {
      CachePolicy p =
          CachePolicy.of(
              get(),
              ok("Cache-Control", "max-age=60", "Content-Length", "100"),
              at(0),
              at(0),
              CacheOptions.newBuilder().partialContent(true).build());
      CachePolicy.Fresh f = (CachePolicy.Fresh) p.beforeRequest(get("Range", "bytes=0-9"), at(7));
      assertThat(f.status()).isEqualTo(200);
      assertThat(f.headers().contains("Content-Range")).isFalse();
    }

    @Test
    void X_02_staleWhileRevalidateGivesHeadersToServe() {
      CachePolicy.Stale s =
          (CachePolicy.Stale)
              policy(ok("Cache-Control", "max-age=1, stale-while-revalidate=60"))
                  .beforeRequest(get(), at(7));
      assertThat(s.serveWhileRevalidating()).isPresent();
      assertThat(s.reason().id()).isEqualTo("X-02");
    }

    @Test
    void R4_08_onlyIfCachedStale_isUnusable() {
      CachePolicy.BeforeRequest b =
          policy(ok("Cache-Control", "max-age=1"))
              .beforeRequest(get("Cache-Control", "only-if-cached"), at(7));
      assertThat(((CachePolicy.Unusable) b).reason().id()).isEqualTo("R4-08");
    }

    @Test
    void R4_05_varyMismatch_isUnusable() {
      CachePolicy p =
          CachePolicy.of(
              get("Accept", "a"),
              ok("Cache-Control", "max-age=60", "Vary", "Accept"),
              at(0),
              at(0));
      assertThat(p.beforeRequest(get("Accept", "b"), at(1)))
          .isInstanceOf(CachePolicy.Unusable.class);
    }

    @Test
    void V_06_clientConditionMatch_gives304() {
      CachePolicy.Fresh f =
          (CachePolicy.Fresh)
              policy(ok("Cache-Control", "max-age=60", "ETag", "\"x\""))
                  .beforeRequest(get("If-None-Match", "\"x\""), at(1));
      assertThat(f.status()).isEqualTo(304);
    }
  }

  @Nested
  class AfterResponse {
    @Test
    void V_02_notModifiedFreshensThePolicy() {
      CachePolicy stale = policy(ok("Cache-Control", "max-age=1", "ETag", "\"x\""));
      CachePolicy.Stale s = (CachePolicy.Stale) stale.beforeRequest(get(), at(10));
      CachePolicy.AfterResponse a =
          stale.afterResponse(
              get().withHeaders(s.revalidationHeaders()),
              response(304, "Date", date(10), "ETag", "\"x\"", "Cache-Control", "max-age=60"),
              at(10));
      CachePolicy.NotModified nm = (CachePolicy.NotModified) a;
      assertThat(nm.policy().timeToLive(at(10))).isEqualTo(Duration.ofSeconds(60));
      assertThat(nm.headers().firstValue("Cache-Control")).contains("max-age=60");
      assertThat(nm.policy().beforeRequest(get(), at(20))).isInstanceOf(CachePolicy.Fresh.class);
    }

    @Test
    void V_03_fullResponseGivesTheNewPolicy() {
      CachePolicy stale = policy(ok("Cache-Control", "max-age=1", "ETag", "\"x\""));
      CachePolicy.AfterResponse a =
          stale.afterResponse(
              get("If-None-Match", "\"x\""),
              ok("Date", date(10), "Cache-Control", "max-age=30", "ETag", "\"y\""),
              at(10));
      CachePolicy.Modified m = (CachePolicy.Modified) a;
      assertThat(m.policy().pair().response().headers().firstValue("ETag")).contains("\"y\"");
      assertThat(m.policy().pair().request().headers().contains("If-None-Match")).isFalse();
      assertThat(m.policy().isStorable()).isTrue();
    }

    @Test
    void O_07_aServerErrorKeepsTheStoredPolicy_andSaysWhenStaleMayBeServed() {
      CachePolicy stale =
          policy(ok("Cache-Control", "max-age=1, stale-if-error=60", "ETag", "\"x\""));
      CachePolicy.AfterResponse a = stale.afterResponse(get(), response(503), at(10));
      CachePolicy.ServerError e = (CachePolicy.ServerError) a;
      assertThat(e.policy()).isSameAs(stale);
      assertThat(e.staleHeaders().orElseThrow().firstValue("ETag")).contains("\"x\"");
      CachePolicy.AfterResponse tooLate = stale.afterResponse(get(), response(500), at(120));
      assertThat(((CachePolicy.ServerError) tooLate).staleHeaders()).isEmpty();
    }

    @Test
    void V_02_304SelectingNothing_isModified() {
      CachePolicy stale = policy(ok("Cache-Control", "max-age=1", "ETag", "\"x\""));
      CachePolicy.AfterResponse a =
          stale.afterResponse(get(), response(304, "ETag", "\"other\""), at(10));
      assertThat(a).isInstanceOf(CachePolicy.Modified.class);
      assertThat(a.policy().isStorable()).isFalse();
    }
  }

  @Test
  void policyAndMachineAgree() {
    Response r = ok("Cache-Control", "max-age=60, stale-while-revalidate=30", "ETag", "\"x\"");
    CachePolicy p = policy(r);
    StoredPair stored = Fixtures.store(get(), r);
    for (long t : new long[] {0, 30, 59, 61, 80, 100}) {
      IdleClient.Next next = Fixtures.lookup(get(), at(t), stored);
      CachePolicy.BeforeRequest b = p.beforeRequest(get(), at(t));
      Optional<Class<?>> expected =
          next instanceof FromCache
              ? Optional.of(CachePolicy.Fresh.class)
              : next instanceof CacheMiss
                  ? Optional.of(CachePolicy.Unusable.class)
                  : Optional.of(CachePolicy.Stale.class);
      assertThat(b).as("at %s s", t).isInstanceOf(expected.get());
    }
  }
}
