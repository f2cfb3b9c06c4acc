package dev.cachet.storage.redis.internal;

import dev.cachet.core.StoredPair;
import dev.cachet.storage.BodyWriter;
import dev.cachet.storage.StorageException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Locale;

/**
 * Writes a body in chunks to a key of its own that no reader looks at ({@link KeySpace#temp}), each
 * chunk appended as it fills, so a large body never sits whole in the heap; {@link #commit()} then
 * publishes body and pair in one script ({@link Script#COMMIT}). A writer that dies leaves only its
 * unpublished key, which expires after the write idle timeout.
 */
final class RedisWriter implements BodyWriter {
  /** Redis' largest string: {@code proto-max-bulk-len} and the string limit are 512 MiB. */
  static final long MAX_BODY = 512L << 20;

  private enum State {
    OPEN,
    COMMITTED,
    ABORTED
  }

  private final RedisEngine engine;
  private final StoredPair pair;
  private final String nonce;
  private final TempAppender body;
  private State state = State.OPEN;

  RedisWriter(RedisEngine engine, StoredPair pair, String nonce) {
    this.engine = engine;
    this.pair = pair;
    this.nonce = nonce;
    this.body = new TempAppender(engine, engine.keys().temp(pair.key(), nonce), "body", "");
  }

  @Override
  public void write(ByteBuffer chunk) throws IOException {
    if (state != State.OPEN) {
      throw new IllegalStateException("the writer is " + state.name().toLowerCase(Locale.ROOT));
    }
    try {
      engine.checkOpen();
      if (bytesWritten() + chunk.remaining() > MAX_BODY) {
        throw new StorageException("a body over 512 MiB cannot be stored in Redis");
      }
      body.write(chunk);
    } catch (IOException | RuntimeException e) {
      abort();
      throw e;
    }
  }

  @Override
  public long bytesWritten() {
    return body.written();
  }

  @Override
  public void commit() throws IOException {
    if (state != State.OPEN) {
      throw new IllegalStateException("the writer is " + state.name().toLowerCase(Locale.ROOT));
    }
    try {
      engine.checkOpen();
      long sent = body.flush();
      KeySpace keys = engine.keys();
      byte[] value = EntryValue.encode(nonce, sent, pair);
      long ttl =
          engine.settings().lifetimes().timeToLiveMillis(pair, engine.settings().clock().instant());
      List<byte[]> k = List.of(keys.entry(pair.key()), body.key(), keys.body(pair.key(), nonce));
      List<byte[]> a =
          List.of(
              RedisEngine.field(pair.id()),
              value,
              RedisEngine.ascii(sent),
              RedisEngine.ascii(ttl),
              keys.bodyPrefix(pair.key()),
              RedisEngine.ascii(engine.settings().linger().toMillis()));
      Object reply = engine.guard().call("commit", () -> Script.COMMIT.run(engine.redis(), k, a));
      if (!Long.valueOf(1).equals(reply)) {
        throw new StorageException(
            "the body expired or was evicted from Redis before it could be published");
      }
      state = State.COMMITTED;
      body.release();
      engine.forget(this);
    } catch (IOException | RuntimeException e) {
      abort();
      throw e;
    }
  }

  @Override
  public void abort() {
    if (state != State.OPEN) {
      return;
    }
    state = State.ABORTED;
    engine.forget(this);
    body.discard();
  }

  @Override
  public void close() {
    abort();
  }
}
