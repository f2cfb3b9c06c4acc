package dev.cachet.httpclient.internal;

import dev.cachet.storage.BodyWriter;
import java.io.IOException;
import java.net.http.HttpResponse.BodySubscriber;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * Sends the origin's body to the caller's subscriber and, chunk by chunk, to a storage writer,
 * without holding the body in memory. The pair is committed only when the body is complete: on
 * {@code onComplete}, and only when its length matches {@code Content-Length} (S3-10, RFC 9111
 * §3.3). An error, a cancellation, a timeout or an over-long body aborts the write. A storage
 * failure aborts the write and is reported; the caller's stream goes on untouched.
 */
final class TeeSubscriber<T> implements BodySubscriber<T> {

  /** What the tee tells its owner. */
  interface Outcome {
    void committed();

    void aborted();

    void storageFailed(Throwable error);
  }

  private final BodySubscriber<T> downstream;
  private final long expectedLength;
  private final long maximumLength;
  private final Outcome outcome;
  private BodyWriter writer; // guarded by this
  private Flow.Subscription upstream; // guarded by this
  private volatile boolean abandoned;

  /**
   * @param expectedLength the {@code Content-Length}, or -1 when absent
   * @param maximumLength the largest body to store, or {@code Long.MAX_VALUE}
   */
  TeeSubscriber(
      BodySubscriber<T> downstream,
      BodyWriter writer,
      long expectedLength,
      long maximumLength,
      Outcome outcome) {
    this.downstream = downstream;
    this.writer = writer;
    this.expectedLength = expectedLength;
    this.maximumLength = maximumLength;
    this.outcome = outcome;
  }

  @Override
  public CompletionStage<T> getBody() {
    return downstream.getBody();
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
            abort();
            subscription.cancel();
          }
        });
  }

  @Override
  public void onNext(List<ByteBuffer> items) {
    if (abandoned) {
      return;
    }
    synchronized (this) {
      if (writer != null) {
        try {
          for (ByteBuffer item : items) {
            writer.write(item.duplicate());
          }
          if (writer.bytesWritten() > maximumLength) {
            abort();
          }
        } catch (IOException | RuntimeException | Error e) {
          // An Error from a storage (a StackOverflowError, say) is still only the storage's: the
          // write is given up and reported, and the caller's body goes on.
          fail(e);
        }
      }
    }
    downstream.onNext(items);
  }

  @Override
  public void onError(Throwable throwable) {
    if (abandoned) {
      return;
    }
    abort();
    downstream.onError(throwable);
  }

  @Override
  public void onComplete() {
    if (abandoned) {
      return;
    }
    synchronized (this) {
      BodyWriter w = writer;
      if (w != null) {
        writer = null;
        if (expectedLength >= 0 && w.bytesWritten() != expectedLength) {
          w.abort(); // S3-10: a body cut short (or too long) is never stored as complete.
          outcome.aborted();
        } else {
          boolean committed = false;
          try {
            w.commit();
            committed = true;
          } catch (IOException | RuntimeException | Error e) {
            // Whatever the storage throws, the write is settled (and a collapsed request waiting
            // for it released) and the caller gets the end of its body.
            abortQuietly(w);
            outcome.storageFailed(e);
          }
          if (committed) {
            outcome.committed();
          }
        }
      }
    }
    // Committed before the caller sees the end, so its next request finds the pair.
    downstream.onComplete();
  }

  private synchronized void abort() {
    BodyWriter w = writer;
    if (w != null) {
      writer = null;
      w.abort();
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
