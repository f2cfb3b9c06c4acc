package dev.cachet.storage.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cachet.core.CacheKey;
import dev.cachet.core.Headers;
import dev.cachet.core.Request;
import dev.cachet.core.Response;
import dev.cachet.core.StoredPair;
import dev.cachet.storage.BodyWriter;
import dev.cachet.storage.StorageException;
import dev.cachet.storage.StoredBody;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import redis.clients.jedis.RedisClient;

/**
 * The Redis storage under Redis' own bound: with {@code maxmemory} and each eviction policy the
 * README recommends, Redis stays within its memory while far more is stored than fits, and the
 * storage never serves a pair without its whole body. On a server of its own, since it changes the
 * server's configuration.
 */
class RedisEvictionTest {
  @RegisterExtension static final RedisServerExtension REDIS = new RedisServerExtension();

  static final int PAIRS = 120;
  static final int BODY = 64 * 1024;
  static final long BUDGET = 2L << 20;

  @ParameterizedTest
  @ValueSource(strings = {"allkeys-lru", "volatile-lru", "volatile-ttl"})
  void underMaxmemory_redisEvicts_andEveryPairFoundHasItsWholeBody(String policy)
      throws IOException {
    try (RedisClient raw = REDIS.server().newClient();
        RedisStorage storage =
            RedisStorage.newBuilder(REDIS.server().uri()).keyPrefix("evict").build()) {
      raw.configSet("maxmemory", "0");
      raw.flushAll();
      long maxmemory = info(raw, "memory", "used_memory") + BUDGET;
      raw.configSet("maxmemory", Long.toString(maxmemory));
      raw.configSet("maxmemory-policy", policy);
      long evictedBefore = info(raw, "stats", "evicted_keys");

      List<StoredPair> pairs = new ArrayList<>();
      int failedWrites = 0;
      for (int i = 0; i < PAIRS; i++) {
        StoredPair p = pair(i);
        pairs.add(p);
        try (BodyWriter w = storage.newWriter(p)) {
          w.write(ByteBuffer.wrap(body(i)));
          w.commit();
        } catch (StorageException e) {
          failedWrites++; // Redis may refuse a write it cannot make room for: not stored.
        }
      }
      assertThat(info(raw, "memory", "used_memory")).isLessThanOrEqualTo(maxmemory);
      assertThat(info(raw, "stats", "evicted_keys")).isGreaterThan(evictedBefore);
      assertThat(failedWrites).isLessThan(PAIRS / 2);

      int found = 0;
      for (int i = 0; i < PAIRS; i++) {
        StoredPair p = pairs.get(i);
        for (StoredPair f : storage.find(p.key())) {
          assertThat(f).isEqualTo(p);
          Optional<StoredBody> body = storage.openBody(f);
          if (body.isPresent()) {
            try (StoredBody b = body.get();
                InputStream in = b.asInputStream()) {
              assertThat(in.readAllBytes()).isEqualTo(body(i));
            }
            found++;
          }
        }
      }
      assertThat(found).as("pairs still whole").isPositive().isLessThan(PAIRS);
      assertThat(storage.size()).isLessThanOrEqualTo(BUDGET);
    }
  }

  static long info(RedisClient raw, String section, String field) {
    return raw.info(section)
        .lines()
        .filter(l -> l.startsWith(field + ":"))
        .map(l -> Long.parseLong(l.substring(field.length() + 1).trim()))
        .findFirst()
        .orElseThrow();
  }

  static StoredPair pair(int i) {
    URI uri = URI.create("http://example.test/evict/" + i);
    Instant t = Instant.now();
    return new StoredPair(
        new UUID(0, i),
        CacheKey.of(uri),
        Request.get(uri),
        Response.of(200, Headers.of("Cache-Control", "max-age=" + (600 + i))),
        t,
        t);
  }

  static byte[] body(int i) {
    byte[] b = new byte[BODY];
    new Random(i).nextBytes(b);
    return Arrays.copyOf(b, b.length);
  }
}
