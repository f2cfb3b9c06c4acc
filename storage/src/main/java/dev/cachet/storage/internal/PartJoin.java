package dev.cachet.storage.internal;

import dev.cachet.core.ByteRangeSet;
import dev.cachet.core.ContentRange;
import dev.cachet.core.StoredPair;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;
import org.jspecify.annotations.Nullable;

/**
 * Writes the new file of a partial entry joined with a part (RFC 9111 §3.4): the ranges held before
 * and the part's, joined, each range's bytes taken from the old file where it held them (each old
 * range is copied whole, so its checksum is checked as it is copied: corrupt bytes are never
 * carried into a new file) and from the part elsewhere, with a new CRC32C per range.
 */
final class PartJoin {
  private PartJoin() {}

  /** An old range's bytes do not match their checksum: the old file is corrupt. */
  static final class OldCorrupt extends Exception {
    private static final long serialVersionUID = 1L;

    OldCorrupt(String message) {
      super(message);
    }
  }

  /** What the new file holds, and its first bytes (with the sealed header). */
  @SuppressWarnings(
      "ArrayRecordComponent") // internal; never compared, the array is the file's start
  record Written(Metadata meta, byte[] head) {}

  /**
   * Writes into {@code out} (a new, empty file) the entry {@code old} (null when none) read from
   * {@code oldFile}, joined with {@code part}, whose bytes {@code source} gives, under {@code
   * pair}.
   */
  static Written write(
      FileChannel out,
      StoredPair pair,
      ContentRange part,
      PartWriter.Source source,
      PartCodec.@Nullable Part old,
      @Nullable FileChannel oldFile)
      throws IOException, OldCorrupt {
    List<PartCodec.Piece> before = old == null ? List.of() : old.pieces();
    ByteRangeSet joined =
        (old == null ? ByteRangeSet.empty() : old.present()).plus(part.offset(), part.length());
    List<long[]> ranges = joined.ranges();
    byte[] base = MetadataCodec.write(pair);
    long bodyOffset = PartCodec.bodyOffset(base.length, ranges.size());
    ByteBuffer buf = ByteBuffer.allocate(FileBody.CHUNK);
    List<PartCodec.Piece> pieces = new ArrayList<>(ranges.size());
    long at = bodyOffset;
    int next = 0; // the first old range not copied yet
    for (long[] r : ranges) {
      CRC32C crc = new CRC32C();
      long start = at;
      long p = r[0];
      long end = r[0] + r[1];
      while (p < end) {
        PartCodec.Piece o = next < before.size() ? before.get(next) : null;
        if (o != null && o.first() == p && oldFile != null) {
          CRC32C check = new CRC32C();
          copy(
              buf,
              o.length(),
              (n, into) -> read(oldFile, o.position() + n, into),
              out,
              at,
              crc,
              check);
          if (check.getValue() != o.crc()) {
            throw new OldCorrupt("the checksum of its bytes " + o.first() + "-" + (o.end() - 1));
          }
          next++;
          at += o.length();
          p += o.length();
        } else {
          // Old ranges lie whole within joined ones, so p is in the part up to the next old range.
          long to = o == null ? end : Math.min(end, o.first());
          long from = p - part.offset();
          copy(buf, to - p, (n, into) -> source.read(from + n, into), out, at, crc, null);
          at += to - p;
          p = to;
        }
      }
      pieces.add(new PartCodec.Piece(r[0], r[1], crc.getValue(), start));
    }
    long generation = Layout.newGeneration();
    byte[] head = PartCodec.head(base, generation, part.completeLength(), pieces);
    EntryCodec.writeAt(out, 0, ByteBuffer.wrap(head));
    long headerCrc = EntryCodec.storedHeaderCrc(head);
    return new Written(
        new Metadata(pair, generation, bodyOffset, at - bodyOffset, headerCrc), head);
  }

  /** Copies {@code length} bytes from a source to {@code out} at {@code at}, checksumming them. */
  private static void copy(
      ByteBuffer buf,
      long length,
      PartWriter.Source from,
      FileChannel out,
      long at,
      CRC32C crc,
      @Nullable CRC32C check)
      throws IOException {
    long done = 0;
    while (done < length) {
      buf.clear().limit((int) Math.min(buf.capacity(), length - done));
      from.read(done, buf);
      buf.flip();
      crc.update(buf.duplicate());
      if (check != null) {
        check.update(buf.duplicate());
      }
      EntryCodec.writeAt(out, at + done, buf);
      done += buf.limit();
    }
  }

  private static void read(FileChannel ch, long position, ByteBuffer into) throws IOException {
    while (into.hasRemaining()) {
      if (ch.read(into, position + into.position()) < 0) {
        throw new java.io.EOFException("the partial entry's file ends early");
      }
    }
  }
}
