package dev.cachet.storage.redis;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cachet.core.CacheKey;
import dev.cachet.core.ContentRange;
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
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.params.ScanParams;

/**
 * The Redis storage's own behaviour on a real {@code redis-server}; the SPI contract is elsewhere.
 */
class RedisStorageTest {
  @RegisterExtension static final RedisServerExtension REDIS = new RedisServerExtension();

  static final Instant NOW = Instant.parse("2026-11-29T08:00:00Z");
  static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
  static final URI URL = URI.create("https://example.test/catalogue?page=2");
  static final CacheKey KEY = CacheKey.of(URL);

  RedisClient raw;
  RedisStorage storage;

  @BeforeEach
  void setUp() {
    raw = REDIS.server().newClient();
    raw.flushAll();
    storage = builder().chunkSize(7).build();
  }

  @AfterEach
  void tearDown() {
    storage.close();
    raw.close();
  }

  RedisStorage.Builder builder() {
    return RedisStorage.newBuilder(REDIS.server().uri()).keyPrefix("test").clock(CLOCK);
  }

  static StoredPair pair(UUID id, String... responseHeaders) {
    return new StoredPair(
        id,
        KEY,
        Request.get(URL),
        Response.of(200, Headers.of(responseHeaders)),
        NOW.minusMillis(5),
        NOW);
  }

  static StoredPair pair(String... responseHeaders) {
    return pair(UUID.randomUUID(), responseHeaders);
  }

  static void store(RedisStorage s, StoredPair pair, String body) throws IOException {
    try (BodyWriter w = s.newWriter(pair)) {
      byte[] bytes = body.getBytes(UTF_8);
      // In pieces of three, so the body crosses the chunk size unevenly.
      for (int i = 0; i < bytes.length; i += 3) {
        w.write(ByteBuffer.wrap(bytes, i, Math.min(3, bytes.length - i)));
      }
      w.commit();
    }
  }

  static String read(RedisStorage s, StoredPair pair) throws IOException {
    Optional<StoredBody> body = s.openBody(pair);
    assertThat(body).as("body of %s", pair.id()).isPresent();
    try (StoredBody b = body.get();
        InputStream in = b.asInputStream()) {
      return new String(in.readAllBytes(), UTF_8);
    }
  }

  Set<String> keys() {
    Set<String> keys = new java.util.TreeSet<>();
    String cursor = ScanParams.SCAN_POINTER_START;
    do {
      var page = raw.scan(cursor, new ScanParams().count(1000));
      keys.addAll(page.getResult());
      cursor = page.getCursor();
    } while (!cursor.equals("0"));
    return keys;
  }

  String only(String infix) {
    List<String> found = keys().stream().filter(k -> k.contains(infix)).toList();
    assertThat(found).as("keys with %s", infix).hasSize(1);
    return found.get(0);
  }

  @Nested
  class Publishing {
    @Test
    void nothingIsVisibleBeforeCommit_thenPairAndWholeBodyAre() throws IOException {
      StoredPair p = pair("Cache-Control", "max-age=60");
      try (BodyWriter w = storage.newWriter(p)) {
        w.write(ByteBuffer.wrap("a body longer than one chunk".getBytes(UTF_8)));
        assertThat(storage.find(KEY)).isEmpty();
        assertThat(storage.openBody(p)).isEmpty();
        assertThat(w.bytesWritten()).isEqualTo(28);
        w.commit();
      }
      assertThat(storage.find(KEY)).containsExactly(p);
      assertThat(read(storage, p)).isEqualTo("a body longer than one chunk");
      assertThat(keys()).noneMatch(k -> k.contains(":w:"));
    }

    @Test
    void bodyIsReadInChunksOfTheConfiguredSize() throws IOException {
      StoredPair p = pair();
      store(storage, p, "0123456789abcdefghij");
      List<Integer> sizes = new ArrayList<>();
      StringBuilder text = new StringBuilder();
      try (StoredBody b = storage.openBody(p).orElseThrow()) {
        assertThat(b.length()).isEqualTo(20);
        for (Optional<ByteBuffer> c = b.nextChunk(); c.isPresent(); c = b.nextChunk()) {
          sizes.add(c.get().remaining());
          text.append(UTF_8.decode(c.get()));
        }
      }
      assertThat(sizes).containsExactly(7, 7, 6);
      assertThat(text).hasToString("0123456789abcdefghij");
    }

    @Test
    void emptyBodyIsStoredAndRead() throws IOException {
      StoredPair p = pair();
      try (BodyWriter w = storage.newWriter(p)) {
        w.commit();
      }
      assertThat(storage.find(KEY)).containsExactly(p);
      assertThat(read(storage, p)).isEmpty();
    }

    @Test
    void abortLeavesNoKeyBehind() throws IOException {
      StoredPair p = pair();
      BodyWriter w = storage.newWriter(p);
      w.write(ByteBuffer.wrap("0123456789abcdefghij".getBytes(UTF_8)));
      assertThat(keys()).anyMatch(k -> k.contains(":w:"));
      w.abort();
      w.close();
      assertThat(keys()).isEmpty();
      assertThat(storage.find(KEY)).isEmpty();
    }

    @Test
    void writtenBodyLostBeforeCommit_publishesNothing() throws IOException {
      StoredPair p = pair();
      BodyWriter w = storage.newWriter(p);
      // Three whole chunks: all sent, none left for commit to send.
      w.write(ByteBuffer.wrap("0123456789abcdefghijk".getBytes(UTF_8)));
      raw.del(only(":w:")); // as if it expired or Redis evicted it
      assertThatThrownBy(w::commit)
          .isInstanceOf(StorageException.class)
          .hasMessageContaining("before it could be published");
      assertThat(storage.find(KEY)).isEmpty();
      assertThat(keys()).isEmpty();
    }

    @Test
    void writtenBodyLostBetweenChunks_failsTheNextWrite() throws IOException {
      BodyWriter w = storage.newWriter(pair());
      w.write(ByteBuffer.wrap("0123456789".getBytes(UTF_8)));
      raw.del(only(":w:"));
      assertThatThrownBy(() -> w.write(ByteBuffer.wrap("abcdefghij".getBytes(UTF_8))))
          .isInstanceOf(StorageException.class);
      assertThat(storage.find(KEY)).isEmpty();
      assertThat(keys()).isEmpty();
    }

    @Test
    void replacingAPair_leavesTheOldBodyToExpireForReadersStreamingIt() throws IOException {
      RedisStorage s = builder().chunkSize(4).linger(Duration.ofSeconds(30)).build();
      UUID id = UUID.randomUUID();
      StoredPair first = pair(id, "ETag", "\"1\"");
      store(s, first, "first body");
      StoredBody reading = s.openBody(first).orElseThrow();
      assertThat(UTF_8.decode(reading.nextChunk().orElseThrow()).toString()).isEqualTo("firs");

      StoredPair second = pair(id, "ETag", "\"2\"");
      store(s, second, "second body");

      // The reader that opened the first body still gets all of it, and only it.
      StringBuilder rest = new StringBuilder();
      for (Optional<ByteBuffer> c = reading.nextChunk(); c.isPresent(); c = reading.nextChunk()) {
        rest.append(UTF_8.decode(c.get()));
      }
      assertThat(rest).hasToString("t body");
      assertThat(s.find(KEY)).containsExactly(second);
      assertThat(s.openBody(first)).as("the replaced pair's headers").isEmpty();
      assertThat(read(s, second)).isEqualTo("second body");
      List<String> bodies = keys().stream().filter(k -> k.contains(":b:")).toList();
      assertThat(bodies).hasSize(2);
      assertThat(bodies.stream().mapToLong(raw::pttl).min().orElseThrow()).isBetween(1L, 30_000L);
      s.close();
    }

    @Test
    void bodyVanishingWhileRead_failsTheRead_neverReturnsAShortBody() throws IOException {
      StoredPair p = pair();
      store(storage, p, "0123456789abcdefghij");
      StoredBody b = storage.openBody(p).orElseThrow();
      b.nextChunk();
      raw.del(only(":b:"));
      assertThatThrownBy(b::nextChunk)
          .isInstanceOf(StorageException.class)
          .hasMessageContaining("vanished");
    }

    @Test
    void writeAfterCommit_isAnIllegalState() throws IOException {
      BodyWriter w = storage.newWriter(pair());
      w.commit();
      assertThatThrownBy(() -> w.write(ByteBuffer.allocate(1)))
          .isInstanceOf(IllegalStateException.class);
      assertThatThrownBy(w::commit).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void closingTheStorage_abortsPendingWriters() throws IOException {
      RedisStorage s = builder().chunkSize(4).build();
      BodyWriter w = s.newWriter(pair());
      w.write(ByteBuffer.wrap("0123456789".getBytes(UTF_8)));
      s.close();
      assertThatThrownBy(w::commit).isInstanceOf(IllegalStateException.class);
      assertThatThrownBy(() -> s.find(KEY))
          .isInstanceOf(StorageException.class)
          .hasMessageContaining("closed");
      assertThat(keys()).isEmpty();
    }
  }

  @Nested
  class Keys {
    @Test
    void keysAreDerivedFromAHashOfTheCacheKey_neverTheUrl() throws IOException {
      store(storage, pair(), "body");
      assertThat(keys())
          .isNotEmpty()
          .allMatch(k -> k.matches("test:\\{[0-9a-f]{64}\\}:(k|b:[0-9a-f]{32})"), "hashed")
          .noneMatch(k -> k.contains("example") || k.contains("catalogue"));
    }

    @Test
    void clear_removesOnlyItsOwnPrefix() throws IOException {
      try (RedisStorage other =
          RedisStorage.newBuilder(REDIS.server().uri()).keyPrefix("test:other").build()) {
        store(other, pair(), "other cache");
        store(storage, pair(), "this cache");
        raw.set("unrelated", "kept");
        storage.clear();
        assertThat(storage.find(KEY)).isEmpty();
        assertThat(other.find(KEY)).hasSize(1);
        assertThat(raw.get("unrelated")).isEqualTo("kept");
      }
    }

    @Test
    void size_countsMetadataAndBodiesOfVisiblePairs() throws IOException {
      assertThat(storage.size()).isZero();
      store(storage, pair(), "0123456789");
      long one = storage.size();
      assertThat(one).isGreaterThan(10);
      StoredPair second = pair();
      store(storage, second, "0123456789");
      assertThat(storage.size()).isEqualTo(2 * one);
      storage.remove(KEY, List.of(second.id()));
      assertThat(storage.size()).isEqualTo(one);
    }

    /**
     * As the memory storage weighs them: a partial entry's value and body count, on a key alone.
     */
    @Test
    void P_04_size_countsPartialEntries_evenUnderAKeyWithNoCompletePair() throws IOException {
      StoredPair entry = pair("ETag", "\"v1\"", "Content-Length", "10");
      try (BodyWriter w = storage.newPartWriter(entry, new ContentRange(0, 5, 10))) {
        w.write(ByteBuffer.wrap("01234".getBytes(UTF_8)));
        w.commit();
      }
      long part = storage.size();
      assertThat(part).isGreaterThan(5);
      store(storage, pair(), "0123456789");
      assertThat(storage.size()).isGreaterThan(part + 10);
      storage.removeAll(KEY);
      assertThat(storage.size()).isZero();
    }
  }

  @Nested
  class Lifetimes {
    @Test
    void ttlIsRemainingFreshnessPlusGrace() throws IOException {
      RedisStorage s = builder().grace(Duration.ofHours(1)).build();
      store(s, pair("Cache-Control", "max-age=600"), "body");
      long expected = Duration.ofSeconds(600 + 3600).toMillis();
      for (String k : keys()) {
        assertThat(raw.pttl(k)).as(k).isBetween(expected - 5_000, expected);
      }
      s.close();
    }

    @Test
    void ttlCountsTheAgeTheResponseArrivedWith() throws IOException {
      RedisStorage s = builder().grace(Duration.ZERO).minimumTtl(Duration.ZERO).build();
      store(s, pair("Cache-Control", "max-age=600", "Age", "500"), "body");
      for (String k : keys()) {
        assertThat(raw.pttl(k)).as(k).isBetween(95_000L, 100_000L);
      }
      s.close();
    }

    @Test
    void ttlIsClampedToTheMinimumAndMaximum() throws IOException {
      RedisStorage s =
          builder()
              .grace(Duration.ZERO)
              .minimumTtl(Duration.ofMinutes(5))
              .maximumTtl(Duration.ofHours(1))
              .build();
      store(s, pair("Cache-Control", "no-cache"), "stale at once");
      assertThat(raw.pttl(only(":b:"))).isBetween(295_000L, 300_000L);
      s.clear();
      store(s, pair("Cache-Control", "max-age=31536000"), "a year");
      assertThat(raw.pttl(only(":b:"))).isBetween(3_595_000L, 3_600_000L);
      s.close();
    }

    @Test
    void update_setsTheTtlAnewFromTheFreshenedResponse() throws IOException {
      RedisStorage s = builder().grace(Duration.ZERO).build();
      UUID id = UUID.randomUUID();
      store(s, pair(id, "Cache-Control", "max-age=120", "ETag", "\"1\""), "body");
      assertThat(raw.pttl(only(":b:"))).isBetween(115_000L, 120_000L);
      StoredPair freshened = pair(id, "Cache-Control", "max-age=7200", "ETag", "\"1\"");
      assertThat(s.update(freshened)).isTrue();
      assertThat(raw.pttl(only(":b:"))).isBetween(7_195_000L, 7_200_000L);
      assertThat(raw.pttl(only(":k"))).isBetween(7_195_000L, 7_200_000L);
      assertThat(s.find(KEY)).containsExactly(freshened);
      assertThat(read(s, freshened)).isEqualTo("body");
      s.close();
    }
  }

  @Nested
  class Damage {
    @Test
    void pairWhoseBodyIsGone_isDroppedAndCountedAsEvicted() throws IOException {
      StoredPair kept = pair();
      StoredPair lost = pair();
      store(storage, kept, "kept");
      store(storage, lost, "lost");
      String lostBody =
          keys().stream()
              .filter(k -> k.contains(":b:") && "lost".equals(raw.get(k)))
              .findFirst()
              .orElseThrow();
      raw.del(lostBody); // as Redis' maxmemory eviction would
      assertThat(storage.find(KEY)).containsExactly(kept);
      assertThat(storage.evictionCount()).isEqualTo(1);
      assertThat(storage.openBody(lost)).isEmpty();
      assertThat(raw.hlen(only(":k"))).isEqualTo(1);
    }

    @Test
    void corruptMetadata_isDroppedNeverServed() throws IOException {
      StoredPair good = pair();
      store(storage, good, "good");
      String entry = only(":k");
      byte[] value = raw.hget(entry.getBytes(UTF_8), good.id().toString().getBytes(UTF_8));
      // A well-formed head (its body exists) with a damaged pair behind it.
      byte[] damaged = java.util.Arrays.copyOf(value, value.length - 3);
      raw.hset(entry.getBytes(UTF_8), "other".getBytes(UTF_8), damaged);
      raw.hset(entry, "garbage", "not a pair at all");
      assertThat(storage.find(KEY)).containsExactly(good);
      assertThat(raw.hkeys(entry)).containsExactly(good.id().toString());
    }

    @Test
    void openBody_afterUpdate_isEmptyForTheOldHeaders() throws IOException {
      UUID id = UUID.randomUUID();
      StoredPair old = pair(id, "ETag", "\"1\"", "Cache-Control", "max-age=1");
      store(storage, old, "body");
      StoredPair freshened = pair(id, "ETag", "\"1\"", "Cache-Control", "max-age=60");
      assertThat(storage.update(freshened)).isTrue();
      assertThat(storage.openBody(old)).isEmpty();
      assertThat(read(storage, freshened)).isEqualTo("body");
    }

    @Test
    void update_ofAMissingPair_isFalse() throws IOException {
      assertThat(storage.update(pair())).isFalse();
      assertThat(keys()).isEmpty();
    }
  }

  @Nested
  class Unreachable {
    @Test
    void redisDown_failsEveryCallWithAStorageException_thenBacksOff() throws IOException {
      int port = RedisServer.freePort();
      try (RedisStorage down =
          RedisStorage.newBuilder(URI.create("redis://127.0.0.1:" + port))
              .failureBackoff(Duration.ofMinutes(1))
              .build()) {
        assertThatThrownBy(() -> down.find(KEY))
            .isInstanceOf(StorageException.class)
            .hasMessageContaining("unreachable");
        assertThatThrownBy(() -> down.newWriter(pair()).commit())
            .isInstanceOf(StorageException.class)
            .hasMessageContaining("not trying again");
        assertThatThrownBy(() -> down.size())
            .isInstanceOf(StorageException.class)
            .hasMessageContaining("not trying again");
      }
    }

    @Test
    void withoutBackoff_everyCallTriesAgain() throws IOException {
      int port = RedisServer.freePort();
      try (RedisStorage down =
          RedisStorage.newBuilder(URI.create("redis://127.0.0.1:" + port))
              .failureBackoff(Duration.ZERO)
              .build()) {
        for (int i = 0; i < 2; i++) {
          assertThatThrownBy(() -> down.find(KEY))
              .isInstanceOf(StorageException.class)
              .hasMessageContaining("unreachable");
        }
      }
    }
  }

  @Nested
  class Building {
    @Test
    void onAGivenClient_storesAndReads_andLeavesTheClientOpen() throws IOException {
      try (RedisClient client = REDIS.server().newClient()) {
        RedisStorage s = RedisStorage.newBuilder(client).keyPrefix("given").build();
        StoredPair p = pair();
        store(s, p, "on a given client");
        assertThat(read(s, p)).isEqualTo("on a given client");
        s.close();
        assertThat(client.ping()).isEqualTo("PONG");
        assertThatThrownBy(() -> s.find(KEY)).isInstanceOf(StorageException.class);
      }
    }

    @Test
    void settingsOfTheStoragesOwnConnections_areRefusedForAGivenClient() {
      try (RedisClient client = REDIS.server().newClient()) {
        RedisStorage.Builder b = RedisStorage.newBuilder(client);
        assertThatThrownBy(() -> b.commandTimeout(Duration.ofSeconds(1)))
            .isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("given client");
        assertThatThrownBy(() -> b.connectTimeout(Duration.ofSeconds(1)))
            .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> b.maximumConnections(4)).isInstanceOf(IllegalStateException.class);
      }
    }

    @Test
    void badValues_areRefusedEagerly() {
      RedisStorage.Builder b = RedisStorage.newBuilder(REDIS.server().uri());
      assertThatThrownBy(() -> b.keyPrefix("")).isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> b.keyPrefix("a{b}")).isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> b.keyPrefix("a b")).isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> b.grace(Duration.ofSeconds(-1)))
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> b.maximumTtl(Duration.ZERO))
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> b.commandTimeout(Duration.ZERO))
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> b.chunkSize(0)).isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> b.maximumConnections(0))
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> RedisStorage.newBuilder(URI.create("http://127.0.0.1:6379")))
          .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aSettingGivenTwice_isAnIllegalState() {
      RedisStorage.Builder b = RedisStorage.newBuilder(REDIS.server().uri()).keyPrefix("once");
      assertThatThrownBy(() -> b.keyPrefix("twice"))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("keyPrefix");
    }

    @Test
    void minimumTtlAboveMaximum_isRefusedAtBuild() {
      RedisStorage.Builder b =
          RedisStorage.newBuilder(REDIS.server().uri())
              .minimumTtl(Duration.ofHours(2))
              .maximumTtl(Duration.ofHours(1));
      assertThatThrownBy(b::build).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void buildingDoesNotConnect_soADownRedisFailsNoStartup() throws IOException {
      int port = RedisServer.freePort();
      RedisStorage s = RedisStorage.newBuilder(URI.create("redis://127.0.0.1:" + port)).build();
      assertThat(s.keyPrefix()).isEqualTo("cachet");
      assertThat(s.evictionCount()).isZero();
      s.close();
    }
  }
}
