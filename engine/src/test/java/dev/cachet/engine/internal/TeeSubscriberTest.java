package dev.cachet.engine.internal;

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
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
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

  /** The tee with the body its caller's subscriber makes, as a shell pairs them. */
  record Teed<T>(TeeSubscriber tee, BodySubscriber<T> down) implements BodySubscriber<T> {
    @Override
    public CompletionStage<T> getBody() {
      return down.getBody();
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
      tee.onSubscribe(subscription);
    }

    @Override
    public void onNext(List<ByteBuffer> item) {
      tee.onNext(item);
    }

    @Override
    public void onError(Throwable throwable) {
      tee.onError(throwable);
    }

    @Override
    public void onComplete() {
      tee.onComplete();
    }
  }

  Teed<String> tee(BodySubscriber<String> down, long expected, long max) throws Exception {
    return new Teed<>(
        new TeeSubscriber(
            down,
            storage.newWriter(pair),
            TeeSubscriber.Bounds.of(expected, max),
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
            }),
        down);
  }

  Flow.Subscription upstream() {
    return new Flow.Subscription() {
      @Override
      public void request(long n) {}

      @Override
      public void cancel() {
        cancelledUpstream.set(true);
        cancelledLatch.countDown();
      }
    };
  }

  static List<ByteBuffer> chunk(String s) {
    return List.of(ByteBuffer.wrap(s.getBytes(StandardCharsets.US_ASCII)));
  }

  @Test
  void completeBody_reachesTheCaller_andIsCommitted() throws Exception {
    BodySubscriber<String> down = BodySubscribers.ofString(StandardCharsets.US_ASCII);
    Teed<String> t = tee(down, 10, Long.MAX_VALUE);
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
    Teed<String> t = tee(BodySubscribers.ofString(StandardCharsets.US_ASCII), 20, Long.MAX_VALUE);
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
    Teed<String> t = tee(BodySubscribers.ofString(StandardCharsets.US_ASCII), -1, Long.MAX_VALUE);
    t.onSubscribe(upstream());
    t.onNext(chunk("hel"));
    t.onError(new java.io.IOException("reset"));

    assertThat(t.getBody().toCompletableFuture()).isCompletedExceptionally();
    assertThat(aborted).hasValue(1);
    assertThat(storage.find(pair.key())).isEmpty();
  }

  /** A caller's subscriber that cancels when told to, and counts what reaches it after that. */
  static final class Leaving implements Flow.Subscriber<List<ByteBuffer>> {
    Flow.Subscription subscription;
    final AtomicInteger signalsAfterCancel = new AtomicInteger();
    boolean cancelled;

    @Override
    public void onSubscribe(Flow.Subscription s) {
      subscription = s;
      s.request(1);
    }

    void leave() {
      cancelled = true;
      subscription.cancel();
    }

    @Override
    public void onNext(List<ByteBuffer> item) {
      if (cancelled) {
        signalsAfterCancel.incrementAndGet();
      } else {
        subscription.request(1);
      }
    }

    @Override
    public void onError(Throwable throwable) {
      if (cancelled) {
        signalsAfterCancel.incrementAndGet();
      }
    }

    @Override
    public void onComplete() {
      if (cancelled) {
        signalsAfterCancel.incrementAndGet();
      }
    }
  }

  Teed<String> tee(Leaving caller, long expected, long finishBytes, Duration finishTime)
      throws Exception {
    BodySubscriber<String> down = BodySubscribers.fromSubscriber(caller, s -> "left");
    return new Teed<>(
        new TeeSubscriber(
            down,
            storage.newWriter(pair),
            new TeeSubscriber.Bounds(expected, Long.MAX_VALUE, finishBytes, finishTime),
            new TeeSubscriber.Outcome() {
              @Override
              public void committed() {
                committed.incrementAndGet();
              }

              @Override
              public void aborted() {
                aborted.incrementAndGet();
                abortedLatch.countDown();
              }

              @Override
              public void storageFailed(Throwable error) {
                failed.incrementAndGet();
              }
            }),
        down);
  }

  final CountDownLatch abortedLatch = new CountDownLatch(1);
  final CountDownLatch cancelledLatch = new CountDownLatch(1);
  final AtomicLong requestedUpstream = new AtomicLong();

  Flow.Subscription countingUpstream() {
    return new Flow.Subscription() {
      @Override
      public void request(long n) {
        requestedUpstream.getAndAccumulate(n, (a, b) -> a + b < 0 ? Long.MAX_VALUE : a + b);
      }

      @Override
      public void cancel() {
        cancelledUpstream.set(true);
        cancelledLatch.countDown();
      }
    };
  }

  @Test
  void S3_10_callerLeavesAfterTheLastAnnouncedByte_theBodyIsComplete_andCommitted()
      throws Exception {
    Leaving caller = new Leaving();
    Teed<String> t = tee(caller, 10, 4, Duration.ofMinutes(1));
    t.onSubscribe(countingUpstream());
    t.onNext(chunk("hello"));
    t.onNext(chunk("world"));
    caller.leave(); // as a GZIPInputStream closes after the trailer, before onComplete

    assertThat(committed).hasValue(1);
    assertThat(cancelledUpstream).isTrue();
    assertThat(storage.find(pair.key())).containsExactly(pair);
    t.onComplete(); // the late end commits nothing more and reaches nobody
    assertThat(committed).hasValue(1);
    assertThat(caller.signalsAfterCancel).hasValue(0);
  }

  @Test
  void callerLeavesWithLittleLeft_theRestIsReadBehind_andCommitted() throws Exception {
    Leaving caller = new Leaving();
    Teed<String> t = tee(caller, 10, 5, Duration.ofMinutes(1));
    t.onSubscribe(countingUpstream());
    t.onNext(chunk("hello"));
    caller.leave();

    assertThat(cancelledUpstream).isFalse();
    assertThat(requestedUpstream).hasValue(Long.MAX_VALUE);
    t.onNext(chunk("world"));
    t.onComplete();

    assertThat(committed).hasValue(1);
    assertThat(aborted).hasValue(0);
    assertThat(caller.signalsAfterCancel).hasValue(0);
    try (var body = storage.openBody(pair).orElseThrow()) {
      assertThat(new String(body.asInputStream().readAllBytes(), StandardCharsets.US_ASCII))
          .isEqualTo("helloworld");
    }
  }

  @Test
  void callerLeavesWithMuchLeft_theWriteIsAborted_andUpstreamCancelled() throws Exception {
    Leaving caller = new Leaving();
    Teed<String> t = tee(caller, 20, 4, Duration.ofMinutes(1));
    t.onSubscribe(countingUpstream());
    t.onNext(chunk("hello"));
    caller.leave();

    assertThat(aborted).hasValue(1);
    assertThat(cancelledUpstream).isTrue();
    t.onComplete(); // a late completion commits nothing
    assertThat(committed).hasValue(0);
    assertThat(storage.find(pair.key())).isEmpty();
  }

  @Test
  void unknownLength_isReadBehindUpToTheBound_thenGivenUp() throws Exception {
    Leaving caller = new Leaving();
    Teed<String> t = tee(caller, -1, 4, Duration.ofMinutes(1));
    t.onSubscribe(countingUpstream());
    t.onNext(chunk("hello"));
    caller.leave();
    assertThat(cancelledUpstream).isFalse();

    t.onNext(chunk("worl"));
    assertThat(aborted).hasValue(0);
    t.onNext(chunk("d"));

    assertThat(aborted).hasValue(1);
    assertThat(cancelledUpstream).isTrue();
    assertThat(storage.find(pair.key())).isEmpty();
    assertThat(caller.signalsAfterCancel).hasValue(0);
  }

  @Test
  void bodyReadBehindThatDoesNotEndInTime_isGivenUp() throws Exception {
    Leaving caller = new Leaving();
    Teed<String> t = tee(caller, -1, 1 << 20, Duration.ofMillis(10));
    t.onSubscribe(countingUpstream());
    t.onNext(chunk("hello"));
    caller.leave(); // and the origin sends nothing more

    assertThat(abortedLatch.await(10, TimeUnit.SECONDS)).isTrue();
    // The timer thread aborts the write, then cancels the upstream: wait for both.
    assertThat(cancelledLatch.await(10, TimeUnit.SECONDS)).isTrue();
    t.onComplete(); // too late
    assertThat(committed).hasValue(0);
    assertThat(storage.find(pair.key())).isEmpty();
  }

  @Test
  void callerThatNeverReadsAnything_andLeaves_withNothingToStore_cancelsUpstream()
      throws Exception {
    Leaving caller = new Leaving();
    Teed<String> t = tee(caller, 0, 4, Duration.ofMinutes(1));
    t.onSubscribe(countingUpstream());
    caller.leave(); // Content-Length: 0, all of it here

    assertThat(committed).hasValue(1);
    assertThat(cancelledUpstream).isTrue();
  }

  @Test
  void bodyOverTheMaximum_isNotStored_butReachesTheCallerWhole() throws Exception {
    Teed<String> t = tee(BodySubscribers.ofString(StandardCharsets.US_ASCII), -1, 8);
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
    Teed<String> t = tee(BodySubscribers.ofString(StandardCharsets.US_ASCII), 3, Long.MAX_VALUE);
    t.onSubscribe(upstream());
    t.onNext(List.of(b));
    t.onComplete();

    assertThat(t.getBody().toCompletableFuture().join()).isEqualTo("abc");
    assertThat(committed).hasValue(1);
  }
}
