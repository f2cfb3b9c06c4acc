package dev.cachet.storage.redis.internal;

import dev.cachet.storage.StorageException;
import dev.cachet.storage.StoredBody;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * A published body read in chunks with {@code GETRANGE}, so a large body never sits whole in the
 * heap. Published bodies never change, so the chunks always belong to one body; should the body
 * vanish while being read (removed, replaced and lingered out, or evicted), the read fails with a
 * {@link StorageException} rather than returning a short body.
 */
final class RedisBody implements StoredBody {
  private final RedisEngine engine;
  private final byte[] key;
  private final long start; // the position in the Redis string of this body's first byte
  private final long length;
  private final int chunkSize;
  private long position;
  private boolean closed;

  RedisBody(RedisEngine engine, byte[] key, long length, int chunkSize) {
    this(engine, key, 0, length, chunkSize);
  }

  private RedisBody(RedisEngine engine, byte[] key, long start, long length, int chunkSize) {
    this.engine = engine;
    this.key = key;
    this.start = start;
    this.length = length;
    this.chunkSize = chunkSize;
  }

  /**
   * {@code count} bytes from {@code offset} of this body, read with {@code GETRANGE} from their
   * position: the bytes before are never fetched (RFC 9110 §14).
   */
  RedisBody slice(long offset, long count) {
    if (offset < 0 || count < 0 || offset > length - count) {
      throw new IllegalArgumentException(
          "range " + offset + "+" + count + " of a body of " + length + " bytes");
    }
    return new RedisBody(engine, key, start + offset, count, chunkSize);
  }

  @Override
  public long length() {
    return length;
  }

  @Override
  public Optional<ByteBuffer> nextChunk() throws IOException {
    if (closed) {
      throw new StorageException("the body is closed");
    }
    if (position >= length) {
      return Optional.empty();
    }
    engine.checkOpen();
    long from = position;
    long to = Math.min(length, position + chunkSize) - 1;
    byte[] bytes =
        engine.guard().call("read", () -> engine.redis().getrange(key, start + from, start + to));
    if (bytes == null || bytes.length != to - from + 1) {
      throw new StorageException("the body vanished from Redis while being read");
    }
    position += bytes.length;
    return Optional.of(ByteBuffer.wrap(bytes).asReadOnlyBuffer());
  }

  @Override
  public InputStream asInputStream() {
    return new InputStream() {
      private ByteBuffer current = ByteBuffer.allocate(0);

      @Override
      public int read() throws IOException {
        return fill() ? current.get() & 0xff : -1;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        java.util.Objects.checkFromIndexSize(off, len, b.length);
        if (len == 0) {
          return 0;
        }
        if (!fill()) {
          return -1;
        }
        int n = Math.min(len, current.remaining());
        current.get(b, off, n);
        return n;
      }

      @Override
      public int available() {
        return current.remaining();
      }

      @Override
      public void close() throws IOException {
        RedisBody.this.close();
      }

      private boolean fill() throws IOException {
        while (!current.hasRemaining()) {
          Optional<ByteBuffer> next = nextChunk();
          if (next.isEmpty()) {
            return false;
          }
          current = next.get();
        }
        return true;
      }
    };
  }

  @Override
  public void close() {
    closed = true;
  }
}
