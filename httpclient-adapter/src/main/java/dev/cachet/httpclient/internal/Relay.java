package dev.cachet.httpclient.internal;

import java.net.http.HttpResponse.BodySubscriber;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * A body routed through the engine (teed into storage) on its way to the caller's subscriber, whose
 * result it gives; or, with none, dropped once read.
 */
final class Relay<T> implements BodySubscriber<T> {
  private final Flow.Subscriber<List<ByteBuffer>> routed;
  private final boolean dropped;
  private final CompletableFuture<T> body;

  Relay(Flow.Subscriber<List<ByteBuffer>> routed, BodySubscriber<T> caller) {
    this.routed = routed;
    this.dropped = caller == null;
    // A dropped body's result (null) is ready when the body has ended, as with the JDK's own
    // BodySubscribers.replacing: so that whoever waits for the exchange waits for its body.
    this.body = dropped ? new CompletableFuture<>() : caller.getBody().toCompletableFuture();
  }

  @Override
  public CompletionStage<T> getBody() {
    return body;
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
      body.completeExceptionally(throwable);
    }
  }

  @Override
  public void onComplete() {
    routed.onComplete();
    if (dropped) {
      body.complete(null);
    }
  }
}
