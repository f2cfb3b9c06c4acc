package dev.cachet.storage.redis.internal;

import dev.cachet.core.StoredPair;
import dev.cachet.storage.BodyWriter;
import dev.cachet.storage.StorageException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
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
  private final byte[] temp;
  private final byte[] tempTtl;
  private byte[] buffer;
  private int buffered;
  private long sent;
  private State state = State.OPEN;

  RedisWriter(RedisEngine engine, StoredPair pair, String nonce) {
    this.engine = engine;
    this.pair = pair;
    this.nonce = nonce;
    this.temp = engine.keys().temp(pair.key(), nonce);
    this.tempTtl = RedisEngine.ascii(engine.settings().writeIdleTimeout().toMillis());
    this.buffer = new byte[engine.settings().chunkSize()];
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
      while (chunk.hasRemaining()) {
        int n = Math.min(chunk.remaining(), buffer.length - buffered);
        chunk.get(buffer, buffered, n);
        buffered += n;
        if (buffered == buffer.length) {
          flush();
        }
      }
    } catch (IOException | RuntimeException e) {
      abort();
      throw e;
    }
  }

  @Override
  public long bytesWritten() {
    return sent + buffered;
  }

  @Override
  @SuppressWarnings("NullAway") // the buffer is let go (null) once the writer is done
  public void commit() throws IOException {
    if (state != State.OPEN) {
      throw new IllegalStateException("the writer is " + state.name().toLowerCase(Locale.ROOT));
    }
    try {
      engine.checkOpen();
      flush();
      KeySpace keys = engine.keys();
      byte[] value = EntryValue.encode(nonce, sent, pair);
      long ttl =
          engine.settings().lifetimes().timeToLiveMillis(pair, engine.settings().clock().instant());
      List<byte[]> k = List.of(keys.entry(pair.key()), temp, keys.body(pair.key(), nonce));
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
      buffer = null;
      engine.forget(this);
    } catch (IOException | RuntimeException e) {
      abort();
      throw e;
    }
  }

  @Override
  @SuppressWarnings("NullAway") // the buffer is let go (null) once the writer is done
  public void abort() {
    if (state != State.OPEN) {
      return;
    }
    state = State.ABORTED;
    buffer = null;
    engine.forget(this);
    if (sent > 0) {
      try {
        engine.guard().call("abort", () -> engine.redis().del(temp));
      } catch (StorageException e) {
        // The unpublished key expires after the write idle timeout.
      }
    }
  }

  @Override
  public void close() {
    abort();
  }

  /** Appends the buffered bytes to the unpublished key. */
  private void flush() throws StorageException {
    if (buffered == 0) {
      return;
    }
    byte[] bytes = buffered == buffer.length ? buffer : Arrays.copyOf(buffer, buffered);
    Object reply =
        engine
            .guard()
            .call(
                "write",
                () -> Script.APPEND.run(engine.redis(), List.of(temp), List.of(bytes, tempTtl)));
    sent += buffered;
    buffered = 0;
    if (!Long.valueOf(sent).equals(reply)) {
      throw new StorageException("the body being written expired or was evicted from Redis");
    }
  }
}
