package dev.cachet.engine.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cachet.storage.StoredBody;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse.BodySubscriber;
import java.net.http.HttpResponse.BodySubscribers;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import org.junit.jupiter.api.Test;

/** Replaying a stored body: on demand, in order, closed at the end, errors passed on. */
class BodyReplayTest {

  /** A body in chunks, as a file store hands it out; counts closes. */
  static final class ChunkedBody implements StoredBody {
    final Deque<ByteBuffer> chunks = new ArrayDeque<>();
    int closes;
    boolean failAtEnd;

    ChunkedBody(String... parts) {
      for (String p : parts) {
        chunks.add(ByteBuffer.wrap(p.getBytes(StandardCharsets.US_ASCII)).asReadOnlyBuffer());
      }
    }

    @Override
    public long length() {
      return chunks.stream().mapToLong(ByteBuffer::remaining).sum();
    }

    @Override
    public Optional<ByteBuffer> nextChunk() throws IOException {
      if (chunks.isEmpty() && failAtEnd) {
        throw new IOException("checksum mismatch");
      }
      return Optional.ofNullable(chunks.poll());
    }

    @Override
    public InputStream asInputStream() {
      throw new UnsupportedOperationException("the replay reads chunks");
    }

    @Override
    public void close() {
      closes++;
    }
  }

  static void replay(Flow.Subscriber<? super List<ByteBuffer>> s, ChunkedBody body)
      throws IOException {
    BodyReplay.replay(s, body, body.nextChunk().orElse(null));
  }

  @Test
  void wholeBody_reachesAStringSubscriber_synchronously() throws IOException {
    ChunkedBody body = new ChunkedBody("ab", "cd", "ef");
    BodySubscriber<String> s = BodySubscribers.ofString(StandardCharsets.US_ASCII);
    replay(s, body);

    CompletableFuture<String> f = s.getBody().toCompletableFuture();
    assertThat(f).isCompleted();
    assertThat(f.join()).isEqualTo("abcdef");
    assertThat(body.closes).isEqualTo(1);
  }

  @Test
  void emptyBody_completesAtOnce() {
    BodySubscriber<String> s = BodySubscribers.ofString(StandardCharsets.US_ASCII);
    BodyReplay.replay(s, null, null);
    assertThat(s.getBody().toCompletableFuture().join()).isEmpty();
  }

  @Test
  void chunksAreDeliveredOnlyOnDemand() throws IOException {
    ChunkedBody body = new ChunkedBody("a", "b", "c");
    StringBuilder got = new StringBuilder();
    Flow.Subscription[] sub = new Flow.Subscription[1];
    boolean[] done = new boolean[1];
    replay(
        new Flow.Subscriber<List<ByteBuffer>>() {
          @Override
          public void onSubscribe(Flow.Subscription s) {
            sub[0] = s;
          }

          @Override
          public void onNext(List<ByteBuffer> item) {
            item.forEach(b -> got.append(StandardCharsets.US_ASCII.decode(b)));
          }

          @Override
          public void onError(Throwable t) {}

          @Override
          public void onComplete() {
            done[0] = true;
          }
        },
        body);

    assertThat(got).isEmpty();
    sub[0].request(2);
    assertThat(got.toString()).isEqualTo("ab");
    assertThat(done[0]).isFalse();
    sub[0].request(5);
    assertThat(got.toString()).isEqualTo("abc");
    assertThat(done[0]).isTrue();
    assertThat(body.closes).isEqualTo(1);
  }

  @Test
  void readFailure_reachesTheSubscriberAsError() throws IOException {
    ChunkedBody body = new ChunkedBody("abc");
    body.failAtEnd = true;
    BodySubscriber<String> s = BodySubscribers.ofString(StandardCharsets.US_ASCII);
    replay(s, body);

    assertThat(s.getBody().toCompletableFuture()).isCompletedExceptionally();
    assertThat(body.closes).isEqualTo(1);
  }

  @Test
  void cancel_closesTheBody() throws IOException {
    ChunkedBody body = new ChunkedBody("a", "b");
    Flow.Subscription[] sub = new Flow.Subscription[1];
    replay(
        new Flow.Subscriber<List<ByteBuffer>>() {
          @Override
          public void onSubscribe(Flow.Subscription s) {
            sub[0] = s;
          }

          @Override
          public void onNext(List<ByteBuffer> item) {}

          @Override
          public void onError(Throwable t) {}

          @Override
          public void onComplete() {}
        },
        body);
    sub[0].cancel();
    assertThat(body.closes).isEqualTo(1);
  }

  /** Records every signal in order; acts on the subscription as a test says. */
  static final class Recorder implements Flow.Subscriber<List<ByteBuffer>> {
    final List<String> signals = new java.util.ArrayList<>();
    Flow.Subscription subscription;
    boolean insideOnNext;
    java.util.function.Consumer<Flow.Subscription> onFirstNext = s -> {};

    @Override
    public void onSubscribe(Flow.Subscription s) {
      subscription = s;
    }

    @Override
    public void onNext(List<ByteBuffer> item) {
      signals.add("next");
      insideOnNext = true;
      try {
        java.util.function.Consumer<Flow.Subscription> once = onFirstNext;
        onFirstNext = x -> {};
        once.accept(subscription);
      } finally {
        insideOnNext = false;
      }
    }

    @Override
    public void onError(Throwable t) {
      signals.add((insideOnNext ? "nested " : "") + "error " + t.getClass().getSimpleName());
    }

    @Override
    public void onComplete() {
      signals.add("complete");
    }
  }

  @Test
  void nonPositiveRequest_signalsOneIllegalArgumentError_andNothingAfterIt() throws IOException {
    ChunkedBody body = new ChunkedBody("ab", "cd");
    Recorder r = new Recorder();
    replay(r, body);

    r.subscription.request(0); // RS §3.9
    r.subscription.request(-1); // after the error the subscription is cancelled: §3.6, a no-op
    r.subscription.request(5);

    assertThat(r.signals).containsExactly("error IllegalArgumentException");
    assertThat(body.closes).isEqualTo(1);
  }

  @Test
  void nonPositiveRequest_afterCompletion_signalsNothing() throws IOException {
    ChunkedBody body = new ChunkedBody("ab");
    Recorder r = new Recorder();
    replay(r, body);
    r.subscription.request(10);

    r.subscription.request(0); // RS §3.6: the subscription has ended, so a no-op

    assertThat(r.signals).containsExactly("next", "complete");
  }

  @Test
  void nonPositiveRequest_fromInsideOnNext_errorIsSignalledAfterOnNextReturns() throws IOException {
    ChunkedBody body = new ChunkedBody("ab", "cd", "ef");
    Recorder r = new Recorder();
    r.onFirstNext = s -> s.request(-3);
    replay(r, body);

    r.subscription.request(1);

    // RS §1.3: signals are serial, never one inside another.
    assertThat(r.signals).containsExactly("next", "error IllegalArgumentException");
    assertThat(body.closes).isEqualTo(1);
  }

  /**
   * Guards against a line subscriber's finisher running before its lines: the JDK's {@code
   * fromLineSubscriber} requests the body from inside {@code onSubscribe} and completes its result
   * as soon as it sees the end, while lines wait in its own loop; the end must come after {@code
   * onSubscribe} returned, as from the JDK's publishers.
   */
  @Test
  void theEnd_comesAfterOnSubscribeReturned_evenWhenTheBodyWasRequestedInside() throws Exception {
    List<String> events = new java.util.ArrayList<>();
    Flow.Subscriber<List<ByteBuffer>> s =
        new Flow.Subscriber<>() {
          boolean inOnSubscribe;

          @Override
          public void onSubscribe(Flow.Subscription subscription) {
            inOnSubscribe = true;
            subscription.request(Long.MAX_VALUE);
            inOnSubscribe = false;
            events.add("onSubscribe returned");
          }

          @Override
          public void onNext(List<ByteBuffer> item) {
            events.add("onNext" + (inOnSubscribe ? " inside" : ""));
          }

          @Override
          public void onError(Throwable throwable) {
            events.add("onError");
          }

          @Override
          public void onComplete() {
            events.add("onComplete" + (inOnSubscribe ? " inside" : ""));
          }
        };
    ChunkedBody body = new ChunkedBody("ab", "cd");

    replay(s, body);

    assertThat(events)
        .containsExactly("onNext inside", "onNext inside", "onSubscribe returned", "onComplete");
    assertThat(body.closes).isEqualTo(1);

    // And through the JDK's line subscriber, whose finisher counts the lines it was given.
    List<String> lines = new java.util.ArrayList<>();
    BodySubscriber<Integer> lineSubscriber =
        BodySubscribers.fromLineSubscriber(
            new Flow.Subscriber<String>() {
              @Override
              public void onSubscribe(Flow.Subscription subscription) {
                subscription.request(Long.MAX_VALUE);
              }

              @Override
              public void onNext(String item) {
                lines.add(item);
              }

              @Override
              public void onError(Throwable throwable) {}

              @Override
              public void onComplete() {}
            },
            x -> lines.size(),
            StandardCharsets.US_ASCII,
            "\n");
    replay(lineSubscriber, new ChunkedBody("a\nb\n", "c\nd"));
    assertThat(lineSubscriber.getBody().toCompletableFuture().getNow(-1)).isEqualTo(4);
  }
}
