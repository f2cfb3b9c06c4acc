package dev.cachet.httpclient.internal;

import java.net.http.HttpResponse.BodySubscriber;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import org.jspecify.annotations.Nullable;

/**
 * A body routed through the engine (teed into storage) on its way to the caller's subscriber, whose
 * result it gives; or, with none, dropped once read.
 */
final class Relay<T> implements BodySubscriber<T> {
  private final Flow.Subscriber<List<ByteBuffer>> routed;
  private final @Nullable BodySubscriber<T> caller;
  private final boolean dropped;
  // A dropped body's result (null) is ready when the body has ended, as with the JDK's own
  // BodySubscribers.replacing: so that whoever waits for the exchange waits for its body.
  private final CompletableFuture<@Nullable T> droppedBody = new CompletableFuture<>();

  Relay(Flow.Subscriber<List<ByteBuffer>> routed, @Nullable BodySubscriber<T> caller) {
    this.routed = routed;
    this.caller = caller;
    this.dropped = caller == null;
  }

  /**
   * The caller's result, asked for only when the JDK asks: a mapping subscriber's function (a
   * {@code GZIPInputStream} over the stream, say) may read the body, which must have started.
   */
  @Override
  public CompletionStage<@Nullable T> getBody() {
    BodySubscriber<T> c = caller;
    return c == null ? droppedBody : c.getBody();
  }

  @Override
  public void onSubscribe(Flow.Subscription subscription) {
    routed.onSubscribe(subscription);
  }

  @Override
  public void onNext(List<ByteBuffer> item) {
    routed.onNext(item);
  }

  @Override
  public void onError(Throwable throwable) {
    routed.onError(throwable);
    if (dropped) {
      droppedBody.completeExceptionally(throwable);
    }
  }

  @Override
  public void onComplete() {
    routed.onComplete();
    if (dropped) {
      droppedBody.complete(null);
    }
  }

  /**
   * Whether the subscriber is the JDK's own byte-array subscriber ({@code BodySubscribers
   * .ofByteArray()}, {@code ofString}), which hands out the body only when it is complete.
   */
  static boolean collectsWholeBody(BodySubscriber<?> subscriber) {
    return subscriber
        .getClass()
        .getName()
        .equals("jdk.internal.net.http.ResponseSubscribers$ByteArraySubscriber");
  }
}
