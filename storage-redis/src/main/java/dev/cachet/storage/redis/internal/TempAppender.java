package dev.cachet.storage.redis.internal;

import dev.cachet.storage.StorageException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;

/**
 * The bytes of a write in progress, buffered to a chunk and appended chunk by chunk ({@link
 * Script#APPEND}) to a key of their own that no reader looks at ({@link KeySpace#temp}), so a large
 * body never sits whole in the heap. The key expires after the write idle timeout unless a commit
 * script takes it first. Not thread-safe: one writer's.
 */
final class TempAppender {
  private static final byte[] NO_BYTES = new byte[0];

  private final RedisEngine engine;
  private final byte[] key;
  private final byte[] ttl;
  private final String what;
  private final String ops;
  private byte[] buffer;
  private int buffered;
  private long sent;

  /**
   * @param key the temporary key
   * @param what what is written, for messages: {@code body} or {@code part}
   * @param ops the suffix of the guard's operation names ({@code write…}, {@code abort…})
   */
  TempAppender(RedisEngine engine, byte[] key, String what, String ops) {
    this.engine = engine;
    this.key = key;
    this.ttl = RedisEngine.ascii(engine.settings().writeIdleTimeout().toMillis());
    this.what = what;
    this.ops = ops;
    this.buffer = new byte[engine.settings().chunkSize()];
  }

  byte[] key() {
    return key;
  }

  /** The bytes written so far, sent or buffered. */
  long written() {
    return sent + buffered;
  }

  /** Buffers the chunk's remaining bytes, appending each chunk to the key as it fills. */
  void write(ByteBuffer chunk) throws StorageException {
    while (chunk.hasRemaining()) {
      int n = Math.min(chunk.remaining(), buffer.length - buffered);
      chunk.get(buffer, buffered, n);
      buffered += n;
      if (buffered == buffer.length) {
        flush();
      }
    }
  }

  /**
   * Appends what is buffered, and checks that the key holds every byte sent.
   *
   * @return the bytes the key holds
   * @throws StorageException if Redis fails, or the key expired or was evicted meanwhile
   */
  long flush() throws StorageException {
    if (buffered == 0) {
      return sent;
    }
    byte[] bytes = buffered == buffer.length ? buffer : Arrays.copyOf(buffer, buffered);
    Object reply =
        engine
            .guard()
            .call(
                "write" + ops,
                () -> Script.APPEND.run(engine.redis(), List.of(key), List.of(bytes, ttl)));
    sent += buffered;
    buffered = 0;
    if (!Long.valueOf(sent).equals(reply)) {
      throw new StorageException(
          "the " + what + " being written expired or was evicted from Redis");
    }
    return sent;
  }

  /** Lets go of the buffer: the write is published. */
  void release() {
    buffer = NO_BYTES;
    buffered = 0;
  }

  /** Lets go of the buffer and deletes what was sent; a failure leaves the key to expire. */
  void discard() {
    release();
    if (sent > 0) {
      try {
        engine.guard().call("abort" + ops, () -> engine.redis().del(key));
      } catch (StorageException e) {
        // The key expires after the write idle timeout.
      }
    }
  }
}
