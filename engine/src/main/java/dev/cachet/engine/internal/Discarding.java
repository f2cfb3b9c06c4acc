package dev.cachet.engine.internal;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.Flow;

/** Reads a body the caller does not receive (a 304's, a background response's) and drops it. */
final class Discarding implements Flow.Subscriber<List<ByteBuffer>> {
  @Override
  public void onSubscribe(Flow.Subscription subscription) {
    subscription.request(Long.MAX_VALUE);
  }

  @Override
  public void onNext(List<ByteBuffer> item) {}

  @Override
  public void onError(Throwable throwable) {}

  @Override
  public void onComplete() {}
}
