package dev.cachet.storage.redis;

import static java.util.Objects.requireNonNull;

import dev.cachet.core.CacheKey;
import dev.cachet.core.CacheOptions;
import dev.cachet.core.ContentRange;
import dev.cachet.core.PartialEntry;
import dev.cachet.core.StoredPair;
import dev.cachet.storage.BodyWriter;
import dev.cachet.storage.Storage;
import dev.cachet.storage.StoredBody;
import dev.cachet.storage.redis.internal.KeySpace;
import dev.cachet.storage.redis.internal.Lifetimes;
import dev.cachet.storage.redis.internal.RedisEngine;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.RedisProtocol;
import redis.clients.jedis.SslOptions;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.util.JedisURIHelper;

/**
 * A {@link Storage} on <a href="https://redis.io">Redis</a>, so that many application instances
 * share one cache: what one instance stores, the others find. It talks to Redis through <a
 * href="https://github.com/redis/jedis">Jedis</a>, synchronously, with a pool of connections and a
 * timeout on every command.
 *
 * <p><b>Atomic.</b> A body is written in chunks under a key of its own that no reader looks at, and
 * published together with its pair by one Lua script, so a pair is visible only with its complete
 * body, even when several instances store the same URL at once: the last commit wins, and every
 * reader gets one whole body. Published bodies never change; a body that a commit replaces or a
 * removal drops is left to expire a minute later, so a reader streaming it is not cut off.
 *
 * <p><b>Streaming.</b> Bodies are written ({@code APPEND}) and read ({@code GETRANGE}) in chunks of
 * {@link Builder#chunkSize(int)} bytes, so a large body never sits whole in the heap. Redis holds
 * at most 512 MiB in one string; a larger body is not stored.
 *
 * <p><b>Bounded.</b> Every key carries a time to live: what is left of the response's freshness
 * lifetime (RFC 9111 §4.2.1) plus a {@linkplain Builder#grace(Duration) grace period} for
 * revalidation (§4.3), clamped to {@linkplain Builder#minimumTtl(Duration) a minimum} and
 * {@linkplain Builder#maximumTtl(Duration) a maximum}. Pair it with a {@code maxmemory} and a
 * {@code maxmemory-policy} of {@code volatile-lru} (or {@code allkeys-lru} on a Redis that holds
 * only caches): Redis then evicts on its own. A pair found without its body (evicted or expired) is
 * dropped, and {@link #evictionCount()} counts those this instance dropped.
 *
 * <p><b>Failures.</b> Every Redis error, timeout or refused connection is a {@link
 * dev.cachet.storage.StorageException}, which the caching client counts before going to the origin:
 * a Redis that is down or slow never fails a request. After a connection failure the storage stops
 * calling Redis for {@link Builder#failureBackoff(Duration)}, so an outage costs each request one
 * quick exception rather than a timeout.
 *
 * <p>The keys of one cache key are {@code <prefix>:{<sha256 of the key>}:...}: the URL never
 * appears in a key name, and several caches share one Redis under different prefixes. The storage
 * runs on a standalone Redis (or a primary with replicas); a Redis Cluster is not supported.
 *
 * <pre>{@code
 * Storage storage = RedisStorage.newBuilder(URI.create("redis://127.0.0.1:6379/0"))
 *     .keyPrefix("catalogue-cache")
 *     .cacheOptions(options) // the same options the client caches with
 *     .grace(Duration.ofHours(1))
 *     .build();
 * }</pre>
 */
public final class RedisStorage implements Storage {
  private final RedisEngine engine;
  private final String keyPrefix;

  private RedisStorage(RedisEngine engine, String keyPrefix) {
    this.engine = engine;
    this.keyPrefix = keyPrefix;
  }

  /**
   * {@return a builder for a storage that connects to the Redis at {@code uri}: {@code
   * redis://[[user]:password@]host[:port][/database]}, or {@code rediss://} for TLS} The storage
   * owns its connections and closes them with {@link #close()}. Nothing is connected until the
   * first call, so a Redis that is down when the application starts fails no request.
   *
   * @param uri a {@code redis://} or {@code rediss://} URI with a host
   * @throws IllegalArgumentException if the URI is not a {@code redis} or {@code rediss} URI with a
   *     host
   */
  public static Builder newBuilder(URI uri) {
    requireNonNull(uri, "uri");
    if ((!JedisURIHelper.isRedisScheme(uri) && !JedisURIHelper.isRedisSSLScheme(uri))
        || uri.getHost() == null) {
      throw new IllegalArgumentException("not a redis:// or rediss:// URI with a host: " + uri);
    }
    return new Builder(uri, null);
  }

  /**
   * {@return a builder for a storage on a client the application already has, such as a {@link
   * RedisClient}} The storage does not close it. Its timeouts are the client's own: set them there.
   *
   * @param client the application's client, which the storage does not close
   */
  public static Builder newBuilder(UnifiedJedis client) {
    return new Builder(null, requireNonNull(client, "client"));
  }

  /** {@return the prefix of every key this storage uses} */
  public String keyPrefix() {
    return keyPrefix;
  }

  @Override
  public List<StoredPair> find(CacheKey key) throws IOException {
    return engine.find(key);
  }

  @Override
  public BodyWriter newWriter(StoredPair pair) throws IOException {
    return engine.newWriter(pair);
  }

  @Override
  public Optional<StoredBody> openBody(StoredPair pair) throws IOException {
    return engine.openBody(pair);
  }

  /**
   * Partial entries live beside the complete pairs of their key, their parts written at their
   * offsets into one body per entry (RFC 9111 §3.3, §3.4).
   */
  @Override
  public boolean keepsPartialEntries() {
    return engine.keepsPartialEntries();
  }

  @Override
  public List<PartialEntry> findPartial(CacheKey key) throws IOException {
    return engine.findPartial(key);
  }

  @Override
  public BodyWriter newPartWriter(StoredPair pair, ContentRange part) throws IOException {
    return engine.newPartWriter(pair, part);
  }

  /** A range of a body, fetched with {@code GETRANGE} from its position (RFC 9110 §14). */
  @Override
  public Optional<StoredBody> openBody(StoredPair pair, long offset, long length)
      throws IOException {
    return engine.openBody(pair, offset, length);
  }

  @Override
  public boolean update(StoredPair pair) throws IOException {
    return engine.update(pair);
  }

  @Override
  public void remove(CacheKey key, Collection<UUID> ids) throws IOException {
    engine.remove(key, ids);
  }

  @Override
  public void removeAll(CacheKey key) throws IOException {
    engine.removeAll(key);
  }

  /**
   * The bytes of the pairs visible under this storage's prefix, and of its partial entries: their
   * metadata and bodies (a partial entry's body as far as its parts reach). It scans the prefix's
   * keys, so it costs in proportion to the cache's size: for monitoring, not for every request.
   * Redis' own accounting ({@code INFO memory}) is what {@code maxmemory} bounds.
   */
  @Override
  public long size() throws IOException {
    return engine.size();
  }

  /**
   * The pairs this instance found without their body and dropped since it was built: Redis evicted
   * the body under {@code maxmemory}, or its time to live ran out. Redis does not report its own
   * evictions per client; {@code INFO stats} has {@code evicted_keys} for the server.
   */
  @Override
  public long evictionCount() {
    return engine.evictionCount();
  }

  /** Removes every key under this storage's prefix, and nothing else. */
  @Override
  public void clear() throws IOException {
    engine.clear();
  }

  /**
   * Aborts pending writers and, when the storage made its own connections, closes them. The stored
   * pairs stay in Redis for the other instances. Calls after this throw a {@link
   * dev.cachet.storage.StorageException}.
   */
  @Override
  public void close() {
    engine.close();
  }

  @Override
  public String toString() {
    return "RedisStorage[" + keyPrefix + "]";
  }

  /**
   * Builds a {@link RedisStorage}. Each setting may be given once; {@link #build()} may be called
   * many times.
   */
  public static final class Builder {
    static final String DEFAULT_PREFIX = "cachet";
    static final Duration DEFAULT_GRACE = Duration.ofDays(1);
    static final Duration DEFAULT_MINIMUM_TTL = Duration.ofMinutes(1);
    static final Duration DEFAULT_MAXIMUM_TTL = Duration.ofDays(30);
    static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofSeconds(1);
    static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(1);
    static final int DEFAULT_MAXIMUM_CONNECTIONS = 16;
    static final Duration DEFAULT_FAILURE_BACKOFF = Duration.ofSeconds(1);
    static final int DEFAULT_CHUNK_SIZE = 256 * 1024;
    static final Duration MAXIMUM_DURATION = Duration.ofDays(3650);

    // Exactly one of uri and client; a setting left null takes its default in build().
    private final @Nullable URI uri;
    private final @Nullable UnifiedJedis client;
    private @Nullable String keyPrefix;
    private @Nullable CacheOptions cacheOptions;
    private @Nullable Duration grace;
    private @Nullable Duration minimumTtl;
    private @Nullable Duration maximumTtl;
    private @Nullable Duration commandTimeout;
    private @Nullable Duration connectTimeout;
    private @Nullable Integer maximumConnections;
    private @Nullable Duration failureBackoff;
    private @Nullable Integer chunkSize;
    private @Nullable Clock clock;
    private Duration linger = Duration.ofMinutes(1);
    private Duration writeIdleTimeout = Duration.ofMinutes(10);

    private Builder(@Nullable URI uri, @Nullable UnifiedJedis client) {
      this.uri = uri;
      this.client = client;
    }

    /**
     * The prefix of every key (default {@code cachet}), so that several caches share one Redis.
     *
     * @param prefix the prefix
     * @return this builder
     * @throws IllegalArgumentException if empty, or holding a brace, a space or a control character
     * @throws IllegalStateException if already set
     */
    public Builder keyPrefix(String prefix) {
      requireNonNull(prefix, "prefix");
      once(keyPrefix, "keyPrefix");
      if (prefix.isEmpty()
          || prefix.chars().anyMatch(c -> c == '{' || c == '}' || c <= ' ' || c == 0x7f)) {
        throw new IllegalArgumentException(
            "a key prefix is non-empty, without braces, spaces or control characters: " + prefix);
      }
      this.keyPrefix = prefix;
      return this;
    }

    /**
     * The options the caching client uses (default {@link CacheOptions#defaults()}), so that the
     * freshness lifetimes the time to live is derived from are the client's (RFC 9111 §4.2.1; a
     * shared cache reads {@code s-maxage}).
     *
     * @param options the client's cache options
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder cacheOptions(CacheOptions options) {
      requireNonNull(options, "options");
      once(cacheOptions, "cacheOptions");
      this.cacheOptions = options;
      return this;
    }

    /**
     * How long a pair is kept after it turns stale (default one day), so that it can still be
     * revalidated with its validators (RFC 9111 §4.3) or served stale where that is allowed
     * (§4.2.4).
     *
     * @param grace how long after turning stale, zero or more
     * @return this builder
     * @throws IllegalArgumentException if negative or over ten years
     * @throws IllegalStateException if already set
     */
    public Builder grace(Duration grace) {
      once(this.grace, "grace");
      this.grace = checkDuration(grace, "grace", true);
      return this;
    }

    /**
     * The least time to live of a pair (default one minute; at least one second is always given).
     *
     * @param ttl the least time to live
     * @return this builder
     * @throws IllegalArgumentException if negative or over ten years
     * @throws IllegalStateException if already set
     */
    public Builder minimumTtl(Duration ttl) {
      once(minimumTtl, "minimumTtl");
      this.minimumTtl = checkDuration(ttl, "minimumTtl", true);
      return this;
    }

    /**
     * The most time to live of a pair (default 30 days), whatever its freshness lifetime.
     *
     * @param ttl the most time to live
     * @return this builder
     * @throws IllegalArgumentException if not positive or over ten years
     * @throws IllegalStateException if already set
     */
    public Builder maximumTtl(Duration ttl) {
      once(maximumTtl, "maximumTtl");
      this.maximumTtl = checkDuration(ttl, "maximumTtl", false);
      return this;
    }

    /**
     * How long one Redis command may take (default one second), also the longest wait for a free
     * connection. Only for a storage built from a URI.
     *
     * @param timeout the longest a command may take, positive
     * @return this builder
     * @throws IllegalArgumentException if not positive or over {@link Integer#MAX_VALUE} ms
     * @throws IllegalStateException if already set, or the storage is built on a given client
     */
    public Builder commandTimeout(Duration timeout) {
      once(commandTimeout, "commandTimeout");
      ownClientOnly("commandTimeout");
      this.commandTimeout = checkTimeout(timeout, "commandTimeout");
      return this;
    }

    /**
     * How long connecting to Redis may take (default one second). Only for a storage built from a
     * URI.
     *
     * @param timeout the longest connecting may take, positive
     * @return this builder
     * @throws IllegalArgumentException if not positive or over {@link Integer#MAX_VALUE} ms
     * @throws IllegalStateException if already set, or the storage is built on a given client
     */
    public Builder connectTimeout(Duration timeout) {
      once(connectTimeout, "connectTimeout");
      ownClientOnly("connectTimeout");
      this.connectTimeout = checkTimeout(timeout, "connectTimeout");
      return this;
    }

    /**
     * The most connections to Redis the storage opens (default 16). Only for a storage built from a
     * URI.
     *
     * @param connections the most connections, at least 1
     * @return this builder
     * @throws IllegalArgumentException if not positive
     * @throws IllegalStateException if already set, or the storage is built on a given client
     */
    public Builder maximumConnections(int connections) {
      once(maximumConnections, "maximumConnections");
      ownClientOnly("maximumConnections");
      if (connections < 1) {
        throw new IllegalArgumentException("maximumConnections must be positive: " + connections);
      }
      this.maximumConnections = connections;
      return this;
    }

    /**
     * How long the storage stops calling Redis after it could not reach it (default one second;
     * zero to always try). Meanwhile every call fails at once with a {@link
     * dev.cachet.storage.StorageException}, and the client goes to the origin.
     *
     * @param backoff how long to stop calling Redis, zero or more
     * @return this builder
     * @throws IllegalArgumentException if negative or over ten years
     * @throws IllegalStateException if already set
     */
    public Builder failureBackoff(Duration backoff) {
      once(failureBackoff, "failureBackoff");
      this.failureBackoff = checkDuration(backoff, "failureBackoff", true);
      return this;
    }

    /**
     * The bytes a body is written and read in per command (default 256 KiB): the heap a writer or
     * reader holds.
     *
     * @param bytes the chunk size in bytes
     * @return this builder
     * @throws IllegalArgumentException if not in 1 byte to 64 MiB
     * @throws IllegalStateException if already set
     */
    public Builder chunkSize(int bytes) {
      once(chunkSize, "chunkSize");
      if (bytes < 1 || bytes > (64 << 20)) {
        throw new IllegalArgumentException("chunkSize must be in 1..64 MiB: " + bytes);
      }
      this.chunkSize = bytes;
      return this;
    }

    /**
     * The clock the remaining freshness is measured with (default the system clock in UTC); give
     * the caching client's.
     *
     * @param clock the clock
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder clock(Clock clock) {
      requireNonNull(clock, "clock");
      once(this.clock, "clock");
      this.clock = clock;
      return this;
    }

    /** For tests: how long a replaced or removed body stays for readers still streaming it. */
    Builder linger(Duration linger) {
      this.linger = checkDuration(linger, "linger", true);
      return this;
    }

    /** For tests: how long a body being written survives without a new chunk. */
    Builder writeIdleTimeout(Duration timeout) {
      this.writeIdleTimeout = checkDuration(timeout, "writeIdleTimeout", false);
      return this;
    }

    /**
     * {@return a storage with these settings} One built from a URI has connections of its own;
     * nothing is connected until it is first used.
     *
     * @throws IllegalStateException if the minimum time to live exceeds the maximum
     */
    public RedisStorage build() {
      Duration min = or(minimumTtl, DEFAULT_MINIMUM_TTL);
      Duration max = or(maximumTtl, DEFAULT_MAXIMUM_TTL);
      if (min.compareTo(max) > 0) {
        throw new IllegalStateException("minimumTtl " + min + " exceeds maximumTtl " + max);
      }
      String prefix = or(keyPrefix, DEFAULT_PREFIX);
      boolean owns = client == null;
      UnifiedJedis redis = owns ? connect() : requireNonNull(client, "client");
      RedisEngine.Settings settings =
          new RedisEngine.Settings(
              redis,
              owns,
              new KeySpace(prefix),
              new Lifetimes(
                  or(cacheOptions, CacheOptions.defaults()), or(grace, DEFAULT_GRACE), min, max),
              or(chunkSize, DEFAULT_CHUNK_SIZE),
              or(failureBackoff, DEFAULT_FAILURE_BACKOFF),
              linger,
              writeIdleTimeout,
              or(clock, Clock.systemUTC()),
              owns ? () -> ((RedisClient) redis).getPool().clear() : () -> {});
      return new RedisStorage(new RedisEngine(settings), prefix);
    }

    private UnifiedJedis connect() {
      int command = (int) or(commandTimeout, DEFAULT_COMMAND_TIMEOUT).toMillis();
      DefaultJedisClientConfig.Builder config =
          DefaultJedisClientConfig.builder()
              .connectionTimeoutMillis((int) or(connectTimeout, DEFAULT_CONNECT_TIMEOUT).toMillis())
              .socketTimeoutMillis(command)
              .protocol(RedisProtocol.RESP2)
              .clientName("cachet");
      if (JedisURIHelper.isRedisSSLScheme(uri)) {
        // The JDK's trust store, with the host name verified.
        config.sslOptions(SslOptions.defaults());
      }
      if (JedisURIHelper.getUser(uri) != null) {
        config.user(JedisURIHelper.getUser(uri));
      }
      if (JedisURIHelper.getPassword(uri) != null) {
        config.password(JedisURIHelper.getPassword(uri));
      }
      if (JedisURIHelper.hasDbIndex(uri)) {
        config.database(JedisURIHelper.getDBIndex(uri));
      }
      int connections = or(maximumConnections, DEFAULT_MAXIMUM_CONNECTIONS);
      ConnectionPoolConfig pool = new ConnectionPoolConfig();
      pool.setMaxTotal(connections);
      pool.setMaxIdle(connections);
      pool.setMinIdle(0);
      pool.setBlockWhenExhausted(true);
      pool.setMaxWait(Duration.ofMillis(command));
      HostAndPort hostAndPort = JedisURIHelper.getHostAndPort(uri);
      return RedisClient.builder()
          .hostAndPort(hostAndPort)
          .clientConfig(config.build())
          .poolConfig(pool)
          .build();
    }

    private void ownClientOnly(String setting) {
      if (client != null) {
        throw new IllegalStateException(
            setting + " applies to a storage built from a URI; set it on the given client");
      }
    }

    private static void once(@Nullable Object current, String setting) {
      if (current != null) {
        throw new IllegalStateException(setting + " is already set");
      }
    }

    private static <T> T or(@Nullable T value, T otherwise) {
      return value != null ? value : otherwise;
    }

    private static Duration checkDuration(Duration d, String name, boolean zeroAllowed) {
      requireNonNull(d, name);
      if (d.isNegative() || (!zeroAllowed && d.isZero()) || d.compareTo(MAXIMUM_DURATION) > 0) {
        throw new IllegalArgumentException(
            name
                + " must be "
                + (zeroAllowed ? "zero or more" : "positive")
                + ", at most ten years: "
                + d);
      }
      return d;
    }

    private static Duration checkTimeout(Duration d, String name) {
      requireNonNull(d, name);
      if (d.isNegative() || d.isZero() || d.toMillis() > Integer.MAX_VALUE || d.toMillis() == 0) {
        throw new IllegalArgumentException(name + " must be from 1 ms to 24 days: " + d);
      }
      return d;
    }
  }
}
