package dev.cachet.storage.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cachet.core.StoredPair;
import dev.cachet.storage.Storage;
import dev.cachet.storage.StorageContract;
import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
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

  /**
   * P-01: a range of a body costs Redis only the range's bytes (RFC 9110 §14): the last KiB of a 4
   * MiB body, measured by what the server sent ({@code total_net_output_bytes}).
   */
  @Test
  void P_01_theLastKibOfALargeBody_isAllRedisSends() throws IOException {
    int length = 4 << 20;
    try (Storage s =
        RedisStorage.newBuilder(REDIS.server().uri())
            .keyPrefix("range" + PREFIXES.incrementAndGet())
            .chunkSize(64 << 10)
            .build()) {
      StoredPair p = pair("http://example.com/large");
      store(s, p, bytes(length, 11), 64 << 10);
      readRange(s, p, 0, 8); // the scripts are loaded before the measure
      long before = sentByRedis();
      Optional<byte[]> last = readRange(s, p, length - 1024, 1024);
      long sent = sentByRedis() - before;
      assertThat(last).hasValueSatisfying(b -> assertThat(b).hasSize(1024));
      assertThat(sent).as("bytes Redis sent for a 1 KiB range").isLessThan(64 << 10);
    }
  }

  private static long sentByRedis() {
    try (RedisClient raw = REDIS.server().newClient()) {
      for (String line : raw.info("stats").split("\r?\n")) {
        if (line.startsWith("total_net_output_bytes:")) {
          return Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
        }
      }
    }
    throw new AssertionError("no total_net_output_bytes in INFO stats");
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
