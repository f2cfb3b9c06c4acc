package dev.cachet.engine;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;

/** A caller that gathers the response it is given, from storage or from the origin. */
final class CollectingSink implements ResponseSink {
  volatile ResponseHead head;
  volatile boolean fromStore;
  volatile Thread deliveredOn;
  final CompletableFuture<String> body = new CompletableFuture<>();
  volatile String failedCacheStatus;

  @Override
  public void originFailed(String cacheStatus) {
    failedCacheStatus = cacheStatus;
  }

  @Override
  public void fromStore(ResponseHead h, StoredContent content) {
    head = h;
    fromStore = true;
    deliveredOn = Thread.currentThread();
    content.replayTo(collector());
  }

  @Override
  public Flow.Subscriber<List<ByteBuffer>> fromOrigin(ResponseHead h) {
    head = h;
    deliveredOn = Thread.currentThread();
    return collector();
  }

  private Flow.Subscriber<List<ByteBuffer>> collector() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    return new Flow.Subscriber<>() {
      @Override
      public void onSubscribe(Flow.Subscription s) {
        s.request(Long.MAX_VALUE);
      }

      @Override
      public void onNext(List<ByteBuffer> items) {
        for (ByteBuffer b : items) {
          byte[] bytes = new byte[b.remaining()];
          b.get(bytes);
          out.writeBytes(bytes);
        }
      }

      @Override
      public void onError(Throwable t) {
        body.completeExceptionally(t);
      }

      @Override
      public void onComplete() {
        body.complete(out.toString(StandardCharsets.UTF_8));
      }
    };
  }

  String cacheStatus() {
    return head.cacheStatusValue();
  }
}
