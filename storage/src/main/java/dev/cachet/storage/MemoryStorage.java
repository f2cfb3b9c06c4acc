package dev.cachet.storage;

import static java.util.Objects.requireNonNull;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import dev.cachet.core.CacheKey;
import dev.cachet.core.Headers;
import dev.cachet.core.StoredPair;
import dev.cachet.storage.internal.ArrayBody;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * A {@link Storage} in the heap, on a <a href="https://github.com/ben-manes/caffeine">Caffeine</a>
 * cache bounded by bytes. Each cache key maps to the pairs stored under it (the responses that
 * {@code Vary} may choose between, RFC 9111 §4.1); the weight of a key is the sum of its bodies and
 * an estimate of its header bytes. When the total exceeds {@link Builder#maximumBytes(long)},
 * Caffeine evicts whole keys, each with every pair and body under it, and {@link #evictionCount()}
 * counts the pairs evicted.
 *
 * <p>A pair whose body and headers weigh more than {@link Builder#maximumEntryBytes(long)} is not
 * stored: {@link BodyWriter#write} throws a {@link StorageException} as soon as the body passes the
 * limit (and the writer is aborted), and {@link BodyWriter#commit} throws one when the headers tip
 * the pair over it. Nothing is then visible.
 *
 * <p>Bodies being written count against {@link Builder#maximumInFlightBytes(long)} (by default the
 * store's own bound), so the heap a storage holds is bounded however many responses arrive at once
 * (SEC-08): a write that would pass it fails with a {@link StorageException} and stores nothing,
 * and the cache serves that response without storing it.
 *
 * <p>Reading a body does not copy it: {@link StoredBody#nextChunk()} returns the whole stored body
 * as one read-only buffer.
 *
 * <pre>{@code
 * Storage storage = MemoryStorage.newBuilder()
 *     .maximumBytes(64L << 20)
 *     .maximumEntryBytes(4L << 20)
 *     .build();
 * }</pre>
 */
public final class MemoryStorage implements Storage {
  /** Bytes counted per pair on top of its header text: the objects that hold a pair. */
  static final int PAIR_OVERHEAD = 256;

  /** Bytes counted per header field line on top of its name and value. */
  static final int FIELD_OVERHEAD = 32;

  private final Cache<CacheKey, Entry> cache;
  private final long maximumBytes;
  private final long maximumEntryBytes;
  private final long maximumInFlightBytes;
  private final AtomicLong inFlight = new AtomicLong();
  private final LongAdder evictions = new LongAdder();
  private volatile boolean closed;

  private MemoryStorage(Builder builder) {
    this.maximumBytes = builder.maximumBytes;
    this.maximumEntryBytes = Math.min(builder.maximumEntryBytes, builder.maximumBytes);
    this.maximumInFlightBytes = builder.maximumInFlightBytes;
    this.cache =
        Caffeine.newBuilder()
            .maximumWeight(maximumBytes)
            .weigher((CacheKey key, Entry entry) -> entry.weight())
            // Maintenance runs on the caller, so the bound holds when a write returns.
            .executor(Runnable::run)
            .evictionListener(
                (CacheKey key, Entry entry, RemovalCause cause) -> {
                  if (entry != null && cause.wasEvicted()) {
                    evictions.add(entry.count());
                  }
                })
            .build();
  }

  /** A builder with the default bounds: 64 MiB in all, 8 MiB per pair. */
  public static Builder newBuilder() {
    return new Builder();
  }

  /** The bound on the bytes of all pairs, as built. */
  public long maximumBytes() {
    return maximumBytes;
  }

  /** The bound on the bytes of one pair (headers and body), as built. */
  public long maximumEntryBytes() {
    return maximumEntryBytes;
  }

  /** The bound on the bytes held by writers that have not committed yet, as built. */
  public long maximumInFlightBytes() {
    return maximumInFlightBytes;
  }

  /** The bytes held by writers that have not committed or aborted yet. */
  public long inFlightBytes() {
    return inFlight.get();
  }

  /** Takes {@code n} bytes from the in-flight budget; false when they do not fit. */
  private boolean reserve(long n) {
    while (true) {
      long now = inFlight.get();
      if (now + n > maximumInFlightBytes) {
        return false;
      }
      if (inFlight.compareAndSet(now, now + n)) {
        return true;
      }
    }
  }

  @Override
  public List<StoredPair> find(CacheKey key) throws IOException {
    requireNonNull(key, "key");
    checkOpen();
    Entry e = cache.getIfPresent(key);
    if (e == null) {
      return List.of();
    }
    if (e.next == null) {
      return List.of(e.pair);
    }
    List<StoredPair> pairs = new ArrayList<>(e.count());
    for (; e != null; e = e.next) {
      pairs.add(e.pair);
    }
    return pairs;
  }

  @Override
  public BodyWriter newWriter(StoredPair pair) throws IOException {
    requireNonNull(pair, "pair");
    checkOpen();
    return new Writer(pair);
  }

  @Override
  public Optional<StoredBody> openBody(StoredPair pair) throws IOException {
    requireNonNull(pair, "pair");
    checkOpen();
    for (Entry e = cache.getIfPresent(pair.key()); e != null; e = e.next) {
      if (e.pair == pair || e.pair.equals(pair)) {
        return Optional.of(new ArrayBody(e.body, e.body.length));
      }
    }
    return Optional.empty();
  }

  @Override
  public boolean update(StoredPair pair) throws IOException {
    requireNonNull(pair, "pair");
    checkOpen();
    boolean[] found = new boolean[1];
    cache
        .asMap()
        .computeIfPresent(
            pair.key(),
            (k, head) -> {
              Entry old = head.find(pair.id());
              if (old == null) {
                return head;
              }
              found[0] = true;
              return Entry.put(head, pair, old.body);
            });
    return found[0];
  }

  @Override
  public void remove(CacheKey key, Collection<UUID> ids) throws IOException {
    requireNonNull(key, "key");
    requireNonNull(ids, "ids");
    checkOpen();
    if (ids.isEmpty()) {
      return;
    }
    cache
        .asMap()
        .computeIfPresent(
            key,
            (k, head) -> {
              Entry kept = head;
              for (UUID id : ids) {
                if (kept == null) {
                  break;
                }
                kept = kept.without(id);
              }
              return kept;
            });
  }

  @Override
  public void removeAll(CacheKey key) throws IOException {
    requireNonNull(key, "key");
    checkOpen();
    cache.invalidate(key);
  }

  @Override
  public long size() throws IOException {
    checkOpen();
    cache.cleanUp();
    return cache.policy().eviction().orElseThrow().weightedSize().orElseThrow();
  }

  /** True: a commit only links the pair into memory. */
  @Override
  public boolean commitIsCheap(long length) {
    return true;
  }

  @Override
  public long evictionCount() {
    return evictions.sum();
  }

  @Override
  public void clear() throws IOException {
    checkOpen();
    cache.invalidateAll();
  }

  /**
   * Drops every pair; the storage then refuses all calls with a {@link StorageException}. Pending
   * writers are aborted: their next {@code write} or {@code commit} throws one and stores nothing.
   */
  @Override
  public void close() {
    closed = true;
    cache.invalidateAll();
  }

  @Override
  public String toString() {
    return "MemoryStorage[maximumBytes=" + maximumBytes + ", keys=" + cache.estimatedSize() + "]";
  }

  private void checkOpen() throws StorageException {
    if (closed) {
      throw new StorageException("the storage is closed");
    }
  }

  /** The weight of a pair's headers: their text plus a fixed overhead per line and per pair. */
  static int headerWeight(StoredPair pair) {
    long w =
        PAIR_OVERHEAD
            + pair.key().value().length()
            + pair.request().uri().toString().length()
            + fieldsWeight(pair.request().headers())
            + fieldsWeight(pair.response().headers());
    return (int) Math.min(Integer.MAX_VALUE, w);
  }

  private static long fieldsWeight(Headers headers) {
    long w = 0;
    for (int i = 0; i < headers.size(); i++) {
      w += headers.name(i).length() + headers.value(i).length() + FIELD_OVERHEAD;
    }
    return w;
  }

  /**
   * The pairs under one key as an immutable list of links, one object per pair: a change makes a
   * new list and never touches one that readers may hold.
   */
  private static final class Entry {
    final StoredPair pair;
    final byte[] body;
    final Entry next;
    // Of this link and the ones after it, kept so that Caffeine's weigher and the eviction count
    // cost the same for one pair as for thousands.
    private final int weight;
    private final int count;

    Entry(StoredPair pair, byte[] body, Entry next) {
      this.pair = pair;
      this.body = body;
      this.next = next;
      long w = (long) body.length + headerWeight(pair) + (next == null ? 0 : next.weight);
      this.weight = (int) Math.min(Integer.MAX_VALUE, w);
      this.count = 1 + (next == null ? 0 : next.count);
    }

    int count() {
      return count;
    }

    int weight() {
      return weight;
    }

    Entry find(UUID id) {
      for (Entry e = this; e != null; e = e.next) {
        if (e.pair.id().equals(id)) {
          return e;
        }
      }
      return null;
    }

    /**
     * This list without the pair of this id (itself when absent); null when nothing is left. A
     * loop, not a recursion: the list's length is not the stack's business.
     */
    Entry without(UUID id) {
      int before = 0;
      Entry hit = this;
      while (hit != null && !hit.pair.id().equals(id)) {
        hit = hit.next;
        before++;
      }
      if (hit == null) {
        return this;
      }
      Entry[] prefix = new Entry[before];
      Entry e = this;
      for (int i = 0; i < before; i++, e = e.next) {
        prefix[i] = e;
      }
      Entry rest = hit.next;
      for (int i = before - 1; i >= 0; i--) {
        rest = new Entry(prefix[i].pair, prefix[i].body, rest);
      }
      return rest;
    }

    /** The list {@code head} (may be null) with this pair in front, replacing one of its id. */
    static Entry put(Entry head, StoredPair pair, byte[] body) {
      return new Entry(pair, body, head == null ? null : head.without(pair.id()));
    }
  }

  /** Gathers a body into a growing array and publishes it with its pair on commit. */
  private final class Writer implements BodyWriter {
    private static final int INITIAL_CAPACITY = 512;
    private static final int MAXIMUM_PRESIZE = 256 * 1024;
    private final StoredPair pair;
    private final int headerWeight;
    private byte[] buf;
    private int count;
    private boolean done;
    private long reserved; // bytes taken from the in-flight budget, given back when done

    Writer(StoredPair pair) throws StorageException {
      this.pair = pair;
      this.headerWeight = headerWeight(pair);
      int capacity = initialCapacity(pair);
      take(capacity);
      this.buf = new byte[capacity];
    }

    /** Takes bytes from the in-flight budget, or fails the write (SEC-08). */
    private void take(long n) throws StorageException {
      if (!reserve(n)) {
        abort();
        throw new StorageException(
            "bodies being stored would pass the in-flight bound of "
                + maximumInFlightBytes
                + " bytes; "
                + pair.key()
                + " is not stored");
      }
      reserved += n;
    }

    private void giveBack() {
      long n = reserved;
      reserved = 0;
      if (n != 0) {
        inFlight.addAndGet(-n);
      }
    }

    private int initialCapacity(StoredPair pair) {
      // A declared Content-Length sizes the array once, so commit need not copy it.
      Optional<String> length = pair.response().headers().firstValue("Content-Length");
      if (length.isPresent()) {
        try {
          long n = Long.parseLong(length.get().trim());
          if (n >= 0 && n <= maximumEntryBytes - headerWeight) {
            // A server's word is only trusted so far before the bytes arrive.
            return (int) Math.min(n, MAXIMUM_PRESIZE);
          }
        } catch (NumberFormatException ignored) {
          // A bad Content-Length is only a missed hint.
        }
      }
      return INITIAL_CAPACITY;
    }

    @Override
    public void write(ByteBuffer chunk) throws IOException {
      requireNonNull(chunk, "chunk");
      if (done) {
        throw new IllegalStateException("the writer is already committed or aborted");
      }
      if (closed) {
        // Storage.close(): pending writers are aborted.
        abort();
        throw new StorageException("the storage is closed");
      }
      int n = chunk.remaining();
      long total = (long) count + n;
      if (total + headerWeight > maximumEntryBytes) {
        abort();
        throw new StorageException(
            "pair of "
                + pair.key()
                + " exceeds the entry bound of "
                + maximumEntryBytes
                + " bytes");
      }
      if (total > buf.length) {
        long grown = Math.max(total, Math.min((long) buf.length * 2, maximumEntryBytes));
        int capacity = (int) Math.max(grown, INITIAL_CAPACITY);
        // The new array is taken while the old one is still held; the old goes back after.
        take(capacity);
        int old = buf.length;
        buf = Arrays.copyOf(buf, capacity);
        reserved -= old;
        inFlight.addAndGet(-old);
      }
      chunk.get(buf, count, n);
      count = (int) total;
    }

    @Override
    public long bytesWritten() {
      return count;
    }

    @Override
    public void commit() throws IOException {
      if (done) {
        throw new IllegalStateException("the writer is already committed or aborted");
      }
      done = true;
      byte[] body;
      try {
        body = count == buf.length ? buf : Arrays.copyOf(buf, count);
      } finally {
        // From here the bytes are the cache's, weighed by Caffeine, or gone.
        buf = null;
        giveBack();
      }
      if ((long) count + headerWeight > maximumEntryBytes) {
        throw new StorageException(
            "pair of "
                + pair.key()
                + " exceeds the entry bound of "
                + maximumEntryBytes
                + " bytes");
      }
      checkOpen();
      cache.asMap().compute(pair.key(), (k, head) -> Entry.put(head, pair, body));
      if (closed) {
        // Closed between the check and the put: close() may have cleared the cache before the
        // pair arrived, so take it out again rather than leave it in a closed storage.
        cache.asMap().computeIfPresent(pair.key(), (k, head) -> head.without(pair.id()));
        throw new StorageException("the storage is closed");
      }
    }

    @Override
    public void abort() {
      done = true;
      buf = null;
      giveBack();
    }

    @Override
    public void close() {
      if (!done) {
        abort();
      }
    }
  }

  /**
   * Configures a {@link MemoryStorage}. Setters validate at once; {@link #build()} may be called
   * again.
   */
  public static final class Builder {
    private static final long UNSET = Long.MIN_VALUE;
    private long maximumBytes = UNSET;
    private long maximumEntryBytes = UNSET;
    private long maximumInFlightBytes = UNSET;

    private Builder() {}

    /**
     * The bound on all stored pairs, bodies and headers together (default 64 MiB).
     *
     * @throws IllegalArgumentException if not positive
     * @throws IllegalStateException if already set
     */
    public Builder maximumBytes(long maximumBytes) {
      if (maximumBytes <= 0) {
        throw new IllegalArgumentException("maximumBytes must be positive: " + maximumBytes);
      }
      if (this.maximumBytes != UNSET) {
        throw new IllegalStateException("maximumBytes was already set");
      }
      this.maximumBytes = maximumBytes;
      return this;
    }

    /**
     * The bound on one pair, body and headers together (default 8 MiB, and never more than {@link
     * #maximumBytes(long)} or 2 GiB); a larger pair is not stored.
     *
     * @throws IllegalArgumentException if not positive
     * @throws IllegalStateException if already set
     */
    public Builder maximumEntryBytes(long maximumEntryBytes) {
      if (maximumEntryBytes <= 0) {
        throw new IllegalArgumentException(
            "maximumEntryBytes must be positive: " + maximumEntryBytes);
      }
      if (this.maximumEntryBytes != UNSET) {
        throw new IllegalStateException("maximumEntryBytes was already set");
      }
      this.maximumEntryBytes = maximumEntryBytes;
      return this;
    }

    /**
     * The bound on the bytes held by bodies being written and not yet committed (default: {@link
     * #maximumBytes(long)}). A write that would pass it fails and stores nothing (SEC-08).
     *
     * @throws IllegalArgumentException if not positive
     * @throws IllegalStateException if already set
     */
    public Builder maximumInFlightBytes(long maximumInFlightBytes) {
      if (maximumInFlightBytes <= 0) {
        throw new IllegalArgumentException(
            "maximumInFlightBytes must be positive: " + maximumInFlightBytes);
      }
      if (this.maximumInFlightBytes != UNSET) {
        throw new IllegalStateException("maximumInFlightBytes was already set");
      }
      this.maximumInFlightBytes = maximumInFlightBytes;
      return this;
    }

    /** A new, empty storage with these bounds. */
    public MemoryStorage build() {
      Builder b = new Builder();
      b.maximumBytes = maximumBytes == UNSET ? 64L << 20 : maximumBytes;
      b.maximumInFlightBytes =
          maximumInFlightBytes == UNSET ? b.maximumBytes : maximumInFlightBytes;
      long entry = maximumEntryBytes == UNSET ? 8L << 20 : maximumEntryBytes;
      b.maximumEntryBytes = Math.min(entry, Integer.MAX_VALUE - 16);
      return new MemoryStorage(b);
    }
  }
}
