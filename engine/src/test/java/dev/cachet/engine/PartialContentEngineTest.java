package dev.cachet.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cachet.core.CacheKey;
import dev.cachet.core.Headers;
import dev.cachet.core.Request;
import dev.cachet.engine.FakeOrigin.Answer;
import dev.cachet.storage.MemoryStorage;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Ranges and partial entries through the engine (RFC 9110 §14, RFC 9111 §3.3, §3.4). */
class PartialContentEngineTest {
  private static final URI URI_A = URI.create("http://127.0.0.1/a");
  private static final String BODY = "0123456789";

  private final MemoryStorage storage = MemoryStorage.newBuilder().build();
  private final CacheEngine engine =
      CacheEngine.newBuilder(storage)
          .clock(Clock.fixed(Instant.parse("2026-12-07T10:00:00Z"), ZoneOffset.UTC))
          .build();

  @AfterEach
  void close() {
    engine.close();
    storage.close();
  }

  private CollectingSink get(FakeOrigin origin, String... fields) {
    CollectingSink sink = new CollectingSink();
    engine
        .send(CacheRequest.of(new Request("GET", URI_A, Headers.of(fields))), origin, sink)
        .join();
    return sink;
  }

  private static Answer full() {
    return Answer.of(200, BODY, "Cache-Control", "max-age=60", "ETag", "\"v1\"");
  }

  private static Answer part(int first, int last) {
    return Answer.of(
        206,
        BODY.substring(first, last + 1),
        "Cache-Control",
        "max-age=60",
        "ETag",
        "\"v1\"",
        "Content-Range",
        "bytes " + first + "-" + last + "/" + BODY.length());
  }

  @Test
  void P_01_aRangeOfAStored200_isA206FromTheStore_withOnlyItsSlice() {
    FakeOrigin origin = new FakeOrigin().answer(full());
    get(origin);

    CollectingSink suffix = get(origin, "Range", "bytes=-3");
    CollectingSink middle = get(origin, "Range", "bytes=2-4");
    CollectingSink open = get(origin, "Range", "bytes=8-");

    assertThat(origin.requests()).isEqualTo(1);
    assertThat(suffix.fromStore).isTrue();
    assertThat(suffix.head.status()).isEqualTo(206);
    assertThat(suffix.head.fields().firstValue("Content-Range")).contains("bytes 7-9/10");
    assertThat(suffix.body.join()).isEqualTo("789");
    assertThat(middle.body.join()).isEqualTo("234");
    assertThat(middle.head.fields().firstValue("Content-Length")).contains("3");
    assertThat(open.body.join()).isEqualTo("89");
  }

  @Test
  void P_02_anUnsatisfiableRange_is416_withTheCompleteLength() {
    FakeOrigin origin = new FakeOrigin().answer(full());
    get(origin);

    CollectingSink past = get(origin, "Range", "bytes=20-");

    assertThat(past.head.status()).isEqualTo(416);
    assertThat(past.head.fields().firstValue("Content-Range")).contains("bytes */10");
    assertThat(past.body.join()).isEmpty();
    assertThat(origin.requests()).isEqualTo(1);
  }

  @Test
  void P_03_anIfRangeThatDoesNotMatch_getsTheWhole200() {
    FakeOrigin origin = new FakeOrigin().answer(full());
    get(origin);

    CollectingSink other = get(origin, "Range", "bytes=0-1", "If-Range", "\"v0\"");
    CollectingSink same = get(origin, "Range", "bytes=0-1", "If-Range", "\"v1\"");

    assertThat(other.head.status()).isEqualTo(200);
    assertThat(other.body.join()).isEqualTo(BODY);
    assertThat(same.head.status()).isEqualTo(206);
    assertThat(same.body.join()).isEqualTo("01");
  }

  @Test
  void P_04_P_05_twoPartsAreStored_combined_andBecomeAComplete200() throws Exception {
    FakeOrigin origin = new FakeOrigin().answer(part(0, 4)).answer(part(5, 9));

    CollectingSink first = get(origin, "Range", "bytes=0-4");
    CollectingSink again = get(origin, "Range", "bytes=1-3");
    CollectingSink second = get(origin, "Range", "bytes=5-9");

    assertThat(first.head.status()).isEqualTo(206);
    assertThat(first.body.join()).isEqualTo("01234");
    assertThat(again.fromStore).as("a range the stored part covers").isTrue();
    assertThat(again.body.join()).isEqualTo("123");
    assertThat(second.body.join()).isEqualTo("56789");
    // The promotion runs in the background: it stores the complete pair, then removes the parts.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while ((storage.find(CacheKey.of(URI_A)).isEmpty()
            || !storage.findPartial(CacheKey.of(URI_A)).isEmpty())
        && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    CollectingSink whole = get(origin);
    assertThat(whole.fromStore).isTrue();
    assertThat(whole.head.status()).isEqualTo(200);
    assertThat(whole.body.join()).isEqualTo(BODY);
    assertThat(origin.requests()).isEqualTo(2);
    assertThat(storage.findPartial(CacheKey.of(URI_A))).isEmpty();
  }

  @Test
  void P_06_aPartIsNeverStoredAsTheCompleteResponse() throws IOException {
    FakeOrigin origin = new FakeOrigin().answer(part(0, 4)).answer(full());

    get(origin, "Range", "bytes=0-4");
    CollectingSink plain = get(origin);

    assertThat(plain.fromStore).isFalse();
    assertThat(plain.body.join()).isEqualTo(BODY);
  }
}
