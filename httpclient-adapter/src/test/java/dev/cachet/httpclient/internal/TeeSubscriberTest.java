package dev.cachet.httpclient.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cachet.core.CacheKey;
import dev.cachet.core.Headers;
import dev.cachet.core.Request;
import dev.cachet.core.Response;
import dev.cachet.core.StoredPair;
import dev.cachet.storage.MemoryStorage;
import java.net.URI;
import java.net.http.HttpResponse.BodySubscriber;
import java.net.http.HttpResponse.BodySubscribers;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The tee commits a complete body only (S3-10) and never disturbs the caller's stream. */
class TeeSubscriberTest {
  final MemoryStorage storage = MemoryStorage.newBuilder().build();
  final URI uri = URI.create("http://example.test/x");
  final StoredPair pair =
      new StoredPair(
          UUID.randomUUID(),
          CacheKey.of(uri),
          Request.get(uri),
          Response.of(200, Headers.of("Cache-Control", "max-age=60")),
          Instant.EPOCH,
          Instant.EPOCH);
  final AtomicInteger committed = new AtomicInteger();
  final AtomicInteger aborted = new AtomicInteger();
  final AtomicInteger failed = new AtomicInteger();
  final AtomicBoolean cancelledUpstream = new AtomicBoolean();

  @AfterEach
  void close() {
    storage.close();
  }

  TeeSubscriber<String> tee(BodySubscriber<String> down, long expected, long max) throws Exception {
    return new TeeSubscriber<>(
        down,
        storage.newWriter(pair),
        expected,
        max,
        new TeeSubscriber.Outcome() {
          @Override
          public void committed() {
            committed.incrementAndGet();
          }

          @Override
          public void aborted() {
            aborted.incrementAndGet();
          }

          @Override
          public void storageFailed(Throwable error) {
            failed.incrementAndGet();
          }
        });
  }

  Flow.Subscription upstream() {
    return new Flow.Subscription() {
      @Override
      public void request(long n) {}

      @Override
      public void cancel() {
        cancelledUpstream.set(true);
      }
    };
  }

  static List<ByteBuffer> chunk(String s) {
    return List.of(ByteBuffer.wrap(s.getBytes(StandardCharsets.US_ASCII)));
  }

  @Test
  void completeBody_reachesTheCaller_andIsCommitted() throws Exception {
    BodySubscriber<String> down = BodySubscribers.ofString(StandardCharsets.US_ASCII);
    TeeSubscriber<String> t = tee(down, 10, Long.MAX_VALUE);
    t.onSubscribe(upstream());
    t.onNext(chunk("hello"));
    t.onNext(chunk("world"));
    t.onComplete();

    assertThat(t.getBody().toCompletableFuture().join()).isEqualTo("helloworld");
    assertThat(committed).hasValue(1);
    assertThat(storage.find(pair.key())).containsExactly(pair);
    try (var body = storage.openBody(pair).orElseThrow()) {
      assertThat(new String(body.asInputStream().readAllBytes(), StandardCharsets.US_ASCII))
          .isEqualTo("helloworld");
    }
  }

  @Test
  void S3_10_bodyShorterThanContentLength_isNotCommitted() throws Exception {
    TeeSubscriber<String> t =
        tee(BodySubscribers.ofString(StandardCharsets.US_ASCII), 20, Long.MAX_VALUE);
    t.onSubscribe(upstream());
    t.onNext(chunk("hello"));
    t.onComplete();

    assertThat(t.getBody().toCompletableFuture().join()).isEqualTo("hello");
    assertThat(committed).hasValue(0);
    assertThat(aborted).hasValue(1);
    assertThat(storage.find(pair.key())).isEmpty();
  }

  @Test
  void error_abortsTheWrite_andReachesTheCaller() throws Exception {
    TeeSubscriber<String> t =
        tee(BodySubscribers.ofString(StandardCharsets.US_ASCII), -1, Long.MAX_VALUE);
    t.onSubscribe(upstream());
    t.onNext(chunk("hel"));
    t.onError(new java.io.IOException("reset"));

    assertThat(t.getBody().toCompletableFuture()).isCompletedExceptionally();
    assertThat(aborted).hasValue(1);
    assertThat(storage.find(pair.key())).isEmpty();
  }

  @Test
  void cancelByTheCaller_abortsTheWrite_andCancelsUpstream() throws Exception {
    AtomicBoolean gotSubscription = new AtomicBoolean();
    BodySubscriber<String> down =
        BodySubscribers.fromSubscriber(
            new Flow.Subscriber<List<ByteBuffer>>() {
              @Override
              public void onSubscribe(Flow.Subscription s) {
                gotSubscription.set(true);
                s.cancel();
              }

              @Override
              public void onNext(List<ByteBuffer> item) {}

              @Override
              public void onError(Throwable throwable) {}

              @Override
              public void onComplete() {}
            },
            s -> "cancelled");
    TeeSubscriber<String> t = tee(down, -1, Long.MAX_VALUE);
    t.onSubscribe(upstream());

    assertThat(gotSubscription).isTrue();
    assertThat(cancelledUpstream).isTrue();
    assertThat(aborted).hasValue(1);
    t.onComplete(); // a late completion commits nothing
    assertThat(committed).hasValue(0);
    assertThat(storage.find(pair.key())).isEmpty();
  }

  @Test
  void bodyOverTheMaximum_isNotStored_butReachesTheCallerWhole() throws Exception {
    TeeSubscriber<String> t = tee(BodySubscribers.ofString(StandardCharsets.US_ASCII), -1, 8);
    t.onSubscribe(upstream());
    t.onNext(chunk("hello"));
    t.onNext(chunk("world"));
    t.onComplete();

    assertThat(t.getBody().toCompletableFuture().join()).isEqualTo("helloworld");
    assertThat(aborted).hasValue(1);
    assertThat(storage.find(pair.key())).isEmpty();
  }

  @Test
  void callersBuffers_areNotConsumedByTheStorage() throws Exception {
    ByteBuffer b = ByteBuffer.wrap("abc".getBytes(StandardCharsets.US_ASCII));
    TeeSubscriber<String> t =
        tee(BodySubscribers.ofString(StandardCharsets.US_ASCII), 3, Long.MAX_VALUE);
    t.onSubscribe(upstream());
    t.onNext(List.of(b));
    t.onComplete();

    assertThat(t.getBody().toCompletableFuture().join()).isEqualTo("abc");
    assertThat(committed).hasValue(1);
  }
}
