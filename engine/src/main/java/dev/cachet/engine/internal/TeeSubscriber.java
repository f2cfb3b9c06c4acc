package dev.cachet.engine.internal;

import dev.cachet.storage.BodyWriter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Sends the origin's body to the caller's subscriber and, chunk by chunk, to a storage writer,
 * without holding the body in memory. The pair is committed only when the body is complete: on
 * {@code onComplete}, and only when its length matches {@code Content-Length} (S3-10, RFC 9111
 * §3.3). An error, a timeout or an over-long body aborts the write. A storage failure aborts the
 * write and is reported; the caller's stream goes on untouched.
 *
 * <p><b>A caller that stops reading</b> (cancels its subscription, e.g. closes the {@code
 * InputStream}) does not by itself lose the body:
 *
 * <ul>
 *   <li>when every byte {@code Content-Length} announced has arrived, the body is complete and is
 *       committed at once (a {@code GZIPInputStream} closes its stream after the gzip trailer,
 *       often before the JDK signals the end);
 *   <li>when at most {@link #FINISH_BYTES} are left to come (by {@code Content-Length}), or the
 *       length is unknown (chunked), the cache reads the rest behind the caller, and commits it
 *       once complete; it gives up, aborting the write and cancelling the stream, when more than
 *       {@link #FINISH_BYTES} arrive after the caller left or the body has not ended within {@link
 *       #FINISH_TIME};
 *   <li>when more is left to come, the write is aborted and the stream cancelled at once, as a
 *       plain client would cancel it.
 * </ul>
 *
 * The caller's subscriber receives nothing after it cancelled.
 */
final class TeeSubscriber implements Flow.Subscriber<List<ByteBuffer>> {
  /** How much more of an abandoned body the cache reads to store it. */
  static final long FINISH_BYTES = 1L << 20;

  /** How long the cache reads an abandoned body to store it. */
  static final Duration FINISH_TIME = Duration.ofSeconds(30);

  /** What the tee tells its owner. */
  interface Outcome {
    void committed();

    void aborted();

    void storageFailed(Throwable error);
  }

  private final Flow.Subscriber<? super List<ByteBuffer>> downstream;
  private final long expectedLength;
  private final long maximumLength;
  private final Outcome outcome;
  private final long finishBytes;
  private final Duration finishTime;
  private @Nullable BodyWriter writer; // guarded by this
  private Flow.@Nullable Subscription upstream; // guarded by this
  private volatile boolean abandoned;
  private volatile boolean
      callerGone; // the caller cancelled; the body is read behind it, if at all
  private long finishLimit; // guarded by this: the bytes written beyond which the cache gives up

  /**
   * How long a body may be, and how much of it the cache reads behind a caller that left.
   *
   * @param expected the {@code Content-Length}, or -1 when absent
   * @param maximum the largest body to store, or {@code Long.MAX_VALUE}
   * @param finishBytes how much more of an abandoned body the cache reads to store it
   * @param finishTime how long the cache reads an abandoned body to store it
   */
  record Bounds(long expected, long maximum, long finishBytes, Duration finishTime) {
    /** The bounds with the default finishing limits. */
    static Bounds of(long expected, long maximum) {
      return new Bounds(expected, maximum, FINISH_BYTES, FINISH_TIME);
    }
  }

  TeeSubscriber(
      Flow.Subscriber<? super List<ByteBuffer>> downstream,
      BodyWriter writer,
      Bounds bounds,
      Outcome outcome) {
    this.downstream = downstream;
    this.writer = writer;
    this.expectedLength = bounds.expected();
    this.maximumLength = bounds.maximum();
    this.outcome = outcome;
    this.finishBytes = bounds.finishBytes();
    this.finishTime = bounds.finishTime();
  }

  /**
   * Gives up on the body: aborts the write, cancels the origin's stream and ends the caller's
   * subscriber with {@code why}; later signals from the origin are dropped. For the cache's own
   * subscribers only (a background revalidation's), which accept a signal from another thread.
   */
  void abandon(Throwable why) {
    Flow.Subscription s;
    synchronized (this) {
      if (abandoned) {
        return;
      }
      abandoned = true;
      s = upstream;
    }
    abort();
    if (s != null) {
      s.cancel();
    }
    downstream.onError(why);
  }

  @Override
  public void onSubscribe(Flow.Subscription subscription) {
    synchronized (this) {
      upstream = subscription;
    }
    downstream.onSubscribe(
        new Flow.Subscription() {
          @Override
          public void request(long n) {
            subscription.request(n);
          }

          @Override
          public void cancel() {
            callerCancelled(subscription);
          }
        });
  }

  /**
   * The caller stopped reading: commit a body that is complete, read the rest behind the caller
   * when little is left, else abort and cancel (see the class comment).
   */
  private void callerCancelled(Flow.Subscription subscription) {
    boolean finish = false;
    synchronized (this) {
      if (callerGone) {
        return;
      }
      callerGone = true;
      BodyWriter w = writer;
      if (w != null) {
        long written = w.bytesWritten();
        if (expectedLength >= 0 && written == expectedLength) {
          writer = null;
          commit(w); // Every announced byte is here: the body is complete.
        } else if (expectedLength < 0 || expectedLength - written <= finishBytes) {
          finishLimit = written + finishBytes;
          finish = true;
        } else {
          abort();
        }
      }
    }
    if (finish) {
      CompletableFuture.delayedExecutor(finishTime.toNanos(), TimeUnit.NANOSECONDS)
          .execute(() -> giveUp(subscription));
      subscription.request(Long.MAX_VALUE);
    } else {
      subscription.cancel();
    }
  }

  /** The body the caller abandoned did not end in time: stop reading it. */
  private void giveUp(Flow.Subscription subscription) {
    synchronized (this) {
      if (writer == null) {
        return;
      }
      // The stream is stopped before the write is settled, so whoever learns of the abort also
      // finds nothing more being read.
      subscription.cancel();
      abort();
    }
  }

  @Override
  public void onNext(List<ByteBuffer> items) {
    if (abandoned) {
      return;
    }
    Flow.Subscription cancel = null;
    synchronized (this) {
      if (writer != null) {
        try {
          for (ByteBuffer item : items) {
            writer.write(item.duplicate());
          }
          if (writer.bytesWritten() > maximumLength
              || (callerGone && writer.bytesWritten() > finishLimit)) {
            abort();
          }
        } catch (IOException | RuntimeException | Error e) {
          // An Error from a storage (a StackOverflowError, say) is still only the storage's: the
          // write is given up and reported, and the caller's body goes on.
          fail(e);
        }
        if (writer == null && callerGone) {
          cancel = upstream; // Nothing more to store, and nobody reading.
        }
      }
    }
    if (cancel != null) {
      cancel.cancel();
    }
    if (!callerGone) {
      downstream.onNext(items);
    }
  }

  @Override
  public void onError(Throwable throwable) {
    if (abandoned) {
      return;
    }
    abort();
    if (!callerGone) {
      downstream.onError(throwable);
    }
  }

  @Override
  public void onComplete() {
    if (abandoned) {
      return;
    }
    try {
      synchronized (this) {
        BodyWriter w = writer;
        if (w != null) {
          writer = null;
          if (expectedLength >= 0 && w.bytesWritten() != expectedLength) {
            abortQuietly(w); // S3-10: a body cut short (or too long) is never stored as complete.
            outcome.aborted();
          } else {
            commit(w);
          }
        }
      }
    } finally {
      // Committed before the caller sees the end, so its next request finds the pair; and
      // whatever the storage or its settling threw, the caller's body still ends.
      if (!callerGone) {
        downstream.onComplete();
      }
    }
  }

  /** Commits a complete body; the caller holds the lock and has taken the writer. */
  private void commit(BodyWriter w) {
    boolean committed = false;
    try {
      w.commit();
      committed = true;
    } catch (IOException | RuntimeException | Error e) {
      // Whatever the storage throws, the write is settled (and a collapsed request waiting for it
      // released) and the caller gets the end of its body.
      abortQuietly(w);
      outcome.storageFailed(e);
    }
    if (committed) {
      outcome.committed();
    }
  }

  private synchronized void abort() {
    BodyWriter w = writer;
    if (w != null) {
      writer = null;
      abortQuietly(w);
      outcome.aborted();
    }
  }

  private void fail(Throwable e) {
    BodyWriter w = writer;
    writer = null;
    if (w != null) {
      abortQuietly(w);
    }
    outcome.storageFailed(e);
  }

  private static void abortQuietly(BodyWriter w) {
    try {
      w.abort();
    } catch (RuntimeException | Error ignored) {
      // The write is given up either way; the failure that led here is the one reported.
    }
  }
}
