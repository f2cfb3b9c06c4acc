package dev.cachet.storage.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cachet.core.StoredPair;
import dev.cachet.storage.StorageException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Redis dies under a storage and comes back: every call meanwhile fails with a {@link
 * StorageException} (never anything else, never a hang), and the storage works again once Redis is
 * back, without being rebuilt. On a server of its own, since it kills it.
 */
class RedisOutageTest {
  @RegisterExtension static final RedisServerExtension REDIS = new RedisServerExtension();

  @Test
  void redisKilledAndRestarted_callsFailWithStorageExceptions_thenWorkAgain() throws Exception {
    try (RedisStorage storage =
        RedisStorage.newBuilder(REDIS.server().uri())
            .failureBackoff(Duration.ZERO)
            .commandTimeout(Duration.ofMillis(500))
            .build()) {
      StoredPair before = RedisStorageTest.pair();
      RedisStorageTest.store(storage, before, "stored before the outage");
      // Several pooled connections at once, all of which die with the server.
      ExecutorService pool = Executors.newFixedThreadPool(8);
      try {
        List<Future<List<StoredPair>>> finds = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
          finds.add(pool.submit(() -> storage.find(RedisStorageTest.KEY)));
        }
        for (Future<List<StoredPair>> f : finds) {
          assertThat(f.get()).containsExactly(before);
        }
      } finally {
        pool.shutdown();
      }

      REDIS.server().kill();

      assertThatThrownBy(() -> storage.find(RedisStorageTest.KEY))
          .isInstanceOf(StorageException.class);
      assertThatThrownBy(() -> storage.openBody(before)).isInstanceOf(StorageException.class);
      assertThatThrownBy(() -> RedisStorageTest.store(storage, RedisStorageTest.pair(), "lost"))
          .isInstanceOf(StorageException.class);

      REDIS.server().start(); // same port, empty: the tests' server keeps nothing on disk

      // No connection left over from before the outage fails the first calls after it.
      assertThat(storage.find(RedisStorageTest.KEY)).isEmpty();
      StoredPair after = RedisStorageTest.pair();
      RedisStorageTest.store(storage, after, "stored after the outage");
      assertThat(storage.find(RedisStorageTest.KEY)).containsExactly(after);
      assertThat(RedisStorageTest.read(storage, after)).isEqualTo("stored after the outage");
    }
  }
}
