package dev.cachet.storage.internal;

import dev.cachet.core.StoredPair;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * The layout of an entry file, format version {@value MetadataCodec#FORMAT_VERSION}: metadata, body
 * and update slots in one file, written whole to a temporary file and renamed into place.
 *
 * <pre>
 *   0  header, 48 bytes, big-endian:
 *        "cachet-e" (8), format version (4), base length (4), generation (8),
 *        body offset (8), body length (8), body CRC32C (4),
 *        CRC32C of the 44 bytes before it and of the base (4)
 *  48  base: the pair as JSON ({@link MetadataCodec}), then zeros up to a multiple of 8
 *      body, at the body offset (48 + base length, rounded up to 8)
 *      update area, from the body's end rounded up to 8: two slots of 4 KiB, written by updates
 * </pre>
 *
 * A file is never valid in part: the header's checksum covers it and the base, and the body's
 * CRC32C is checked as it is read. The update area is absent until the first update extends the
 * file.
 */
final class EntryCodec {
  static final int HEADER_BYTES = 48;

  private static final byte[] MAGIC = "cachet-e".getBytes(StandardCharsets.US_ASCII);
  private static final int FIRST_READ = 8192;
  private static final int LARGEST_BASE = 1 << 20;

  private EntryCodec() {}

  /** An entry file as read: what it holds now, its header's checksum and its newest update. */
  record Read(Metadata meta, long headerCrc, long updateSeq, long fileLength) {}

  /**
   * The start of a new entry file: room for the header, the base and its padding, so that the body
   * starts at {@link #bodyOffset()}. The header is filled in by {@link #seal} once the body is
   * known.
   */
  @SuppressWarnings(
      "ArrayRecordComponent") // internal; never compared, the array is the file's start
  record Head(byte[] bytes, int baseLength, long generation) {
    long bodyOffset() {
      return bytes.length;
    }
  }

  /** The start of an entry file for this pair and generation. */
  static Head head(StoredPair pair, long generation) {
    byte[] base = MetadataCodec.write(pair);
    byte[] bytes = new byte[(int) align(HEADER_BYTES + base.length)];
    System.arraycopy(base, 0, bytes, HEADER_BYTES, base.length);
    return new Head(bytes, base.length, generation);
  }

  /**
   * Fills in the head's header for a body of this length and CRC32C; returns the metadata the file
   * then holds.
   */
  static Metadata seal(Head head, StoredPair pair, long bodyLength, long bodyCrc) {
    ByteBuffer b = ByteBuffer.wrap(head.bytes());
    b.put(MAGIC)
        .putInt(MetadataCodec.FORMAT_VERSION)
        .putInt(head.baseLength())
        .putLong(head.generation())
        .putLong(head.bodyOffset())
        .putLong(bodyLength)
        .putInt((int) bodyCrc);
    b.putInt(44, (int) headerCrc(head.bytes(), head.baseLength()));
    return new Metadata(pair, head.generation(), head.bodyOffset(), bodyLength, bodyCrc);
  }

  /** The CRC32C a header carries: of its first 44 bytes and of the base after it. */
  private static long headerCrc(byte[] bytes, int baseLength) {
    CRC32C crc = new CRC32C();
    crc.update(bytes, 0, 44);
    crc.update(bytes, HEADER_BYTES, baseLength);
    return crc.getValue();
  }

  /** The header's own checksum as stored in a file's first 48 bytes. */
  static long storedHeaderCrc(byte[] header) {
    return ByteBuffer.wrap(header).getInt(44) & 0xffffffffL;
  }

  /** Where an entry's update area starts: after its body, rounded up to 8. */
  static long updateArea(Metadata meta) {
    return align(meta.bodyEnd());
  }

  static long align(long n) {
    return (n + 7) & ~7L;
  }

  /**
   * Reads an entry file: header and base strictly, then its update slots, if any.
   *
   * @throws MetadataCodec.Corrupt if it is not a whole entry of this format version
   */
  static Read read(FileChannel ch) throws IOException, MetadataCodec.Corrupt {
    long size = ch.size();
    if (size < HEADER_BYTES) {
      throw new MetadataCodec.Corrupt("shorter than a header: " + size + " bytes");
    }
    byte[] start = readAt(ch, 0, (int) Math.min(size, FIRST_READ));
    if (!Arrays.equals(start, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
      throw new MetadataCodec.Corrupt("not an entry file");
    }
    ByteBuffer b = ByteBuffer.wrap(start);
    int version = b.getInt(8);
    if (version >= 1 && version < MetadataCodec.FORMAT_VERSION) {
      throw new MetadataCodec.OldFormat(version);
    }
    if (version != MetadataCodec.FORMAT_VERSION) {
      throw new MetadataCodec.Corrupt("unknown format version " + version);
    }
    int baseLength = b.getInt(12);
    long generation = b.getLong(16);
    long bodyOffset = b.getLong(24);
    long bodyLength = b.getLong(32);
    long bodyCrc = b.getInt(40) & 0xffffffffL;
    long headerCrc = b.getInt(44) & 0xffffffffL;
    if (baseLength < 2
        || baseLength > LARGEST_BASE
        || bodyOffset != align(HEADER_BYTES + baseLength)
        || bodyLength < 0
        || bodyLength > size - bodyOffset) {
      throw new MetadataCodec.Corrupt("header out of bounds, or the file is cut short");
    }
    if (start.length < HEADER_BYTES + baseLength) {
      start = readAt(ch, 0, HEADER_BYTES + baseLength);
    }
    if (headerCrc(start, baseLength) != headerCrc) {
      throw new MetadataCodec.Corrupt("header checksum does not match");
    }
    StoredPair base =
        MetadataCodec.read(Arrays.copyOfRange(start, HEADER_BYTES, HEADER_BYTES + baseLength));
    Metadata meta = new Metadata(base, generation, bodyOffset, bodyLength, bodyCrc);
    long area = updateArea(meta);
    long seq = 0;
    if (size > area) {
      byte[] slots = readAt(ch, area, (int) Math.min(size - area, 2L * MetadataCodec.SLOT_BYTES));
      MetadataCodec.Update u = MetadataCodec.newestUpdate(slots, generation, base);
      if (u != null) {
        meta = meta.withPair(u.pair());
        seq = u.seq();
      }
    }
    return new Read(meta, headerCrc, seq, size);
  }

  /** The first 48 bytes of an entry file; throws {@link EOFException} when it is shorter. */
  static byte[] readHeader(FileChannel ch) throws IOException {
    return readAt(ch, 0, HEADER_BYTES);
  }

  /** True when a file's header is the one of this metadata's commit. */
  static boolean isHeaderOf(byte[] header, Metadata meta) {
    ByteBuffer b = ByteBuffer.wrap(header);
    return Arrays.equals(header, 0, MAGIC.length, MAGIC, 0, MAGIC.length)
        && b.getLong(16) == meta.generation()
        && b.getLong(24) == meta.bodyOffset()
        && b.getLong(32) == meta.bodyLength()
        && (b.getInt(40) & 0xffffffffL) == meta.crc32c();
  }

  static byte[] readAt(FileChannel ch, long position, int length) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(length);
    while (b.hasRemaining()) {
      if (ch.read(b, position + b.position()) < 0) {
        throw new EOFException("entry file ends at " + (position + b.position()));
      }
    }
    return b.array();
  }

  static void writeAt(FileChannel ch, long position, ByteBuffer b) throws IOException {
    while (b.hasRemaining()) {
      position += ch.write(b, position);
    }
  }
}
