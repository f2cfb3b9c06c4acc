package dev.cachet.storage.internal;

import dev.cachet.storage.StorageException;
import dev.cachet.storage.StoredBody;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Optional;

/** Bodies read by range (RFC 9110 §14): the views a store can give, and the fallback that skips. */
public final class RangeBodies {
  private RangeBodies() {}

  /** A body that can give a range of itself without reading what comes before it. */
  public interface Sliceable {
    /**
     * A new body of {@code length} bytes from {@code offset} of this one, which it replaces: this
     * one is not read afterwards, and closing the new one releases what this one holds.
     *
     * @throws IOException if the bytes cannot be read
     */
    StoredBody slice(long offset, long length) throws IOException;
  }

  /** Checks a range's arguments. */
  public static void check(long offset, long length) {
    if (offset < 0 || length < 0 || offset > Long.MAX_VALUE - length) {
      throw new IllegalArgumentException("not a range: offset " + offset + ", length " + length);
    }
  }

  /**
   * {@code length} bytes from {@code offset} of {@code whole}, which the result takes over: a view
   * when the body is {@link Sliceable}, else a body that reads and drops the bytes before {@code
   * offset}.
   *
   * @throws StorageException when the body is shorter than the range; {@code whole} is then closed
   */
  public static StoredBody slice(StoredBody whole, long offset, long length) throws IOException {
    check(offset, length);
    if (offset + length > whole.length()) {
      long had = whole.length();
      whole.close();
      throw new StorageException(
          "the stored body has " + had + " bytes, not the " + (offset + length) + " asked for");
    }
    if (whole instanceof Sliceable s) {
      return s.slice(offset, length);
    }
    return new Skipping(whole, offset, length);
  }

  /** The fallback: reads {@code offset} bytes and drops them, then hands out {@code length}. */
  private static final class Skipping implements StoredBody {
    private final StoredBody whole;
    private final long length;
    private long toSkip;
    private long left;

    Skipping(StoredBody whole, long offset, long length) {
      this.whole = whole;
      this.toSkip = offset;
      this.length = length;
      this.left = length;
    }

    @Override
    public long length() {
      return length;
    }

    @Override
    public Optional<ByteBuffer> nextChunk() throws IOException {
      while (left > 0) {
        Optional<ByteBuffer> next = whole.nextChunk();
        if (next.isEmpty()) {
          throw new StorageException("the stored body ended before the range");
        }
        ByteBuffer b = next.get();
        if (toSkip >= b.remaining()) {
          toSkip -= b.remaining();
          continue;
        }
        b.position(b.position() + (int) toSkip);
        toSkip = 0;
        if (b.remaining() > left) {
          b.limit(b.position() + (int) left);
        }
        left -= b.remaining();
        return Optional.of(b.slice().asReadOnlyBuffer());
      }
      return Optional.empty();
    }

    @Override
    public InputStream asInputStream() {
      return new ChunkStream(this);
    }

    @Override
    public void close() throws IOException {
      whole.close();
    }
  }

  /** A stream over a body's chunks. */
  static final class ChunkStream extends InputStream {
    private final StoredBody body;
    private ByteBuffer current = ByteBuffer.allocate(0);

    ChunkStream(StoredBody body) {
      this.body = body;
    }

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
      body.close();
    }

    private boolean fill() throws IOException {
      while (!current.hasRemaining()) {
        Optional<ByteBuffer> next = body.nextChunk();
        if (next.isEmpty()) {
          return false;
        }
        current = next.get();
      }
      return true;
    }
  }
}
