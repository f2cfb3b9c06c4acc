package dev.cachet.storage.internal;

import dev.cachet.core.ByteRangeSet;
import dev.cachet.core.PartialEntry;
import dev.cachet.core.StoredPair;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalLong;
import java.util.zip.CRC32C;
import org.jspecify.annotations.Nullable;

/**
 * The layout of a partial entry's file (RFC 9111 §3.3, §3.4), format version {@value
 * MetadataCodec#FORMAT_VERSION}: the entry's pair, the byte ranges it holds, and their bytes, in
 * one file written whole to a temporary file and renamed into place, like an entry file.
 *
 * <pre>
 *   0  header, 48 bytes, big-endian:
 *        "cachet-p" (8), format version (4), base length (4), generation (8),
 *        complete length (8), body offset (8), range count (4),
 *        CRC32C of the 44 bytes before it, of the base and of the range table (4)
 *  48  base: the pair as JSON ({@link MetadataCodec})
 *      range table, one row per range held, in order, 20 bytes each:
 *        first byte's position in the representation (8), length (8), CRC32C of its bytes (4)
 *      zeros up to a multiple of 8: the body offset
 *      body: the bytes of each range in turn, packed (a range's file position is the body offset
 *        plus the lengths of the ranges before it); the file ends with the last range
 * </pre>
 *
 * The ranges are sorted, disjoint and never adjacent (as a {@link ByteRangeSet} holds them), each
 * within the complete length. A file is never valid in part: the header's checksum covers it, the
 * base and the table, and a range's bytes are checked against their CRC32C whenever they are read.
 */
final class PartCodec {
  static final int HEADER_BYTES = 48;
  private static final int ROW_BYTES = 20;
  private static final int LARGEST_BASE = 1 << 20;
  private static final int MOST_RANGES = 1 << 16;
  private static final byte[] MAGIC = "cachet-p".getBytes(StandardCharsets.US_ASCII);

  private PartCodec() {}

  /**
   * One range held, and where its bytes are in the file.
   *
   * @param first its first byte's position in the representation
   * @param length its length in bytes
   * @param crc the CRC32C of its bytes
   * @param position where its bytes start in the file
   */
  record Piece(long first, long length, long crc, long position) {
    long end() {
      return first + length;
    }
  }

  /**
   * A partial entry's file as read.
   *
   * @param pair the entry's pair, the complete 200
   * @param generation tells this commit of the entry from any other
   * @param completeLength the representation's length
   * @param bodyOffset where the first range's bytes start
   * @param pieces the ranges held, in order
   * @param headerCrc the header's checksum
   * @param fileLength the file's length
   */
  record Part(
      StoredPair pair,
      long generation,
      long completeLength,
      long bodyOffset,
      List<Piece> pieces,
      long headerCrc,
      long fileLength) {
    Part {
      pieces = List.copyOf(pieces);
    }

    ByteRangeSet present() {
      ByteRangeSet s = ByteRangeSet.empty();
      for (Piece p : pieces) {
        s = s.plus(p.first(), p.length());
      }
      return s;
    }

    PartialEntry entry() {
      return new PartialEntry(pair, present());
    }

    /** The range holding every byte of {@code offset} and {@code length}; null when none. */
    @Nullable Piece holding(long offset, long length) {
      for (Piece p : pieces) {
        if (p.first() <= offset && offset - p.first() <= p.length() - length) {
          return p;
        }
      }
      return null;
    }

    /** What the store's index keeps of it: the file's length is what counts against the bound. */
    EntryCodec.Read asRead() {
      return new EntryCodec.Read(
          new Metadata(pair, generation, bodyOffset, fileLength - bodyOffset, headerCrc),
          headerCrc,
          0,
          fileLength);
    }
  }

  /** Where the body starts after a header, a base of this length and this many ranges. */
  static long bodyOffset(int baseLength, int ranges) {
    return EntryCodec.align(HEADER_BYTES + baseLength + (long) ROW_BYTES * ranges);
  }

  /**
   * The start of a partial entry's file, up to its body offset, for this base (the pair's JSON) and
   * these ranges, whose bytes follow it.
   */
  static byte[] head(byte[] base, long generation, long completeLength, List<Piece> pieces) {
    int tableEnd = HEADER_BYTES + base.length + ROW_BYTES * pieces.size();
    byte[] bytes = new byte[(int) bodyOffset(base.length, pieces.size())];
    ByteBuffer b = ByteBuffer.wrap(bytes);
    b.put(MAGIC)
        .putInt(MetadataCodec.FORMAT_VERSION)
        .putInt(base.length)
        .putLong(generation)
        .putLong(completeLength)
        .putLong(bytes.length)
        .putInt(pieces.size());
    b.position(HEADER_BYTES);
    b.put(base);
    for (Piece p : pieces) {
      b.putLong(p.first()).putLong(p.length()).putInt((int) p.crc());
    }
    b.putInt(44, (int) headerCrc(bytes, tableEnd));
    return bytes;
  }

  private static long headerCrc(byte[] bytes, int tableEnd) {
    CRC32C crc = new CRC32C();
    crc.update(bytes, 0, 44);
    crc.update(bytes, HEADER_BYTES, tableEnd - HEADER_BYTES);
    return crc.getValue();
  }

  /**
   * Reads a partial entry's file strictly: its header, base and range table; the ranges' bytes are
   * checked when read ({@link #verify}).
   *
   * @throws MetadataCodec.Corrupt if it is not a whole partial entry of this format version
   */
  static Part read(FileChannel ch) throws IOException, MetadataCodec.Corrupt {
    long size = ch.size();
    if (size < HEADER_BYTES) {
      throw new MetadataCodec.Corrupt("shorter than a header: " + size + " bytes");
    }
    byte[] header = EntryCodec.readAt(ch, 0, HEADER_BYTES);
    if (!Arrays.equals(header, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
      throw new MetadataCodec.Corrupt("not a partial entry's file");
    }
    ByteBuffer h = ByteBuffer.wrap(header);
    int version = h.getInt(8);
    if (version != MetadataCodec.FORMAT_VERSION) {
      throw new MetadataCodec.Corrupt("unknown format version " + version);
    }
    int baseLength = h.getInt(12);
    long generation = h.getLong(16);
    long complete = h.getLong(24);
    long bodyOffset = h.getLong(32);
    int count = h.getInt(40);
    if (baseLength < 2
        || baseLength > LARGEST_BASE
        || count < 1
        || count > MOST_RANGES
        || complete < 1
        || bodyOffset != bodyOffset(baseLength, count)
        || bodyOffset > size) {
      throw new MetadataCodec.Corrupt("header out of bounds, or the file is cut short");
    }
    int tableEnd = HEADER_BYTES + baseLength + ROW_BYTES * count;
    byte[] start = EntryCodec.readAt(ch, 0, tableEnd);
    if (headerCrc(start, tableEnd) != (h.getInt(44) & 0xffffffffL)) {
      throw new MetadataCodec.Corrupt("header checksum does not match");
    }
    StoredPair pair =
        MetadataCodec.read(Arrays.copyOfRange(start, HEADER_BYTES, HEADER_BYTES + baseLength));
    ByteBuffer t = ByteBuffer.wrap(start, HEADER_BYTES + baseLength, ROW_BYTES * count);
    List<Piece> pieces = new ArrayList<>(count);
    long position = bodyOffset;
    long end = -1;
    for (int i = 0; i < count; i++) {
      long first = t.getLong();
      long length = t.getLong();
      long crc = t.getInt() & 0xffffffffL;
      if (first <= end || length < 1 || first > complete - length || position > size - length) {
        throw new MetadataCodec.Corrupt("a range out of order or out of bounds, or cut short");
      }
      pieces.add(new Piece(first, length, crc, position));
      position += length;
      end = first + length;
    }
    if (position != size) {
      throw new MetadataCodec.Corrupt("the file does not end with its last range");
    }
    Part part =
        new Part(pair, generation, complete, bodyOffset, pieces, h.getInt(44) & 0xffffffffL, size);
    try {
      part.entry();
    } catch (IllegalArgumentException e) {
      throw new MetadataCodec.Corrupt("not a partial entry's pair: " + e.getMessage());
    }
    return part;
  }

  /** The generation in a file's header when it is a partial entry's; empty otherwise. */
  static OptionalLong generation(byte[] header) {
    if (header.length < HEADER_BYTES
        || !Arrays.equals(header, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
      return OptionalLong.empty();
    }
    return OptionalLong.of(ByteBuffer.wrap(header).getLong(16));
  }

  /**
   * Checks every range's bytes against its CRC32C; a description of the first that fails, or null.
   */
  static @Nullable String verify(FileChannel ch, Part part) throws IOException {
    for (Piece p : part.pieces()) {
      if (Recovery.crc32c(ch, p.position(), p.length()) != p.crc()) {
        return "the checksum of its bytes " + p.first() + "-" + (p.end() - 1) + " does not match";
      }
    }
    return null;
  }
}
