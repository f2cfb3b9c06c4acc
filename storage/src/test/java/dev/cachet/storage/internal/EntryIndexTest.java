package dev.cachet.storage.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cachet.core.CacheKey;
import dev.cachet.core.Headers;
import dev.cachet.core.Request;
import dev.cachet.core.Response;
import dev.cachet.core.StoredPair;
import java.net.URI;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** The index a file storage evicts from. */
class EntryIndexTest {

  /**
   * Readers mark entries used while eviction orders them: the ordering must not fail (a sort whose
   * keys change under it may throw "Comparison method violates its general contract"), since it
   * runs after a commit has already published its pair.
   */
  @Test
  void leastRecentlyUsedOrder_whileEntriesAreTouched_neverFails() throws Exception {
    EntryIndex index = new EntryIndex(0, 0);
    URI uri = URI.create("http://example.com/i");
    Instant t = Instant.parse("2026-01-02T03:04:05Z");
    int n = 2000;
    Path[] paths = new Path[n];
    for (int i = 0; i < n; i++) {
      StoredPair p =
          new StoredPair(
              UUID.randomUUID(),
              CacheKey.of(uri),
              Request.get(uri),
              Response.of(200, Headers.empty()),
              t,
              t);
      paths[i] = Path.of("/i/" + i);
      index.put(paths[i], new EntryCodec.Read(new Metadata(p, 1, 64, 1, 0), 0, 0, 65), i % 7);
    }
    AtomicBoolean stop = new AtomicBoolean();
    Thread toucher =
        new Thread(
            () -> {
              while (!stop.get()) {
                index.touch(paths[ThreadLocalRandom.current().nextInt(n)]);
              }
            });
    toucher.start();
    try {
      for (int round = 0; round < 300; round++) {
        List<Map.Entry<Path, EntryIndex.Tracked>> order = index.leastRecentlyUsedFirst();
        assertThat(order).hasSize(n);
      }
    } finally {
      stop.set(true);
      toucher.join();
    }
  }
}
