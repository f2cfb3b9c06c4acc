package dev.cachet.storage.internal;

import dev.cachet.storage.StoredBody;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * A body held in memory, read without copying: one read-only chunk, or a stream that never hands
 * the stored array itself to anyone.
 */
public final class ArrayBody implements StoredBody, RangeBodies.Sliceable {
  private final byte[] body;
  private final int offset;
  private final int length;
  private boolean consumed;

  /** The first {@code length} bytes of {@code body}, which must not change afterwards. */
  public ArrayBody(byte[] body, int length) {
    this(body, 0, length);
  }

  /** {@code length} bytes from {@code offset} of {@code body}, which must not change afterwards. */
  public ArrayBody(byte[] body, int offset, int length) {
    java.util.Objects.checkFromIndexSize(offset, length, body.length);
    this.body = body;
    this.offset = offset;
    this.length = length;
  }

  /** A view of a range of the same array: nothing is copied. */
  @Override
  public StoredBody slice(long from, long count) {
    java.util.Objects.checkFromIndexSize(from, count, length);
    consumed = true;
    return new ArrayBody(body, offset + (int) from, (int) count);
  }

  @Override
  public long length() {
    return length;
  }

  @Override
  public Optional<ByteBuffer> nextChunk() {
    if (consumed || length == 0) {
      consumed = true;
      return Optional.empty();
    }
    consumed = true;
    return Optional.of(ByteBuffer.wrap(body, offset, length).slice().asReadOnlyBuffer());
  }

  @Override
  public InputStream asInputStream() {
    if (consumed) {
      return InputStream.nullInputStream();
    }
    consumed = true;
    return new ByteArrayInputStream(body, offset, length) {
      @Override
      public synchronized long transferTo(OutputStream out) throws java.io.IOException {
        // ByteArrayInputStream hands its own array to out.write; a sink that changed it would
        // change the stored body. Copy through a buffer of its own instead.
        byte[] chunk = new byte[Math.min(8192, Math.max(1, available()))];
        long n = 0;
        for (int r = read(chunk, 0, chunk.length); r > 0; r = read(chunk, 0, chunk.length)) {
          out.write(chunk, 0, r);
          n += r;
        }
        return n;
      }
    };
  }

  @Override
  public void close() {
    consumed = true;
  }
}
