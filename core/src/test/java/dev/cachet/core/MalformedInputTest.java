package dev.cachet.core;

import static dev.cachet.core.Fixtures.URI_A;
import static dev.cachet.core.Fixtures.at;
import static dev.cachet.core.Fixtures.date;
import static dev.cachet.core.Fixtures.get;
import static dev.cachet.core.Fixtures.lookup;
import static dev.cachet.core.Fixtures.newId;
import static dev.cachet.core.Fixtures.ok;
import static dev.cachet.core.Fixtures.response;
import static dev.cachet.core.Fixtures.store;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Server input never makes core throw (DESIGN.md, "parsing is total"): arbitrary field values,
 * statuses and methods go through every state and {@link CachePolicy}; each malformed case the RFC
 * defines has an example with the RFC's outcome.
 */
class MalformedInputTest {
  private static final List<CacheOptions> OPTIONS =
      List.of(
          CacheOptions.defaults(),
          CacheOptions.newBuilder()
              .shared(true)
              .targetedFields(List.of("CDN-Cache-Control"))
              .ignoreCargoCultDirectives(true)
              .serveStaleWhenOriginUnreachable(true)
              .maximumBodySize(100)
              .build());

  private static final String[] FIELDS = {
    "Cache-Control", "Expires", "Date", "Age", "Vary", "ETag", "Last-Modified", "CDN-Cache-Control"
  };

  @Provide
  Arbitrary<String> values() {
    Arbitrary<String> any =
        Arbitraries.strings()
            .all()
            .ofMaxLength(40)
            .map(s -> s.replace('\r', ' ').replace('\n', ' '));
    Arbitrary<String> pieces =
        Arbitraries.of(
                "max-age",
                "s-maxage",
                "=",
                "\"",
                ",",
                " ",
                "\t",
                "\\",
                ";",
                "no-cache",
                "no-store",
                "private",
                "public",
                "must-revalidate",
                "proxy-revalidate",
                "immutable",
                "must-understand",
                "stale-while-revalidate",
                "stale-if-error",
                "pre-check=0",
                "post-check=0",
                "-1",
                "0",
                "60",
                "99999999999999999999",
                "2147483648",
                "W/",
                "*",
                "GMT",
                "Thu, 01 Jan 2026 00:00:00 GMT",
                "Sunday, 06-Nov-94 08:49:37 GMT",
                "Sun Nov  6 08:49:37 1994",
                "Fri, 31 Dec 9999 23:59:59 GMT",
                "Mon, 32 Foo 2026",
                "accept-encoding",
                "Accept",
                "abc",
                "1.5")
            .list()
            .ofMaxSize(8)
            .map(l -> String.join("", l));
    return Arbitraries.oneOf(any, pieces).injectNull(0.3);
  }

  @Provide
  Arbitrary<String> methods() {
    Arbitrary<String> tokens =
        Arbitraries.strings()
            .alpha()
            .numeric()
            .withChars("!#$%&'*+-.^_`|~")
            .ofMinLength(1)
            .ofMaxLength(12);
    return Arbitraries.oneOf(tokens, Arbitraries.of("GET", "HEAD", "POST", "PUT", "DELETE"));
  }

  private static Headers headers(List<String> values) {
    List<String> nv = new ArrayList<>();
    for (int i = 0; i < FIELDS.length; i++) {
      if (values.get(i) != null) {
        nv.add(FIELDS[i]);
        nv.add(values.get(i));
      }
    }
    return Headers.of(nv.toArray(new String[0]));
  }

  @Property(tries = 250)
  void arbitraryResponsesGoThroughEveryStateWithoutThrowing(
      @ForAll("values") String cc,
      @ForAll("values") String expires,
      @ForAll("values") String dateValue,
      @ForAll("values") String age,
      @ForAll("values") String vary,
      @ForAll("values") String etag,
      @ForAll("values") String lastModified,
      @ForAll("values") String cdn,
      @ForAll("values") String requestCc,
      @ForAll @IntRange(min = 100, max = 999) int status,
      @ForAll @IntRange(min = 100, max = 999) int revalidationStatus,
      @ForAll("methods") String method,
      @ForAll @LongRange(min = -100_000, max = 100_000) long delay,
      @ForAll @LongRange(min = -100_000, max = 10_000_000) long later) {
    Headers h = headers(Arrays.asList(cc, expires, dateValue, age, vary, etag, lastModified, cdn));
    Headers rh = requestCc == null ? Headers.empty() : Headers.of("Cache-Control", requestCc);
    if (etag != null) {
      rh = rh.plus("If-None-Match", etag);
    }
    if (lastModified != null) {
      rh = rh.plus("If-Modified-Since", lastModified);
    }
    if (vary != null) {
      rh = rh.plus("Accept-Encoding", vary);
    }
    Response response = Response.of(status, h);
    Request request = new Request(method, URI_A, rh);
    Request reuse = new Request("GET", URI_A, rh);
    Instant sent = at(0);
    Instant received = at(delay);
    for (CacheOptions options : OPTIONS) {
      walk(
          options,
          request,
          reuse,
          response,
          Response.of(revalidationStatus, h),
          sent,
          received,
          at(later));
      CachePolicy policy = CachePolicy.of(request, response, sent, received, options);
      policy.isStorable();
      policy.timeToLive(at(later));
      policy.freshnessLifetime();
      assertThat(policy.beforeRequest(reuse, at(later))).isNotNull();
      assertThat(
              policy.afterResponse(reuse, Response.of(revalidationStatus, h), at(later)).policy())
          .isNotNull();
    }
  }

  private static void walk(
      CacheOptions options,
      Request request,
      Request reuse,
      Response response,
      Response revalidation,
      Instant sent,
      Instant received,
      Instant later) {
    IdleClient idle = IdleClient.of(options);
    IdleClient.Next first = idle.next(request, List.of(), sent);
    if (!(first instanceof CacheMiss miss)) {
      assertThat(first).isInstanceOf(FromCache.class); // only-if-cached
      return;
    }
    Object next = miss.next(response, sent, received, newId());
    if (next instanceof InvalidatePairs inv) {
      next = inv.next();
    }
    assertThat(next).isInstanceOfAny(StoreAndUse.class, CouldNotBeStored.class);
    StoredPair stored =
        next instanceof StoreAndUse st
            ? st.pair()
            : new StoredPair(newId(), request.key(), reuse, response, sent, received);
    for (Request r :
        List.of(
            reuse,
            reuse.withHeaders(Headers.empty()),
            new Request("HEAD", URI_A, reuse.headers()))) {
      for (Instant now : List.of(sent, received, later)) {
        IdleClient.Next n = idle.next(r, List.of(stored, stored), now);
        assertThat(n).isNotNull();
        NeedRevalidation rev = null;
        if (n instanceof NeedRevalidation nr) {
          rev = nr;
        } else if (n instanceof StaleWhileRevalidate swr) {
          rev = swr.revalidate();
        }
        if (rev != null) {
          assertThat(rev.next(revalidation, now, later, newId())).isNotNull();
          assertThat(rev.next(Response.of(304, revalidation.headers()), now, later, newId()))
              .isNotNull();
          assertThat(rev.onOriginUnreachable(later)).isNotNull();
        }
      }
    }
  }

  @Property(tries = 300)
  void parsersAreTotal(@ForAll("values") String value) {
    String v = value == null ? "" : value;
    dev.cachet.core.internal.HttpDates.parse(v);
    dev.cachet.core.internal.DeltaSeconds.parse(v);
    dev.cachet.core.internal.Directives d =
        dev.cachet.core.internal.Directives.parse(List.of(v, v));
    d.seconds("max-age");
    d.fieldNames("no-cache");
    Headers h = Headers.of("X", v);
    assertThat(h.listValues("X")).doesNotContainNull();
  }

  @Property(tries = 100)
  void httpDatesRoundTrip(
      @ForAll @LongRange(min = -2_000_000_000L, max = 253_402_300_799L) long epochSecond) {
    Instant t = Instant.ofEpochSecond(epochSecond);
    if (t.isBefore(Instant.parse("0001-01-01T00:00:00Z"))) {
      return;
    }
    assertThat(
            dev.cachet.core.internal.HttpDates.parse(date(0).isEmpty() ? "" : Fixtures.httpDate(t)))
        .contains(t);
  }

  /** The malformed cases RFC 9111 names, through the machine. */
  @Nested
  class Examples {
    @Test
    void F_03_invalidExpires_isStale() {
      StoredPair p = store(get(), ok("Expires", "0", "ETag", "\"e\""));
      assertThat(lookup(get(), at(0), p)).isInstanceOf(NeedRevalidation.class);
    }

    @Test
    void F_04_duplicatedMaxAge_isStale() {
      StoredPair p = store(get(), ok("Cache-Control", "max-age=600, max-age=60", "ETag", "\"e\""));
      assertThat(lookup(get(), at(1), p)).isInstanceOf(NeedRevalidation.class);
    }

    @Test
    void F_04_maxAgeAbc_isStale() {
      StoredPair p =
          store(get(), ok("Cache-Control", "max-age=abc", "Expires", date(600), "ETag", "\"e\""));
      assertThat(lookup(get(), at(1), p)).isInstanceOf(NeedRevalidation.class);
    }

    @Test
    void F_06_negativeAge_isIgnored() {
      StoredPair p = store(get(), ok("Cache-Control", "max-age=60", "Age", "-30"));
      FromCache hit = (FromCache) lookup(get(), at(10), p);
      assertThat(hit.response().headers().firstValue("Age")).contains("10");
    }

    @Test
    void F_07_hugeAge_isClampedAndStale() {
      StoredPair p =
          store(get(), ok("Cache-Control", "max-age=60", "Age", "999999999999999999999999"));
      NeedRevalidation rev = (NeedRevalidation) lookup(get(), at(0), p);
      assertThat(rev.next(response(304), at(0), at(0), newId()))
          .isInstanceOf(NeedToBeUpdated.class);
    }

    @Test
    void F_08_quotedArguments_areAccepted() {
      StoredPair p = store(get(), ok("Cache-Control", "max-age=\"60\""));
      assertThat(lookup(get(), at(30), p)).isInstanceOf(FromCache.class);
    }

    @Test
    void F_08_unterminatedQuote_neverThrowsAndHidesWhatFollows() {
      StoredPair p =
          store(get(), ok("Cache-Control", "no-cache=\"Set-Cookie, max-age=60", "ETag", "\"e\""));
      assertThat(lookup(get(), at(1), p)).isInstanceOf(NeedRevalidation.class);
    }

    @Test
    void malformedDateAndLastModified_areTreatedAsAbsent() {
      StoredPair p =
          store(
              get(),
              ok("Date", "not a date", "Last-Modified", "also not", "Cache-Control", "max-age=60"));
      assertThat(lookup(get(), at(1), p)).isInstanceOf(FromCache.class);
    }

    @Test
    void emptyVaryAndEtag_areHarmless() {
      StoredPair p = store(get(), ok("Vary", "", "ETag", "", "Cache-Control", "max-age=1"));
      NeedRevalidation rev = (NeedRevalidation) lookup(get(), at(5), p);
      assertThat(rev.conditionalRequest().headers().contains("If-None-Match")).isFalse();
    }
  }
}
