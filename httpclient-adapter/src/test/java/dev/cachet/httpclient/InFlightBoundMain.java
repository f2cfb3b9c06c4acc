package dev.cachet.httpclient;

import dev.cachet.core.CacheOptions;
import dev.cachet.storage.MemoryStorage;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodySubscriber;
import java.net.http.HttpResponse.BodySubscribers;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;

/**
 * SEC-08, run in a JVM with a small heap: {@code n} concurrent misses for distinct large bodies
 * through a shared cache on a 64 MiB {@link MemoryStorage}; every body is counted and checksummed
 * as it streams, and the program prints {@code ok} only when all arrived whole. Arguments: the
 * origin's base URI, the number of requests, the body length, the body's CRC32 [, unbounded].
 */
public final class InFlightBoundMain {
  private InFlightBoundMain() {}

  public static void main(String[] args) throws Exception {
    URI base = URI.create(args[0]);
    int n = Integer.parseInt(args[1]);
    long length = Long.parseLong(args[2]);
    long crc = Long.parseLong(args[3]);
    // A fifth argument, "unbounded", lifts the in-flight bound: the control that shows it matters.
    MemoryStorage.Builder b = MemoryStorage.newBuilder().maximumBytes(64L << 20);
    if (args.length > 4 && args[4].equals("unbounded")) {
      b.maximumInFlightBytes(Long.MAX_VALUE);
    }
    MemoryStorage storage = b.build();
    CachingHttpClient client =
        CachingHttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .storage(storage)
            .cacheOptions(CacheOptions.newBuilder().shared(true).build())
            .build();
    List<CompletableFuture<long[]>> all = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      HttpRequest r = HttpRequest.newBuilder(base.resolve("/big/" + i)).build();
      all.add(client.sendAsync(r, info -> new Checksum()).thenApply(HttpResponse::body));
    }
    int whole = 0;
    for (CompletableFuture<long[]> f : all) {
      long[] got = f.get(5, TimeUnit.MINUTES);
      if (got[0] == length && got[1] == crc) {
        whole++;
      }
    }
    System.out.println(
        "whole="
            + whole
            + " of "
            + n
            + " stores="
            + client.statistics().stores()
            + " inFlightAfter="
            + storage.inFlightBytes());
    System.out.println(whole == n && storage.inFlightBytes() == 0 ? "ok" : "FAILED");
    System.exit(whole == n ? 0 : 1);
  }

  /** Counts and checksums a body as it arrives; yields {length, crc32}. */
  private static final class Checksum implements BodySubscriber<long[]> {
    private final BodySubscriber<Void> done = BodySubscribers.discarding();
    private final CompletableFuture<long[]> result = new CompletableFuture<>();
    private final CRC32 crc = new CRC32();
    private long length;
    private Flow.Subscription subscription;

    @Override
    public java.util.concurrent.CompletionStage<long[]> getBody() {
      return result;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      subscription = s;
      s.request(1);
    }

    @Override
    public void onNext(List<ByteBuffer> items) {
      for (ByteBuffer b : items) {
        length += b.remaining();
        crc.update(b);
      }
      subscription.request(1);
    }

    @Override
    public void onError(Throwable t) {
      result.completeExceptionally(t);
    }

    @Override
    public void onComplete() {
      result.complete(new long[] {length, crc.getValue()});
    }
  }
}
