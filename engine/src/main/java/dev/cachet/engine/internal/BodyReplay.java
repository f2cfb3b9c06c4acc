package dev.cachet.engine.internal;

import static java.util.Objects.requireNonNull;

import dev.cachet.storage.StoredBody;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * Feeds a stored body to a caller's subscriber. Chunks are read on the thread that requests them,
 * so a subscriber that requests everything at once (a string, a byte array) receives the whole body
 * on the calling thread before {@code onSubscribe} returns, while a stream reads as the caller
 * reads. Signals are serialised: a request made from inside {@code onNext} is honoured by the loop
 * already running.
 */
final class BodyReplay implements Flow.Subscription {
  private final Flow.Subscriber<? super List<ByteBuffer>> subscriber;
  private final @Nullable StoredBody body;
  private @Nullable ByteBuffer first;
  private boolean ended;
  private boolean done;
  // While the subscriber's onSubscribe runs, the end is held back until it returns (see replay).
  private volatile boolean subscribing = true;
  private volatile boolean endHeld;
  private volatile boolean cancelled;
  private volatile @Nullable IllegalArgumentException
      badRequest; // RS §3.9, signalled by the drain loop
  private final AtomicLong demand = new AtomicLong();
  private final AtomicInteger wip = new AtomicInteger();

  private BodyReplay(
      Flow.Subscriber<? super List<ByteBuffer>> subscriber,
      @Nullable StoredBody body,
      @Nullable ByteBuffer first,
      boolean ended) {
    this.subscriber = subscriber;
    this.body = body;
    this.first = first;
    this.ended = ended;
  }

  /**
   * Replays a body whose first chunk has been read already.
   *
   * @param body the open body, closed when the replay ends; null when {@code first} is all of it
   * @param first the first chunk; null when the body is empty
   */
  static void replay(
      Flow.Subscriber<? super List<ByteBuffer>> subscriber,
      @Nullable StoredBody body,
      @Nullable ByteBuffer first) {
    start(new BodyReplay(subscriber, body, first, first == null || body == null));
  }

  private static void start(BodyReplay replay) {
    Flow.Subscriber<? super List<ByteBuffer>> subscriber = replay.subscriber;
    subscriber.onSubscribe(replay);
    // The end goes out once onSubscribe has returned, as from the JDK's own publishers: a
    // subscriber that hands lines or chunks on through a loop of its own (the JDK's
    // fromLineSubscriber) would otherwise see the end while that loop, which requested the body
    // from inside onSubscribe, still holds undelivered items, and finish before them.
    replay.subscribing = false;
    if (replay.endHeld) {
      replay.drain();
    }
  }

  /** Reads the first chunk: empty when the body is empty. */
  static Optional<ByteBuffer> firstChunk(StoredBody body) throws IOException {
    return body.nextChunk();
  }

  @Override
  public void request(long n) {
    if (n <= 0) {
      // §3.9 while the subscription is live; a no-op once it has ended (§3.6). The error goes out
      // from the drain loop, so it never overlaps or nests inside an onNext (§1.3).
      if (!cancelled && badRequest == null) {
        badRequest = new IllegalArgumentException("non-positive request: " + n);
      }
      drain();
      return;
    }
    demand.getAndAccumulate(n, (a, b) -> a + b < 0 ? Long.MAX_VALUE : a + b);
    drain();
  }

  @Override
  public void cancel() {
    cancelled = true;
    drain();
  }

  private void drain() {
    if (wip.getAndIncrement() != 0) {
      return;
    }
    int missed = 1;
    do {
      while (!done) {
        if (cancelled) {
          finish();
          break;
        }
        IllegalArgumentException bad = badRequest;
        if (bad != null) {
          finish();
          subscriber.onError(bad);
          break;
        }
        if (first == null && ended) {
          if (subscribing) {
            endHeld = true;
            if (subscribing) { // else replay() may have looked at endHeld already: go on
              break;
            }
          }
          finish();
          subscriber.onComplete();
          break;
        }
        if (demand.get() == 0) {
          break;
        }
        ByteBuffer chunk;
        if (first != null) {
          chunk = first;
          first = null;
        } else {
          try {
            // The body is null only when the first chunk was all of it, and then ended is set.
            chunk = requireNonNull(body, "body").nextChunk().orElse(null);
          } catch (IOException | RuntimeException e) {
            finish();
            subscriber.onError(e);
            break;
          }
        }
        if (chunk == null) {
          ended = true;
          continue;
        }
        demand.decrementAndGet();
        // A duplicate: the subscriber may move its position; the stored buffer stays untouched.
        subscriber.onNext(List.of(chunk.duplicate()));
      }
      missed = wip.addAndGet(-missed);
    } while (missed != 0);
  }

  private void finish() {
    done = true;
    if (body != null) {
      try {
        body.close();
      } catch (IOException ignored) {
        // Nothing more is read from it; a failure to release it changes nothing for the caller.
      }
    }
  }
}
