package dev.cachet.storage.redis.internal;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import dev.cachet.core.CacheKey;
import dev.cachet.core.ContentRange;
import dev.cachet.core.PartialEntry;
import dev.cachet.core.StoredPair;
import dev.cachet.storage.BodyWriter;
import dev.cachet.storage.Storage;
import dev.cachet.storage.StorageException;
import dev.cachet.storage.StoredBody;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * The Redis storage's engine. See {@link KeySpace} for the keys it uses and {@link Script} for the
 * atomic steps; the public face is {@code dev.cachet.storage.redis.RedisStorage}.
 */
public final class RedisEngine implements Storage {
  private static final System.Logger LOG = System.getLogger(RedisEngine.class.getName());
  private static final int SCAN_COUNT = 500;

  private final Settings settings;
  private final UnifiedJedis redis;
  private final KeySpace keys;
  private final Guard guard;
  private final LongAdder evictions = new LongAdder();
  private final RedisParts parts;
  private final Set<RedisWriter> writers = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  /**
   * What the engine is built from.
   *
   * @param redis the client
   * @param ownsClient whether {@link #close()} closes the client
   * @param keys the key names
   * @param lifetimes how long pairs live
   * @param chunkSize the bytes a body is written and read in per command
   * @param failureBackoff how long to stop calling Redis after it proved unreachable
   * @param linger how long a replaced or removed body stays for readers still streaming it
   * @param writeIdleTimeout how long a body being written survives without a new chunk
   * @param clock the clock freshness is measured with
   * @param dropIdleConnections drops the pooled idle connections after a connection failure, so
   *     that none left over from before a Redis restart fails a request after it
   */
  public record Settings(
      UnifiedJedis redis,
      boolean ownsClient,
      KeySpace keys,
      Lifetimes lifetimes,
      int chunkSize,
      Duration failureBackoff,
      Duration linger,
      Duration writeIdleTimeout,
      Clock clock,
      Runnable dropIdleConnections) {
    /** Checks the arguments. */
    public Settings {
      requireNonNull(redis, "redis");
      requireNonNull(keys, "keys");
      requireNonNull(lifetimes, "lifetimes");
      requireNonNull(failureBackoff, "failureBackoff");
      requireNonNull(linger, "linger");
      requireNonNull(writeIdleTimeout, "writeIdleTimeout");
      requireNonNull(clock, "clock");
      requireNonNull(dropIdleConnections, "dropIdleConnections");
    }
  }

  /** An engine on these settings. */
  public RedisEngine(Settings settings) {
    this.settings = settings;
    this.redis = settings.redis();
    this.keys = settings.keys();
    this.guard = new Guard(settings.failureBackoff(), settings.dropIdleConnections());
    this.parts = new RedisParts(this);
  }

  @Override
  public boolean keepsPartialEntries() {
    return true;
  }

  @Override
  public List<PartialEntry> findPartial(CacheKey key) throws IOException {
    requireNonNull(key, "key");
    checkOpen();
    return parts.find(key);
  }

  @Override
  public BodyWriter newPartWriter(StoredPair pair, ContentRange part) throws IOException {
    requireNonNull(pair, "pair");
    requireNonNull(part, "part");
    checkOpen();
    return parts.newWriter(pair, part);
  }

  @Override
  public List<StoredPair> find(CacheKey key) throws IOException {
    requireNonNull(key, "key");
    checkOpen();
    byte[] entry = keys.entry(key);
    Object reply =
        guard.call(
            "find", () -> Script.FIND.run(redis, List.of(entry), List.of(keys.bodyPrefix(key))));
    List<?> values = (List<?>) reply;
    long pruned = (Long) values.get(0);
    if (pruned > 0) {
      evictions.add(pruned);
    }
    List<StoredPair> pairs = new ArrayList<>(values.size() / 2);
    for (int i = 1; i + 1 < values.size(); i += 2) {
      byte[] id = (byte[]) values.get(i);
      byte[] value = (byte[]) values.get(i + 1);
      Optional<EntryValue> decoded = EntryValue.decode(value);
      if (decoded.isPresent()
          && decoded.get().pair().key().equals(key)
          && Arrays.equals(field(decoded.get().pair().id()), id)) {
        pairs.add(decoded.get().pair());
      } else {
        dropCorrupt(entry, id, value);
      }
    }
    return pairs;
  }

  @Override
  public BodyWriter newWriter(StoredPair pair) throws IOException {
    requireNonNull(pair, "pair");
    checkOpen();
    RedisWriter writer = new RedisWriter(this, pair, EntryValue.newNonce());
    writers.add(writer);
    return writer;
  }

  @Override
  public Optional<StoredBody> openBody(StoredPair pair) throws IOException {
    requireNonNull(pair, "pair");
    checkOpen();
    byte[] entry = keys.entry(pair.key());
    byte[] field = field(pair.id());
    Object reply =
        guard.call(
            "openBody",
            () ->
                Script.OPEN.run(
                    redis, List.of(entry), List.of(field, keys.bodyPrefix(pair.key()))));
    if (reply == null) {
      return Optional.empty();
    }
    if (reply instanceof Long) {
      evictions.increment();
      return Optional.empty();
    }
    byte[] value = (byte[]) reply;
    Optional<EntryValue> decoded = EntryValue.decode(value);
    if (decoded.isEmpty()) {
      dropCorrupt(entry, field, value);
      return Optional.empty();
    }
    EntryValue stored = decoded.get();
    // The SPI promises the body stored with exactly these headers, never a replacement's.
    if (!stored.pair().equals(pair)) {
      return Optional.empty();
    }
    return Optional.of(
        new RedisBody(
            this,
            keys.body(pair.key(), stored.nonce()),
            stored.bodyLength(),
            settings.chunkSize()));
  }

  /**
   * A range of a published body: {@code GETRANGE} reads only its bytes.
   *
   * @throws StorageException when the body is shorter than the range
   */
  @Override
  public Optional<StoredBody> openBody(StoredPair pair, long offset, long length)
      throws IOException {
    if (offset < 0 || length < 0 || offset > Long.MAX_VALUE - length) {
      throw new IllegalArgumentException("not a range: offset " + offset + ", length " + length);
    }
    Optional<StoredBody> whole = openBody(pair);
    if (whole.isEmpty()) {
      return parts.open(pair, offset, length);
    }
    RedisBody body = (RedisBody) whole.get();
    if (offset + length > body.length()) {
      body.close();
      throw new StorageException(
          "the stored body has "
              + body.length()
              + " bytes, not the "
              + (offset + length)
              + " asked for");
    }
    return Optional.of(body.slice(offset, length));
  }

  @Override
  public boolean update(StoredPair pair) throws IOException {
    requireNonNull(pair, "pair");
    checkOpen();
    byte[] tail = tail(EntryValue.encode(EntryValue.newNonce(), 0, pair));
    long ttl = settings.lifetimes().timeToLiveMillis(pair, settings.clock().instant());
    Object reply =
        guard.call(
            "update",
            () ->
                Script.UPDATE.run(
                    redis,
                    List.of(keys.entry(pair.key())),
                    List.of(field(pair.id()), tail, ascii(ttl), keys.bodyPrefix(pair.key()))));
    long result = (Long) reply;
    if (result < 0) {
      evictions.increment();
    }
    return result > 0;
  }

  @Override
  public void remove(CacheKey key, Collection<UUID> ids) throws IOException {
    requireNonNull(key, "key");
    requireNonNull(ids, "ids");
    checkOpen();
    if (ids.isEmpty()) {
      return;
    }
    List<byte[]> args = new ArrayList<>(ids.size() + 2);
    args.add(keys.bodyPrefix(key));
    args.add(ascii(settings.linger().toMillis()));
    for (UUID id : ids) {
      args.add(field(requireNonNull(id, "id")));
    }
    guard.call("remove", () -> Script.REMOVE.run(redis, List.of(keys.entry(key)), args));
    parts.remove(key, ids);
  }

  @Override
  public void removeAll(CacheKey key) throws IOException {
    requireNonNull(key, "key");
    checkOpen();
    List<byte[]> args = List.of(keys.bodyPrefix(key), ascii(settings.linger().toMillis()));
    guard.call("removeAll", () -> Script.REMOVE.run(redis, List.of(keys.entry(key)), args));
    parts.removeAll(key);
  }

  /**
   * The bytes of the pairs visible in this storage's entries and of its partial entries: each one's
   * value and its body (a partial entry's as far as its parts reach). It scans the key space
   * ({@code SCAN}), so it costs in proportion to the storage's size: meant for monitoring, not for
   * every request.
   */
  @Override
  public long size() throws IOException {
    checkOpen();
    long[] total = new long[1];
    scan(
        keys.sizedPattern(),
        "size",
        batch -> total[0] += (Long) Script.SIZE.run(redis, batch, List.of()));
    return total[0];
  }

  @Override
  public long evictionCount() {
    return evictions.sum();
  }

  @Override
  public void clear() throws IOException {
    checkOpen();
    scan(keys.allPattern(), "clear", batch -> redis.unlink(batch.toArray(new byte[0][])));
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (RedisWriter w : List.copyOf(writers)) {
      w.abort();
    }
    if (settings.ownsClient()) {
      try {
        redis.close();
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.DEBUG, "closing the Redis client failed", e);
      }
    }
  }

  // --- for the writer and the body ---

  UnifiedJedis redis() {
    return redis;
  }

  Guard guard() {
    return guard;
  }

  KeySpace keys() {
    return keys;
  }

  Settings settings() {
    return settings;
  }

  void forget(RedisWriter writer) {
    writers.remove(writer);
  }

  void checkOpen() throws StorageException {
    if (closed) {
      throw new StorageException("the Redis storage is closed");
    }
  }

  static byte[] field(UUID id) {
    return id.toString().getBytes(UTF_8);
  }

  static byte[] ascii(long n) {
    return Long.toString(n).getBytes(UTF_8);
  }

  // --- helpers ---

  private interface Batch {
    void accept(List<byte[]> keys);
  }

  @SuppressWarnings("NullAway") // the batch's call returns nothing: null stands for Void
  private void scan(String pattern, String what, Batch batch) throws StorageException {
    ScanParams params = new ScanParams().match(pattern.getBytes(UTF_8)).count(SCAN_COUNT);
    byte[] cursor = ScanParams.SCAN_POINTER_START_BINARY;
    do {
      byte[] from = cursor;
      ScanResult<byte[]> page = guard.call(what, () -> redis.scan(from, params));
      if (!page.getResult().isEmpty()) {
        guard.call(
            what,
            () -> {
              batch.accept(page.getResult());
              return null;
            });
      }
      cursor = page.getCursorAsBytes();
    } while (!"0".equals(new String(cursor, UTF_8)));
  }

  /** Drops a value that does not decode, unless a writer has replaced it meanwhile. */
  private void dropCorrupt(byte[] entry, byte[] id, byte[] value) {
    LOG.log(System.Logger.Level.WARNING, "dropping a corrupt or foreign pair from Redis");
    try {
      guard.call("drop", () -> Script.DROP_IF_SAME.run(redis, List.of(entry), List.of(id, value)));
    } catch (StorageException e) {
      LOG.log(System.Logger.Level.DEBUG, "could not drop a corrupt pair", e);
    }
  }

  private static byte[] tail(byte[] value) {
    return Arrays.copyOfRange(value, EntryValue.HEAD_LENGTH, value.length);
  }
}
