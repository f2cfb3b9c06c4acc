package dev.cachet.proxy.internal;

import io.netty.util.concurrent.EventExecutor;
import java.util.concurrent.Flow;
import java.util.function.LongConsumer;

/**
 * A subscription whose signals may come on any thread and are carried out on one event loop: at
 * once when given on the loop, else queued to it in the order given. A body's subscriber asks for
 * more, or cancels, from wherever it runs; the origin connection's state is touched only on its
 * loop.
 */
final class LoopSubscription implements Flow.Subscription {
  private final EventExecutor loop;
  private final LongConsumer request;
  private final Runnable cancel;

  /**
   * @param request carries out {@link #request(long)} on the loop
   * @param cancel carries out {@link #cancel()} on the loop
   */
  LoopSubscription(EventExecutor loop, LongConsumer request, Runnable cancel) {
    this.loop = loop;
    this.request = request;
    this.cancel = cancel;
  }

  @Override
  public void request(long n) {
    if (loop.inEventLoop()) {
      request.accept(n);
    } else {
      loop.execute(() -> request.accept(n));
    }
  }

  @Override
  public void cancel() {
    if (loop.inEventLoop()) {
      cancel.run();
    } else {
      loop.execute(cancel);
    }
  }
}
