package dev.cachet.proxy.internal;

import io.netty.channel.EventLoop;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs an exchange's steps on its channel's loop in the order they were asked for: at once when
 * asked on the loop with nothing queued, otherwise queued behind what is.
 */
final class Serial {
  private final EventLoop loop;
  private final AtomicInteger queued = new AtomicInteger();

  Serial(EventLoop loop) {
    this.loop = loop;
  }

  EventLoop loop() {
    return loop;
  }

  void run(Runnable step) {
    if (loop.inEventLoop() && queued.get() == 0) {
      step.run();
      return;
    }
    queued.incrementAndGet();
    loop.execute(
        () -> {
          queued.decrementAndGet();
          step.run();
        });
  }
}
