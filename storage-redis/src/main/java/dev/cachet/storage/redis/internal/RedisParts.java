package dev.cachet.storage.redis.internal;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.cachet.core.ByteRangeSet;
import dev.cachet.core.CacheKey;
import dev.cachet.core.ContentRange;
import dev.cachet.core.PartialEntry;
import dev.cachet.core.StoredPair;
import dev.cachet.storage.BodyWriter;
import dev.cachet.storage.StorageException;
import dev.cachet.storage.StoredBody;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Partial entries in Redis (RFC 9111 §3.3, §3.4): beside the complete pairs of a key, a hash of
 * their metadata, a hash of the byte ranges each holds, and a body per entry into which each part
 * is written at its offset ({@link KeySpace}). A part is written to a key of its own first, then
 * joined to its entry by one script ({@link Script#PART_COMMIT}), which also joins its range to the
 * entry's, so concurrent parts never lose one another's range.
 */
final class RedisParts {
  private final RedisEngine engine;

  RedisParts(RedisEngine engine) {
    this.engine = engine;
  }

  List<PartialEntry> find(CacheKey key) throws IOException {
    KeySpace keys = engine.keys();
    Object reply =
        engine
            .guard()
            .call(
                "findPartial",
                () ->
                    Script.PARTIALS.run(
                        engine.redis(),
                        List.of(keys.partial(key), keys.partialRanges(key)),
                        List.of(keys.partialBodyPrefix(key))));
    List<?> values = (List<?>) reply;
    List<PartialEntry> entries = new ArrayList<>(values.size() / 3);
    for (int i = 0; i + 2 < values.size(); i += 3) {
      Optional<PartialEntry> e =
          decode(
              key, (byte[]) values.get(i), (byte[]) values.get(i + 1), (byte[]) values.get(i + 2));
      e.ifPresent(entries::add);
    }
    return entries;
  }

  /** The entry of this id and value, or empty when it does not decode as one of this key. */
  private static Optional<PartialEntry> decode(
      CacheKey key, byte[] id, byte[] value, byte[] ranges) {
    Optional<EntryValue> decoded = EntryValue.decode(value);
    if (decoded.isEmpty()
        || !decoded.get().pair().key().equals(key)
        || !Arrays.equals(RedisEngine.field(decoded.get().pair().id()), id)) {
      return Optional.empty();
    }
    try {
      PartialEntry entry = new PartialEntry(decoded.get().pair(), parseRanges(ranges));
      return entry.completeLength() == decoded.get().bodyLength()
          ? Optional.of(entry)
          : Optional.empty();
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /** Ranges as the commit script writes them: {@code first-last} joined by commas. */
  static ByteRangeSet parseRanges(byte[] text) {
    ByteRangeSet set = ByteRangeSet.empty();
    String s = new String(text, UTF_8);
    if (s.isEmpty()) {
      return set;
    }
    int from = 0;
    while (from < s.length()) {
      int comma = s.indexOf(',', from);
      int end = comma < 0 ? s.length() : comma;
      int dash = s.indexOf('-', from);
      if (dash < from || dash > end) {
        throw new IllegalArgumentException("not a range list: " + s);
      }
      long first = Long.parseLong(s.substring(from, dash));
      long last = Long.parseLong(s.substring(dash + 1, end));
      set = set.plus(first, last - first + 1);
      from = end + 1;
    }
    return set;
  }

  /** The present bytes of a partial entry whose pair is {@code pair}; empty otherwise. */
  Optional<StoredBody> open(StoredPair pair, long offset, long length) throws IOException {
    KeySpace keys = engine.keys();
    CacheKey key = pair.key();
    Object reply =
        engine
            .guard()
            .call(
                "openPart",
                () ->
                    Script.PART_OPEN.run(
                        engine.redis(),
                        List.of(keys.partial(key), keys.partialRanges(key)),
                        List.of(RedisEngine.field(pair.id()), keys.partialBodyPrefix(key))));
    if (reply == null) {
      return Optional.empty();
    }
    List<?> values = (List<?>) reply;
    byte[] value = (byte[]) values.get(0);
    Optional<PartialEntry> entry =
        decode(key, RedisEngine.field(pair.id()), value, (byte[]) values.get(1));
    if (entry.isEmpty()
        || !entry.get().pair().equals(pair)
        || !entry.get().present().covers(offset, length)) {
      return Optional.empty();
    }
    String nonce = EntryValue.nonceOf(value).orElseThrow();
    RedisBody body =
        new RedisBody(
            engine,
            keys.partialBody(key, nonce),
            entry.get().completeLength(),
            engine.settings().chunkSize());
    return Optional.of(body.slice(offset, length));
  }

  BodyWriter newWriter(StoredPair pair, ContentRange part) throws IOException {
    PartialEntry entry = new PartialEntry(pair, ByteRangeSet.empty());
    if (entry.completeLength() != part.completeLength()) {
      throw new IllegalArgumentException(
          "the part is of "
              + part.completeLength()
              + " bytes, the entry's Content-Length "
              + entry.completeLength());
    }
    if (part.completeLength() > RedisWriter.MAX_BODY) {
      throw new StorageException("a body over 512 MiB cannot be stored in Redis");
    }
    KeySpace keys = engine.keys();
    byte[] old =
        engine
            .guard()
            .call(
                "newPartWriter",
                () -> engine.redis().hget(keys.partial(pair.key()), RedisEngine.field(pair.id())));
    String joins = old == null ? "" : EntryValue.nonceOf(old).orElse("-");
    return new PartWriter(pair, part, joins);
  }

  void remove(CacheKey key, Collection<UUID> ids) throws IOException {
    KeySpace keys = engine.keys();
    List<byte[]> args = new ArrayList<>(ids.size() + 2);
    args.add(keys.partialBodyPrefix(key));
    args.add(RedisEngine.ascii(engine.settings().linger().toMillis()));
    byte[][] fields = new byte[ids.size()][];
    int i = 0;
    for (UUID id : ids) {
      fields[i] = RedisEngine.field(id);
      args.add(fields[i++]);
    }
    engine
        .guard()
        .call(
            "removePart",
            () -> Script.REMOVE.run(engine.redis(), List.of(keys.partial(key)), args));
    engine.guard().call("removePart", () -> engine.redis().hdel(keys.partialRanges(key), fields));
  }

  void removeAll(CacheKey key) throws IOException {
    KeySpace keys = engine.keys();
    List<byte[]> args =
        List.of(
            keys.partialBodyPrefix(key), RedisEngine.ascii(engine.settings().linger().toMillis()));
    engine
        .guard()
        .call(
            "removePart",
            () -> Script.REMOVE.run(engine.redis(), List.of(keys.partial(key)), args));
    engine.guard().call("removePart", () -> engine.redis().del(keys.partialRanges(key)));
  }

  /** Writes one part to a key of its own, then joins it to its entry in one script. */
  private final class PartWriter implements BodyWriter {
    private final StoredPair pair;
    private final ContentRange part;
    private final String joins; // the nonce of the entry it joins; "" for a new entry
    private final String nonce;
    private final TempAppender bytes;
    private boolean done;

    PartWriter(StoredPair pair, ContentRange part, String joins) {
      this.pair = pair;
      this.part = part;
      this.joins = joins;
      this.nonce = joins.isEmpty() ? EntryValue.newNonce() : joins;
      this.bytes =
          new TempAppender(
              engine, engine.keys().temp(pair.key(), EntryValue.newNonce()), "part", "Part");
    }

    @Override
    public void write(ByteBuffer chunk) throws IOException {
      if (done) {
        throw new IllegalStateException("the writer is already committed or aborted");
      }
      try {
        engine.checkOpen();
        if (bytesWritten() + chunk.remaining() > part.length()) {
          throw new StorageException("more bytes than the part " + part.fieldValue());
        }
        bytes.write(chunk);
      } catch (IOException | RuntimeException e) {
        abort();
        throw e;
      }
    }

    @Override
    public long bytesWritten() {
      return bytes.written();
    }

    @Override
    public void commit() throws IOException {
      if (done) {
        throw new IllegalStateException("the writer is already committed or aborted");
      }
      try {
        engine.checkOpen();
        long sent = bytes.flush();
        if (sent != part.length()) {
          throw new StorageException(
              sent + " bytes written for the part " + part.fieldValue() + "; nothing stored");
        }
        KeySpace keys = engine.keys();
        byte[] value = EntryValue.encode(nonce, part.completeLength(), pair);
        long ttl =
            engine
                .settings()
                .lifetimes()
                .timeToLiveMillis(pair, engine.settings().clock().instant());
        CacheKey key = pair.key();
        List<byte[]> k =
            List.of(
                keys.partial(key),
                keys.partialRanges(key),
                bytes.key(),
                keys.partialBody(key, nonce));
        List<byte[]> a =
            List.of(
                RedisEngine.field(pair.id()),
                value,
                RedisEngine.ascii(part.offset()),
                RedisEngine.ascii(part.length()),
                joins.getBytes(UTF_8),
                RedisEngine.ascii(ttl),
                RedisEngine.ascii(part.completeLength()));
        Object reply =
            engine.guard().call("commitPart", () -> Script.PART_COMMIT.run(engine.redis(), k, a));
        if (!Long.valueOf(1).equals(reply)) {
          throw new StorageException(
              Long.valueOf(0).equals(reply)
                  ? "the part expired or was evicted from Redis before it could be joined"
                  : "the partial entry "
                      + pair.id()
                      + " changed or went while the part was written");
        }
        done = true;
        bytes.release();
      } catch (IOException | RuntimeException e) {
        abort();
        throw e;
      }
    }

    @Override
    public void abort() {
      if (done) {
        return;
      }
      done = true;
      bytes.discard();
    }

    @Override
    public void close() {
      abort();
    }
  }
}
