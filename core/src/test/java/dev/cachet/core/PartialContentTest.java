package dev.cachet.core;

import static dev.cachet.core.Fixtures.T0;
import static dev.cachet.core.Fixtures.at;
import static dev.cachet.core.Fixtures.date;
import static dev.cachet.core.Fixtures.get;
import static dev.cachet.core.Fixtures.head;
import static dev.cachet.core.Fixtures.lookup;
import static dev.cachet.core.Fixtures.newId;
import static dev.cachet.core.Fixtures.ok;
import static dev.cachet.core.Fixtures.response;
import static dev.cachet.core.Fixtures.store;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Partial content: RFC 9110 §14 and RFC 9111 §3.3, §3.4 (P-01 … P-06). */
class PartialContentTest {
  static final CacheOptions RANGES = CacheOptions.newBuilder().partialContent(true).build();
  static final CacheOptions SHARED_RANGES =
      CacheOptions.newBuilder().shared(true).partialContent(true).build();

  /** A stored complete 200 of 100 bytes, fresh for a minute, with a strong ETag. */
  static StoredPair stored100() {
    return store(
        RANGES,
        get(),
        ok(
            "Cache-Control",
            "max-age=60",
            "ETag",
            "\"v1\"",
            "Last-Modified",
            date(-120),
            "Content-Type",
            "text/plain",
            "Content-Length",
            "100"));
  }

  static IdleClient.Next ask(String... requestHeaders) {
    return lookup(RANGES, get(requestHeaders), at(5), stored100());
  }

  /** A 206 from the origin for bytes [first, last] of 100, with a strong ETag. */
  static Response part(long first, long last, String etag) {
    return response(
        206,
        "Cache-Control",
        "max-age=60",
        "ETag",
        etag,
        "Content-Range",
        "bytes " + first + "-" + last + "/100",
        "Content-Length",
        Long.toString(last - first + 1));
  }

  static CacheMiss.WithParts missWith(
      CacheOptions options, Request request, Response response, List<PartialEntry> partials) {
    IdleClient.Next first = IdleClient.of(options).next(request, List.of(), partials, T0);
    assertThat(first).isInstanceOf(CacheMiss.class);
    return ((CacheMiss) first).next(response, T0, T0, newId(), partials);
  }

  static StorePart storedPart(Request request, Response response, List<PartialEntry> partials) {
    CacheMiss.WithParts next = missWith(RANGES, request, response, partials);
    assertThat(next).isInstanceOf(StorePart.class);
    return (StorePart) next;
  }

  /** The partial entry a StorePart leaves, joined with what it combined with. */
  static PartialEntry entryAfter(StorePart part) {
    ByteRangeSet before =
        part.combinedWith().map(PartialEntry::present).orElse(ByteRangeSet.empty());
    return new PartialEntry(part.pair(), before.plus(part.part().offset(), part.part().length()));
  }

  @Nested
  class RangesFromAStoredComplete200 {
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(
        delimiter = '|',
        value = {
          "bytes=0-9      | bytes 0-9/100   | 0  | 10",
          "bytes=90-      | bytes 90-99/100 | 90 | 10",
          "bytes=-10      | bytes 90-99/100 | 90 | 10",
          "bytes=95-200   | bytes 95-99/100 | 95 | 5",
          "bytes=-200     | bytes 0-99/100  | 0  | 100",
          "BYTES = 5-5    | bytes 5-5/100   | 5  | 1",
          "'bytes=0-9, '  | bytes 0-9/100   | 0  | 10",
        })
    void P_01_singleSuffixAndOpenRanges_are206WithTheSlice(
        String range, String contentRange, long offset, long length) {
      FromCache hit = (FromCache) ask("Range", range);
      assertThat(hit.response().status()).isEqualTo(206);
      assertThat(hit.response().headers().firstValue("Content-Range")).contains(contentRange);
      assertThat(hit.response().headers().allValues("Content-Length"))
          .containsExactly(Long.toString(length));
      assertThat(hit.replayBody()).isTrue();
      assertThat(hit.slice()).contains(new ContentRange(offset, length, 100));
    }

    @Test
    void P_01_the206KeepsTheFieldsA200WouldCarry_withAge() {
      FromCache hit = (FromCache) ask("Range", "bytes=0-9");
      Headers h = hit.response().headers();
      assertThat(h.firstValue("ETag")).contains("\"v1\"");
      assertThat(h.firstValue("Cache-Control")).contains("max-age=60");
      assertThat(h.firstValue("Content-Type")).contains("text/plain");
      assertThat(h.firstValue("Age")).contains("5");
      assertThat(hit.status().hit()).isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(
        strings = {
          "bytes=0-9,20-29",
          "bytes=0-9, -5",
          "items=0-9",
          "bytes=9-0",
          "bytes=a-b",
          "bytes=",
          "bytes=-",
          "0-9"
        })
    void P_01_severalRangesOrAnInvalidRange_getTheWhole200(String range) {
      FromCache hit = (FromCache) ask("Range", range);
      assertThat(hit.response().status()).isEqualTo(200);
      assertThat(hit.slice()).isEmpty();
      assertThat(hit.replayBody()).isTrue();
      assertThat(hit.response().headers().firstValue("Content-Length")).contains("100");
    }

    @Test
    void P_01_twoRangeFieldLines_getTheWhole200() {
      FromCache hit = (FromCache) ask("Range", "bytes=0-9", "Range", "bytes=10-19");
      assertThat(hit.response().status()).isEqualTo(200);
    }

    @Test
    void P_01_headWithRange_isAnsweredAsHeadIs() {
      FromCache hit = (FromCache) lookup(RANGES, head("Range", "bytes=0-9"), at(5), stored100());
      assertThat(hit.response().status()).isEqualTo(200);
      assertThat(hit.replayBody()).isFalse();
      assertThat(hit.slice()).isEmpty();
    }

    @Test
    void P_01_aStoredBodyOfUnknownLength_isSentWhole() {
      StoredPair chunked = store(RANGES, get(), ok("Cache-Control", "max-age=60"));
      FromCache hit = (FromCache) lookup(RANGES, get("Range", "bytes=0-9"), at(5), chunked);
      assertThat(hit.response().status()).isEqualTo(200);
      assertThat(hit.slice()).isEmpty();
    }

    @Test
    void P_01_aStoredStatusOtherThan200_isSentWhole() {
      StoredPair notFound =
          store(
              RANGES, get(), response(404, "Cache-Control", "max-age=60", "Content-Length", "100"));
      FromCache hit = (FromCache) lookup(RANGES, get("Range", "bytes=0-9"), at(5), notFound);
      assertThat(hit.response().status()).isEqualTo(404);
      assertThat(hit.slice()).isEmpty();
    }

    @Test
    void P_01_aMatchingConditionIsEvaluatedFirst_andGives304() {
      FromCache hit = (FromCache) ask("Range", "bytes=0-9", "If-None-Match", "\"v1\"");
      assertThat(hit.response().status()).isEqualTo(304);
      assertThat(hit.slice()).isEmpty();
      assertThat(hit.replayBody()).isFalse();
    }

    @Test
    void P_01_withPartialContentOff_theRangeIsIgnored() {
      CacheOptions off = CacheOptions.newBuilder().partialContent(false).build();
      FromCache hit = (FromCache) lookup(off, get("Range", "bytes=0-9"), at(5), stored100());
      assertThat(hit.response().status()).isEqualTo(200);
      assertThat(hit.slice()).isEmpty();
    }

    @Test
    void P_01_aStaleStoredResponse_isRevalidatedWithTheRange_andA304ServesTheSlice() {
      IdleClient.Next next = lookup(RANGES, get("Range", "bytes=-10"), at(120), stored100());
      assertThat(next).isInstanceOf(NeedRevalidation.class);
      NeedRevalidation rev = (NeedRevalidation) next;
      // The client's Range goes with the conditional request: a 206 answers the client directly.
      assertThat(rev.conditionalRequest().headers().firstValue("Range")).contains("bytes=-10");
      assertThat(rev.conditionalRequest().headers().firstValue("If-None-Match")).contains("\"v1\"");
      NeedRevalidation.Next after =
          rev.next(
              response(304, "ETag", "\"v1\"", "Cache-Control", "max-age=60", "Date", date(120)),
              at(120),
              at(120),
              newId());
      FromCache served = ((NeedToBeUpdated) after).next();
      assertThat(served.response().status()).isEqualTo(206);
      assertThat(served.slice()).contains(new ContentRange(90, 10, 100));
    }

    @Test
    void P_01_a206ReceivedWhileRevalidating_isForwarded_andTheStoredOneKept() {
      NeedRevalidation rev =
          (NeedRevalidation) lookup(RANGES, get("Range", "bytes=0-9"), at(120), stored100());
      NeedRevalidation.Next after = rev.next(part(0, 9, "\"v2\""), at(120), at(120), newId());
      assertThat(after).isInstanceOf(CouldNotBeStored.class);
      assertThat(((CouldNotBeStored) after).response().status()).isEqualTo(206);
    }
  }

  @Nested
  class Unsatisfiable {
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"bytes=100-", "bytes=100-200", "bytes=500-", "bytes=-0"})
    void P_02_aRangeBeyondTheBody_is416WithTheCompleteLength(String range) {
      FromCache hit = (FromCache) ask("Range", range);
      assertThat(hit.response().status()).isEqualTo(416);
      assertThat(hit.response().headers().firstValue("Content-Range")).contains("bytes */100");
      assertThat(hit.response().headers().firstValue("Content-Length")).contains("0");
      assertThat(hit.replayBody()).isFalse();
      assertThat(hit.slice()).isEmpty();
      assertThat(hit.reason()).map(Reason::id).contains("P-02");
    }

    @Test
    void P_02_a416IsNeverStored() {
      Reason why =
          Fixtures.notStoredReason(
              Fixtures.miss(
                  RANGES,
                  get("Range", "bytes=500-"),
                  response(416, "Cache-Control", "max-age=60", "Content-Range", "bytes */100")));
      assertThat(why.id()).isEqualTo("SEC-04");
    }
  }

  @Nested
  class IfRange {
    @ParameterizedTest(name = "If-Range {0} -> {1}")
    @CsvSource(
        delimiter = '|',
        value = {
          "'\"v1\"'                          | 206",
          "'\"v2\"'                          | 200",
          "'W/\"v1\"'                        | 200",
          "Wed, 31 Dec 2025 23:58:00 GMT     | 206",
          "Wed, 31 Dec 2025 23:58:01 GMT     | 200",
          "Wed, 31 Dec 2025 23:57:59 GMT     | 200",
          "not a date                        | 200",
          "'\"v1'                            | 200",
        })
    void P_03_ifRangeIsComparedStrongly_andWhenFalseTheWhole200IsSent(String ifRange, int status) {
      FromCache hit = (FromCache) ask("Range", "bytes=0-9", "If-Range", ifRange);
      assertThat(hit.response().status()).isEqualTo(status);
      assertThat(hit.slice().isPresent()).isEqualTo(status == 206);
    }

    @Test
    void P_03_aLastModifiedLessThanAMinuteBeforeDate_isWeak_soIfRangeFails() {
      StoredPair recent =
          store(
              RANGES,
              get(),
              ok(
                  "Cache-Control",
                  "max-age=60",
                  "Last-Modified",
                  date(-30),
                  "Content-Length",
                  "100"));
      FromCache hit =
          (FromCache)
              lookup(RANGES, get("Range", "bytes=0-9", "If-Range", date(-30)), at(5), recent);
      assertThat(hit.response().status()).isEqualTo(200);
    }

    @Test
    void P_03_aWeakStoredEntityTag_neverSatisfiesIfRange() {
      StoredPair weak =
          store(
              RANGES,
              get(),
              ok("Cache-Control", "max-age=60", "ETag", "W/\"v1\"", "Content-Length", "100"));
      FromCache hit =
          (FromCache) lookup(RANGES, get("Range", "bytes=0-9", "If-Range", "\"v1\""), at(5), weak);
      assertThat(hit.response().status()).isEqualTo(200);
    }

    @Test
    void P_03_ifRangeWithoutRange_isIgnored() {
      FromCache hit = (FromCache) ask("If-Range", "\"v2\"");
      assertThat(hit.response().status()).isEqualTo(200);
      assertThat(hit.slice()).isEmpty();
    }
  }

  @Nested
  class StoringParts {
    @Test
    void P_04_a206ToARangeRequestOnAMiss_isStoredAsAPartOfItsRepresentation() {
      StorePart st = storedPart(get("Range", "bytes=0-9"), part(0, 9, "\"v1\""), List.of());
      assertThat(st.part()).isEqualTo(new ContentRange(0, 10, 100));
      assertThat(st.combinedWith()).isEmpty();
      assertThat(st.completes()).isFalse();
      assertThat(st.replaced()).isEmpty();
      // The entry's pair is the 200 the representation will be once complete.
      assertThat(st.pair().response().status()).isEqualTo(200);
      assertThat(st.pair().response().headers().contains("Content-Range")).isFalse();
      assertThat(st.pair().response().headers().allValues("Content-Length")).containsExactly("100");
      assertThat(st.pair().request().headers().contains("Range")).isFalse();
      // The caller gets the 206 as received.
      assertThat(st.response().status()).isEqualTo(206);
      assertThat(st.response().headers().firstValue("Content-Range")).contains("bytes 0-9/100");
      assertThat(st.status().stored()).isTrue();
      assertThat(st.status().fwdStatus()).hasValue(206);
    }

    @Test
    void P_04_aStrongLastModifiedIsValidatorEnough() {
      Response lm =
          response(
              206,
              "Cache-Control",
              "max-age=60",
              "Last-Modified",
              date(-3600),
              "Content-Range",
              "bytes 0-9/100");
      assertThat(storedPart(get("Range", "bytes=0-9"), lm, List.of()).part().length())
          .isEqualTo(10);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
        delimiter = '|',
        value = {
          "weak entity tag only      | ETag           | W/\"v1\"          | bytes 0-9/100",
          "unknown complete length   | ETag           | \"v1\"            | bytes 0-9/*",
          "no validator              | X-None         | x                 | bytes 0-9/100",
          "recent Last-Modified      | Last-Modified  | Wed, 31 Dec 2025 23:59:59 GMT | bytes 0-9/100",
          "malformed Content-Range   | ETag           | \"v1\"            | bytes 9-0/100",
        })
    void P_04_aPartThatCannotBeCombinedSafely_isNotStored(
        String why, String field, String value, String contentRange) {
      Response r =
          response(206, "Cache-Control", "max-age=60", field, value, "Content-Range", contentRange);
      CacheMiss.WithParts next = missWith(RANGES, get("Range", "bytes=0-9"), r, List.of());
      assertThat(next).as(why).isInstanceOf(CouldNotBeStored.class);
      assertThat(((CouldNotBeStored) next).reason().id()).isEqualTo("S3-03");
    }

    @Test
    void P_04_aPartWhoseContentLengthDisagrees_isNotStored() {
      Response r =
          response(
              206,
              "Cache-Control",
              "max-age=60",
              "ETag",
              "\"v1\"",
              "Content-Range",
              "bytes 0-9/100",
              "Content-Length",
              "11");
      assertThat(missWith(RANGES, get("Range", "bytes=0-9"), r, List.of()))
          .isInstanceOf(CouldNotBeStored.class);
    }

    @Test
    void P_04_aPartTheRulesOfSection3Refuse_isNotStored() {
      Response noStore =
          response(
              206, "Cache-Control", "no-store", "ETag", "\"v1\"", "Content-Range", "bytes 0-9/100");
      Response privateInShared =
          response(
              206,
              "Cache-Control",
              "private, max-age=60",
              "ETag",
              "\"v1\"",
              "Content-Range",
              "bytes 0-9/100");
      assertThat(missWith(RANGES, get("Range", "bytes=0-9"), noStore, List.of()))
          .isInstanceOf(CouldNotBeStored.class);
      assertThat(missWith(SHARED_RANGES, get("Range", "bytes=0-9"), privateInShared, List.of()))
          .isInstanceOf(CouldNotBeStored.class);
      assertThat(
              missWith(
                  RANGES,
                  get("Range", "bytes=0-9", "If-Match", "\"v1\""),
                  part(0, 9, "\"v1\""),
                  List.of()))
          .isInstanceOf(CouldNotBeStored.class);
    }
  }

  @Nested
  class CombiningParts {
    @Test
    void P_05_aPartOfTheSameRepresentation_joinsTheStoredEntry() {
      PartialEntry first =
          entryAfter(storedPart(get("Range", "bytes=0-49"), part(0, 49, "\"v1\""), List.of()));
      StorePart second =
          storedPart(get("Range", "bytes=40-79"), part(40, 79, "\"v1\""), List.of(first));
      assertThat(second.combinedWith()).contains(first);
      assertThat(second.pair().id()).isEqualTo(first.pair().id());
      assertThat(second.completes()).isFalse();
      assertThat(entryAfter(second).present().toString()).isEqualTo("0-79");
    }

    @Test
    void P_05_whenThePartsCoverTheWhole_theEntryIsComplete_andBecomesA200() {
      PartialEntry first =
          entryAfter(storedPart(get("Range", "bytes=0-49"), part(0, 49, "\"v1\""), List.of()));
      StorePart second =
          storedPart(get("Range", "bytes=50-"), part(50, 99, "\"v1\""), List.of(first));
      assertThat(second.completes()).isTrue();
      PartialEntry done = entryAfter(second);
      assertThat(done.isComplete()).isTrue();
      StoredPair whole = done.asComplete(newId());
      assertThat(whole.response().status()).isEqualTo(200);
      assertThat(whole.response().headers().firstValue("Content-Length")).contains("100");
      FromCache hit = (FromCache) lookup(RANGES, get(), at(5), whole);
      assertThat(hit.response().status()).isEqualTo(200);
      assertThat(hit.slice()).isEmpty();
    }

    @Test
    void P_05_aPartOfAnotherRepresentation_replacesTheStoredEntry() {
      PartialEntry old =
          entryAfter(storedPart(get("Range", "bytes=0-49"), part(0, 49, "\"v1\""), List.of()));
      StorePart other =
          storedPart(get("Range", "bytes=50-99"), part(50, 99, "\"v2\""), List.of(old));
      assertThat(other.combinedWith()).isEmpty();
      assertThat(other.pair().id()).isNotEqualTo(old.pair().id());
      assertThat(other.replaced()).containsExactly(old.pair());
      assertThat(other.completes()).isFalse();
    }

    @Test
    void P_05_aRangeTheStoredPartsCover_isServedFromThem() {
      PartialEntry entry =
          entryAfter(storedPart(get("Range", "bytes=0-49"), part(0, 49, "\"v1\""), List.of()));
      IdleClient.Next next =
          IdleClient.of(RANGES).next(get("Range", "bytes=10-19"), List.of(), List.of(entry), at(5));
      FromCache hit = (FromCache) next;
      assertThat(hit.response().status()).isEqualTo(206);
      assertThat(hit.response().headers().firstValue("Content-Range")).contains("bytes 10-19/100");
      assertThat(hit.response().headers().firstValue("Age")).contains("5");
      assertThat(hit.pair()).contains(entry.pair());
      assertThat(hit.slice()).contains(new ContentRange(10, 10, 100));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
        delimiter = '|',
        value = {
          "bytes=40-59     | ",
          "bytes=-10       | ",
          "                | ",
          "bytes=0-9,20-29 | ",
          "bytes=0-9       | Cache-Control",
          "bytes=0-9       | If-Range",
        })
    void P_05_aRangeTheStoredPartsDoNotCover_goesToTheOriginWithItsOwnRange(
        String range, String extra) {
      PartialEntry entry =
          entryAfter(storedPart(get("Range", "bytes=0-49"), part(0, 49, "\"v1\""), List.of()));
      Headers h = range == null ? Headers.empty() : Headers.of("Range", range);
      if ("Cache-Control".equals(extra)) {
        h = h.plus("Cache-Control", "no-cache");
      } else if ("If-Range".equals(extra)) {
        h = h.plus("If-Range", "\"v2\"");
      }
      Request request = get().withHeaders(h);
      IdleClient.Next next = IdleClient.of(RANGES).next(request, List.of(), List.of(entry), at(5));
      assertThat(next).isInstanceOf(CacheMiss.class);
      assertThat(((CacheMiss) next).request()).isEqualTo(request);
    }

    @Test
    void P_05_staleStoredParts_areNotServed() {
      PartialEntry entry =
          entryAfter(storedPart(get("Range", "bytes=0-49"), part(0, 49, "\"v1\""), List.of()));
      IdleClient.Next next =
          IdleClient.of(RANGES).next(get("Range", "bytes=0-9"), List.of(), List.of(entry), at(61));
      assertThat(next).isInstanceOf(CacheMiss.class);
      assertThat(((CacheMiss) next).reason().id()).isEqualTo("P-05");
    }

    @Test
    void P_05_P_02_aRangeBeyondTheStoredRepresentation_is416FromTheParts() {
      PartialEntry entry =
          entryAfter(storedPart(get("Range", "bytes=0-49"), part(0, 49, "\"v1\""), List.of()));
      FromCache hit =
          (FromCache)
              IdleClient.of(RANGES)
                  .next(get("Range", "bytes=200-"), List.of(), List.of(entry), at(5));
      assertThat(hit.response().status()).isEqualTo(416);
      assertThat(hit.response().headers().firstValue("Content-Range")).contains("bytes */100");
    }

    @Test
    void P_05_twoPartsThroughTheMachine_makeAComplete200ThatAnswersWithoutTheOrigin() {
      Driver d = new Driver(RANGES);
      d.originBy(
          r -> {
            ContentRange asked =
                ((RangeRequests.Slice)
                        RangeRequests.parse(r.headers().firstValue("Range").get(), 100))
                    .range();
            return part(asked.offset(), asked.last(), "\"v1\"");
          });
      d.send(get("Range", "bytes=0-49"));
      assertThat(d.path).endsWith(StorePart.class);
      d.send(get("Range", "bytes=50-99"));
      assertThat(d.path).endsWith(StorePart.class);
      assertThat(d.partials(get().key())).isEmpty();
      assertThat(d.stored(get().key())).hasSize(1);
      Driver.Outcome whole = d.send(get());
      Driver.Outcome slice = d.send(get("Range", "bytes=-5"));
      assertThat(d.originRequests).hasSize(2);
      assertThat(whole.response().status()).isEqualTo(200);
      assertThat(slice.response().status()).isEqualTo(206);
      assertThat(((FromCache) slice.terminal()).slice()).contains(new ContentRange(95, 5, 100));
    }
  }

  @Nested
  class NeverTheCompleteResponse {
    @ParameterizedTest(name = "partialContent={0}")
    @ValueSource(booleans = {false, true})
    void P_06_aResponseToARangeRequest_isNeverStoredAsTheCompleteResponse(boolean on) {
      CacheOptions options = CacheOptions.newBuilder().partialContent(on).build();
      List<Response> answers =
          List.of(
              part(0, 9, "\"v1\""),
              part(0, 99, "\"v1\""),
              ok("Cache-Control", "max-age=60", "ETag", "\"v1\"", "Content-Length", "100"),
              response(416, "Cache-Control", "max-age=60", "Content-Range", "bytes */100"));
      for (Response answer : answers) {
        CacheMiss.WithParts next = missWith(options, get("Range", "bytes=0-9"), answer, List.of());
        assertThat(next).as(answer.toString()).isNotInstanceOf(StoreAndUse.class);
        if (!on) {
          assertThat(next).isInstanceOf(CouldNotBeStored.class);
        }
      }
    }

    @Test
    void P_06_evenAPartCoveringTheWhole_goesThroughAPartialEntry() {
      StorePart st = storedPart(get("Range", "bytes=0-"), part(0, 99, "\"v1\""), List.of());
      assertThat(st.completes()).isTrue();
      assertThat(st.combinedWith()).isEmpty();
    }

    @Test
    void P_06_sharedCache_aRangeRequestsPartServesNoPlainRequest() {
      PartialEntry entry =
          entryAfter(storedPart(get("Range", "bytes=0-49"), part(0, 49, "\"v1\""), List.of()));
      IdleClient.Next next =
          IdleClient.of(SHARED_RANGES).next(get(), List.of(), List.of(entry), at(5));
      assertThat(next).isInstanceOf(CacheMiss.class);
      assertThat(Optional.of(((CacheMiss) next).request().headers().contains("Range")))
          .contains(false);
    }
  }
}
