package dev.cachet.storage.internal;

import dev.cachet.storage.StorageException;
import dev.cachet.storage.StoredBody;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.Optional;
import java.util.zip.CRC32C;

/**
 * Bytes of a partial entry being read (RFC 9110 §14): {@code length} bytes from {@code skip} into
 * one range the entry holds. The whole range is read, so that its CRC32C is checked before the last
 * bytes asked for are handed out: a range's bytes are never served unchecked, and a mismatch fails
 * the read and drops the entry. A committed file is never modified (a join writes a new file and
 * renames it over the name), so the open channel reads the same bytes even if the entry is joined,
 * replaced or removed meanwhile.
 */
final class PartBody implements StoredBody {
  private final FileChannel channel;
  private final PartCodec.Piece piece;
  private final long skip;
  private final long length;
  private final Runnable onCorrupt;
  private final CRC32C crc = new CRC32C();
  private long consumed; // bytes of the piece read and checksummed
  private long handed; // bytes handed out
  private boolean verified;

  PartBody(FileChannel channel, PartCodec.Piece piece, long skip, long length, Runnable onCorrupt) {
    this.channel = channel;
    this.piece = piece;
    this.skip = skip;
    this.length = length;
    this.onCorrupt = onCorrupt;
  }

  @Override
  public long length() {
    return length;
  }

  @Override
  public Optional<ByteBuffer> nextChunk() throws IOException {
    if (handed >= length) {
      rest();
      return Optional.empty();
    }
    while (consumed < skip) {
      read((int) Math.min(FileBody.CHUNK, skip - consumed));
    }
    ByteBuffer out = read((int) Math.min(FileBody.CHUNK, length - handed));
    handed += out.remaining();
    if (handed == length) {
      // Checked before the last bytes are handed out, so no reader gets them unchecked.
      rest();
    }
    return Optional.of(out.asReadOnlyBuffer());
  }

  /** Reads and checksums the rest of the piece, then checks it. */
  private void rest() throws IOException {
    while (consumed < piece.length()) {
      read((int) Math.min(FileBody.CHUNK, piece.length() - consumed));
    }
    if (!verified) {
      verified = true;
      if (crc.getValue() != piece.crc()) {
        onCorrupt.run();
        throw new StorageException("partial entry checksum mismatch: the stored entry is corrupt");
      }
    }
  }

  /** The next {@code n} bytes of the piece, checksummed. */
  private ByteBuffer read(int n) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate(n);
    while (buf.hasRemaining()) {
      if (channel.read(buf, piece.position() + consumed + buf.position()) < 0) {
        onCorrupt.run();
        throw new StorageException("partial entry's file ended early");
      }
    }
    buf.flip();
    crc.update(buf.duplicate());
    consumed += n;
    return buf;
  }

  @Override
  public InputStream asInputStream() {
    return new RangeBodies.ChunkStream(this);
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
