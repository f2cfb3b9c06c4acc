package dev.cachet.core;

import static dev.cachet.core.Fixtures.at;
import static dev.cachet.core.Fixtures.date;
import static dev.cachet.core.Fixtures.get;
import static dev.cachet.core.Fixtures.lookup;
import static dev.cachet.core.Fixtures.newId;
import static dev.cachet.core.Fixtures.ok;
import static dev.cachet.core.Fixtures.response;
import static dev.cachet.core.Fixtures.store;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Which fields are stored, served and updated (RFC 9111 §3.1, §3.2; RFC 9110 §7.6.1). */
class FieldsTest {

  @Nested
  class HopByHop {
    @Test
    void S3_08_removesFixedHopByHopFields() {
      Headers h =
          Headers.of(
              "Connection",
              "close",
              "Keep-Alive",
              "timeout=5",
              "Proxy-Connection",
              "x",
              "TE",
              "trailers",
              "Transfer-Encoding",
              "chunked",
              "Upgrade",
              "h2c",
              "ETag",
              "\"e\"");
      assertThat(Fields.withoutHopByHop(h).names()).containsExactly("etag");
    }

    @Test
    void S3_08_removesFieldsNamedByConnection_acrossLinesAndCase() {
      Headers h =
          Headers.of(
              "Connection",
              "x-a, X-B",
              "connection",
              "x-c",
              "X-A",
              "1",
              "x-b",
              "2",
              "X-C",
              "3",
              "X-D",
              "4");
      assertThat(Fields.withoutHopByHop(h).names()).containsExactly("x-d");
    }

    @Test
    void S3_08_servedAndStoredResponsesHaveNoHopByHopFields() {
      StoreAndUse st =
          (StoreAndUse)
              Fixtures.miss(
                  Fixtures.PRIVATE,
                  get(),
                  ok("Cache-Control", "max-age=60", "Connection", "X-Hop", "X-Hop", "1"));
      assertThat(st.response().headers().names()).doesNotContain("connection", "x-hop");
      assertThat(st.pair().response().headers().names()).doesNotContain("connection", "x-hop");
    }
  }

  @Nested
  class Freshening {
    @Test
    void S3_12_receivedFieldsReplaceStoredOnes() {
      Headers stored =
          Headers.of("Cache-Control", "max-age=1", "X-A", "old", "X-A", "old2", "X-B", "b");
      Headers received = Headers.of("Cache-Control", "max-age=60", "X-A", "new", "X-C", "c");
      Headers out = Fields.freshen(stored, received);
      assertThat(out.allValues("X-A")).containsExactly("new");
      assertThat(out.firstValue("Cache-Control")).contains("max-age=60");
      assertThat(out.firstValue("X-B")).contains("b");
      assertThat(out.firstValue("X-C")).contains("c");
    }

    @Test
    void S3_12_keptStoredLinesComeFirstThenTheReceivedOnes_repeatedAndAnyCase() {
      Headers stored =
          Headers.of("ETag", "\"e\"", "x-a", "old", "Age", "9", "Content-Type", "text/plain");
      Headers received =
          Headers.of("X-A", "new1", "Expires", "0", "X-A", "new2", "content-type", "text/html");
      assertThat(Fields.freshen(stored, received))
          .isEqualTo(
              Headers.of(
                  "ETag",
                  "\"e\"",
                  "Content-Type",
                  "text/plain",
                  "X-A",
                  "new1",
                  "Expires",
                  "0",
                  "X-A",
                  "new2"));
    }

    @Test
    void S3_12_hopByHopFieldsOfThe304AreNotStored() {
      Headers out =
          Fields.freshen(
              Headers.of("ETag", "\"e\""),
              Headers.of("Connection", "X-Hop", "X-Hop", "1", "Keep-Alive", "timeout=1"));
      assertThat(out.names()).containsExactly("etag");
    }

    @Test
    void S3_12_storedAgeIsDroppedAndReplacedByTheNewOne() {
      assertThat(Fields.freshen(Headers.of("Age", "50"), Headers.empty()).contains("Age"))
          .isFalse();
      assertThat(Fields.freshen(Headers.of("Age", "50"), Headers.of("Age", "3")).allValues("Age"))
          .containsExactly("3");
    }

    /**
     * §3.2: Content-Length MUST NOT be updated. Content-Encoding and Content-Type describe the
     * stored bytes (Cachet stores the received content as is); §3.2 lets a cache omit such fields
     * to preserve the stored response's integrity. Content-Range is "automatically processed" and
     * MAY be discarded; Cachet stores only complete responses, so a 304's Content-Range never
     * describes the stored body.
     */
    @ParameterizedTest
    @CsvSource({
      "Content-Length, 10, 0",
      "Content-Encoding, gzip, br",
      "Content-Type, text/html, application/json",
      "Content-Range, '', bytes 0-1/10",
    })
    void S3_12_304NeverChangesWhatDescribesTheStoredBody(
        String field, String stored, String in304) {
      Headers s = stored.isEmpty() ? Headers.of("ETag", "\"e\"") : Headers.of(field, stored);
      Headers out = Fields.freshen(s, Headers.of(field, in304));
      if (stored.isEmpty()) {
        assertThat(out.contains(field)).isFalse();
      } else {
        assertThat(out.allValues(field)).containsExactly(stored);
      }
    }

    @Test
    void V_02_304ThroughTheMachine_keepsBodyFieldsAndUpdatesOthers() {
      StoredPair p =
          store(
              get(),
              ok(
                  "Cache-Control",
                  "max-age=1",
                  "ETag",
                  "\"e\"",
                  "Content-Length",
                  "10",
                  "Content-Type",
                  "text/html",
                  "Content-Encoding",
                  "gzip",
                  "X-Version",
                  "1"));
      NeedRevalidation rev = (NeedRevalidation) lookup(get(), at(5), p);
      Response notModified =
          response(
              304,
              "Date",
              date(5),
              "ETag",
              "\"e\"",
              "Content-Length",
              "0",
              "Content-Type",
              "text/plain",
              "Content-Encoding",
              "identity",
              "Content-Range",
              "bytes 0-0/1",
              "X-Version",
              "2");
      NeedToBeUpdated up = (NeedToBeUpdated) rev.next(notModified, at(5), at(5), newId());
      Headers h = up.updated().get(0).response().headers();
      assertThat(h.allValues("Content-Length")).containsExactly("10");
      assertThat(h.allValues("Content-Type")).containsExactly("text/html");
      assertThat(h.allValues("Content-Encoding")).containsExactly("gzip");
      assertThat(h.contains("Content-Range")).isFalse();
      assertThat(h.allValues("X-Version")).containsExactly("2");
      assertThat(up.updated().get(0).response().status()).isEqualTo(200);
      assertThat(up.next().response().headers().allValues("Content-Length")).containsExactly("10");
    }
  }
}
