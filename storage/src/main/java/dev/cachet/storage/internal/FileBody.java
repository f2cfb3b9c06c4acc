package dev.cachet.storage.internal;

import dev.cachet.storage.StorageException;
import dev.cachet.storage.StoredBody;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.zip.CRC32C;
import org.jspecify.annotations.Nullable;

/**
 * A committed body being read: a region of an entry file, from {@code offset} for {@code length}
 * bytes, read with positioned reads. The body of a committed file is never modified (an update
 * writes after it; a replacement is a new file renamed over the name), so the open channel reads
 * the same bytes even if the pair is replaced or removed meanwhile. The channel may be shared with
 * other bodies of the same commit ({@link OpenEntries}); closing a body lets go of its reference.
 * The CRC32C of the bytes read is checked against the metadata when the last byte is read, before
 * it is handed out; a mismatch fails the read and reports the entry as corrupt.
 *
 * <p>A {@linkplain #slice range} of the body reads only its own bytes, from their position in the
 * entry file (RFC 9110 §14): its checksum cannot be checked, as the stored one covers the whole
 * body; a length that does not match still fails the read.
 */
final class FileBody implements StoredBody, RangeBodies.Sliceable {
  static final int CHUNK = 64 * 1024;

  private final SharedChannel shared; // one reference, this body's, let go of on close
  private final long offset; // the file position of the first byte this body reads
  private final boolean checksummed;
  private final long length;
  private final long expectedCrc;
  private final Runnable onCorrupt;
  private final @Nullable Consumer<byte[]> onWhole;
  private final CRC32C crc = new CRC32C();
  private long read;
  private boolean verified;
  private boolean closed;

  /**
   * A body of an entry file, checked against its CRC32C as it is read.
   *
   * @param offset where the body starts in the file
   * @param length the body's length
   * @param onCorrupt reports the entry corrupt: its body fails the check or ends early
   * @param onWhole is handed the body, checked, when it is read whole in one piece: an array of its
   *     own, never changed afterwards
   */
  FileBody(
      SharedChannel shared,
      long offset,
      long length,
      long expectedCrc,
      Runnable onCorrupt,
      Consumer<byte[]> onWhole) {
    this(shared, offset, length, true, expectedCrc, onCorrupt, onWhole);
  }

  private FileBody(
      SharedChannel shared,
      long offset,
      long length,
      boolean checksummed,
      long expectedCrc,
      Runnable onCorrupt,
      @Nullable Consumer<byte[]> onWhole) {
    this.shared = shared;
    this.offset = offset;
    this.length = length;
    this.checksummed = checksummed;
    this.expectedCrc = expectedCrc;
    this.onCorrupt = onCorrupt;
    this.onWhole = onWhole;
  }

  /** The bytes from {@code from}, read from their position in the file, over the same channel. */
  @Override
  public StoredBody slice(long from, long count) {
    if (from < 0 || count < 0 || from > length - count) {
      throw new IllegalArgumentException(
          "range " + from + "+" + count + " of a body of " + length + " bytes");
    }
    if (!shared.retain()) {
      throw new IllegalStateException("a slice of a closed body");
    }
    return new FileBody(shared, offset + from, count, false, expectedCrc, onCorrupt, null);
  }

  @Override
  public long length() {
    return length;
  }

  @Override
  public Optional<ByteBuffer> nextChunk() throws IOException {
    if (read >= length) {
      verify();
      return Optional.empty();
    }
    ByteBuffer buf = ByteBuffer.allocate((int) Math.min(CHUNK, length - read));
    readFully(buf);
    buf.flip();
    crc.update(buf.duplicate());
    boolean whole = read == 0;
    read += buf.remaining();
    if (read == length) {
      // Checked before the last bytes are handed out, so no reader gets them unchecked.
      verify();
      if (whole && onWhole != null) {
        // Handed out read-only: the array stays as read.
        onWhole.accept(buf.array());
      }
    }
    return Optional.of(buf.asReadOnlyBuffer());
  }

  /** Reads the next bytes of the body, from {@code read} on, until the buffer is full. */
  private void readFully(ByteBuffer buf) throws IOException {
    int start = buf.position();
    while (buf.hasRemaining()) {
      if (shared.channel().read(buf, offset + read + buf.position() - start) < 0) {
        onCorrupt.run();
        throw new StorageException(
            "entry file ended early at body byte " + (read + buf.position() - start));
      }
    }
  }

  private void verify() throws StorageException {
    if (verified) {
      return;
    }
    verified = true;
    if (checksummed && crc.getValue() != expectedCrc) {
      onCorrupt.run();
      throw new StorageException("body checksum mismatch: the stored entry is corrupt");
    }
  }

  @Override
  public InputStream asInputStream() {
    return new InputStream() {
      @Override
      public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        java.util.Objects.checkFromIndexSize(off, len, b.length);
        if (len == 0) {
          return 0;
        }
        if (read >= length) {
          verify();
          return -1;
        }
        ByteBuffer buf = ByteBuffer.wrap(b, off, (int) Math.min(len, length - read));
        readFully(buf);
        int n = buf.position() - off;
        crc.update(b, off, n);
        read += n;
        if (read == length) {
          verify();
        }
        return n;
      }

      /** The rest of the body in one array of its length, read and checked at once. */
      @Override
      public byte[] readAllBytes() throws IOException {
        long left = length - read;
        if (left > Integer.MAX_VALUE - 8) {
          return super.readAllBytes(); // too large for one array: fails as the JDK's does
        }
        byte[] rest = new byte[(int) left];
        boolean whole = read == 0;
        if (rest.length > 0) {
          readFully(ByteBuffer.wrap(rest));
          crc.update(rest, 0, rest.length);
          read = length;
        }
        verify();
        if (whole && onWhole != null) {
          // The caller's to change: the one kept is a copy.
          onWhole.accept(rest.clone());
        }
        return rest;
      }

      @Override
      public void close() throws IOException {
        FileBody.this.close();
      }
    };
  }

  @Override
  public void close() throws IOException {
    if (!closed) {
      closed = true;
      shared.release();
    }
  }
}
