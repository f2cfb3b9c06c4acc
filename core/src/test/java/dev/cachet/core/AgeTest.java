package dev.cachet.core;

import static dev.cachet.core.Fixtures.at;
import static dev.cachet.core.Fixtures.date;
import static dev.cachet.core.Fixtures.get;
import static dev.cachet.core.Fixtures.lookup;
import static dev.cachet.core.Fixtures.ok;
import static dev.cachet.core.Fixtures.pair;
import static dev.cachet.core.Fixtures.store;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The age calculation of RFC 9111 §4.2.3 and the {@code Age} field of §5.1. */
class AgeTest {

  static long ageSeconds(Response r, long sent, long received, long now) {
    return Age.currentAgeMillis(pair(get(), r, at(sent), at(received)), at(now)) / 1000;
  }

  @Nested
  class Calculation {
    /**
     * Each row: Date, Age field, request_time, response_time, now (seconds from T0) and the
     * current_age §4.2.3 gives.
     */
    @ParameterizedTest
    @CsvSource({
      // date, age, sent, received, now, expected
      "0, '', 0, 0, 0, 0",
      "0, '', 0, 0, 30, 30", // resident time
      "-10, '', 0, 0, 0, 10", // apparent_age = response_time - date
      "10, '', 0, 0, 0, 0", // Date in the future: apparent_age is 0
      "0, 5, 0, 0, 0, 5", // corrected_age_value = age_value
      "0, 5, -3, 0, 0, 8", // + response_delay
      "-20, 5, -3, 0, 0, 20", // max(apparent_age, corrected_age_value)
      "-20, 5, -3, 0, 7, 27", // + resident_time
      "-1, 100, -2, 0, 1, 103",
    })
    void F_06_currentAgeAsSection423(
        long date, String age, long sent, long received, long now, long expected) {
      Headers h = Headers.of("Date", date(date));
      if (!age.isEmpty()) {
        h = h.plus("Age", age);
      }
      assertThat(ageSeconds(Response.of(200, h), sent, received, now)).isEqualTo(expected);
    }

    @Test
    void F_06_missingDate_usesResponseTime() {
      Response r = Response.of(200, Headers.of("Age", "4"));
      assertThat(ageSeconds(r, 0, 2, 10)).isEqualTo(4 + 2 + 8);
    }

    @Test
    void F_06_invalidDate_usesResponseTime() {
      Response r = Response.of(200, Headers.of("Date", "yesterday"));
      assertThat(ageSeconds(r, 0, 0, 10)).isEqualTo(10);
    }

    @Test
    void F_06_clockRunningBackwards_neverNegative() {
      assertThat(ageSeconds(ok(), 5, 0, -100)).isZero();
    }

    @ParameterizedTest
    @CsvSource({"-5, 0", "abc, 0", "'1.5', 0", "'+3', 0", "'', 0", "'7, 9', 7", "' 7 ', 7"})
    void F_06_malformedAge_isIgnored(String age, long expected) {
      Response r = Response.of(200, Headers.of("Date", date(0), "Age", age));
      assertThat(ageSeconds(r, 0, 0, 0)).isEqualTo(expected);
    }

    @Test
    void F_07_hugeAge_isClampedAndDoesNotOverflow() {
      Response r = Response.of(200, Headers.of("Date", date(0), "Age", "9".repeat(40)));
      assertThat(ageSeconds(r, 0, 0, 0)).isEqualTo(2_147_483_648L);
      StoredPair p = store(get(), ok("Cache-Control", "max-age=2147483647"));
      StoredPair aged = p.withResponse(r, at(0), at(0));
      assertThat(lookup(get(), at(0), aged)).isInstanceOf(NeedRevalidation.class);
    }

    @Test
    void F_07_extremeExchangeTimes_neverThrow() {
      StoredPair p = store(get(), ok("Cache-Control", "max-age=1", "ETag", "\"x\""));
      NeedRevalidation rev = (NeedRevalidation) lookup(get(), at(10), p);
      Response notModified = Response.of(304, Headers.of("ETag", "\"x\""));
      for (java.time.Instant t :
          new java.time.Instant[] {java.time.Instant.MAX, java.time.Instant.MIN}) {
        NeedToBeUpdated up = (NeedToBeUpdated) rev.next(notModified, t, t, Fixtures.newId());
        assertThat(up.updated().get(0).response().headers().contains("Date")).isTrue();
        assertThat(lookup(get(), t, up.updated().get(0))).isNotNull();
      }
    }

    @Test
    void F_07_farFutureNow_saturates() {
      StoredPair p = pair(get(), ok("Age", "2147483648"), at(0), at(0));
      assertThat(Age.currentAgeMillis(p, java.time.Instant.MAX)).isPositive();
    }
  }

  @Nested
  class Field {
    @ParameterizedTest
    @CsvSource({
      "0, 0",
      "999, 0",
      "1000, 1",
      "59999, 59",
      "-5000, 0",
      "9223372036854775807, 2147483648"
    })
    void D_01_ageFieldIsNonNegativeWholeSecondsClamped(long millis, String expected) {
      assertThat(Age.fieldValue(millis)).isEqualTo(expected);
    }

    @Test
    void R4_02_everyResponseFromCacheCarriesAge() {
      StoredPair p = store(get(), ok("Cache-Control", "max-age=60", "Age", "3"));
      FromCache hit = (FromCache) lookup(get(), at(10), p);
      assertThat(hit.response().headers().allValues("Age")).containsExactly("13");
    }

    @Test
    void R4_02_staleResponsesServedCarryAgeToo() {
      StoredPair p = store(get(), ok("Cache-Control", "max-age=1"));
      FromCache hit = (FromCache) lookup(get("Cache-Control", "max-stale=100"), at(10), p);
      assertThat(hit.response().headers().allValues("Age")).containsExactly("10");
    }
  }
}
