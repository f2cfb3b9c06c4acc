package dev.cachet.storage.redis;

import dev.cachet.storage.Storage;
import dev.cachet.storage.StorageContract;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.RedisClient;

/**
 * The storage contract on a real {@code redis-server}. Each storage gets a prefix of its own, and a
 * chunk size below the contract's bodies, so that bodies cross several chunks both ways.
 */
class RedisStorageContractTest extends StorageContract {
  @RegisterExtension static final RedisServerExtension REDIS = new RedisServerExtension();

  private static final AtomicInteger PREFIXES = new AtomicInteger();

  @BeforeEach
  void flush() {
    try (RedisClient raw = REDIS.server().newClient()) {
      raw.flushAll();
    }
  }

  @Override
  protected Storage newStorage(long maximumBytes) {
    return RedisStorage.newBuilder(REDIS.server().uri())
        .keyPrefix("contract" + PREFIXES.incrementAndGet())
        .chunkSize(1000)
        .build();
  }

  /** Redis evicts under its own {@code maxmemory}: {@link RedisEvictionTest} covers that. */
  @Override
  protected boolean evictsToItsOwnBound() {
    return false;
  }

  /** Fewer than the default: each operation is several round trips to a server. */
  @Override
  protected int concurrentOperations() {
    return 500;
  }
}
