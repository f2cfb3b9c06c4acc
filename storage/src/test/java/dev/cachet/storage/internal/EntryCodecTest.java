package dev.cachet.storage.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cachet.core.Headers;
import dev.cachet.core.Response;
import dev.cachet.core.StoredPair;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An entry file of format 4: header, base, body region and update slots, in one file. */
class EntryCodecTest {
  @TempDir Path temp;

  private static final byte[] BODY = "the body of the golden entry".getBytes();

  /** The bytes of an entry file of the golden pair and {@link #BODY}, and its metadata. */
  private static Metadata meta() {
    return EntryCodec.seal(
        EntryCodec.head(MetadataCodecTest.golden(), MetadataCodecTest.GENERATION),
        MetadataCodecTest.golden(),
        BODY.length,
        crc(BODY));
  }

  private static byte[] entry() {
    EntryCodec.Head head =
        EntryCodec.head(MetadataCodecTest.golden(), MetadataCodecTest.GENERATION);
    EntryCodec.seal(head, MetadataCodecTest.golden(), BODY.length, crc(BODY));
    byte[] file = Arrays.copyOf(head.bytes(), head.bytes().length + BODY.length);
    System.arraycopy(BODY, 0, file, head.bytes().length, BODY.length);
    return file;
  }

  private static long crc(byte[] b) {
    CRC32C c = new CRC32C();
    c.update(b);
    return c.getValue();
  }

  /** This entry file with these updates written into their slots in this order. */
  private static byte[] withUpdates(byte[] file, long generation, StoredPair... updates) {
    long area = EntryCodec.updateArea(meta());
    long seq = 0;
    for (StoredPair u : updates) {
      seq++;
      byte[] slot = MetadataCodec.slot(u, generation, seq).orElseThrow();
      int at = (int) MetadataCodec.slotOffset(area, seq);
      if (file.length < at + slot.length) {
        file = Arrays.copyOf(file, at + slot.length);
      }
      System.arraycopy(slot, 0, file, at, slot.length);
    }
    return file;
  }

  private static StoredPair freshened(int seconds) {
    StoredPair p = MetadataCodecTest.golden();
    Instant t = p.responseTime().plusSeconds(seconds);
    return p.withResponse(
        Response.of(200, Headers.of("Cache-Control", "max-age=60", "Date", "" + seconds)), t, t);
  }

  private EntryCodec.Read read(byte[] file) throws Exception {
    Path f = Files.createTempFile(temp, "entry", "");
    Files.write(f, file);
    try (FileChannel ch = FileChannel.open(f)) {
      return EntryCodec.read(ch);
    }
  }

  @Test
  void anEntry_isReadBack_withItsBodyRegion() throws Exception {
    byte[] file = entry();
    EntryCodec.Read r = read(file);
    assertThat(r.meta()).isEqualTo(meta());
    assertThat(r.updateSeq()).isZero();
    assertThat(r.fileLength()).isEqualTo(file.length);
    Metadata m = r.meta();
    assertThat(m.bodyOffset() % 8).isZero();
    assertThat(Arrays.copyOfRange(file, (int) m.bodyOffset(), (int) m.bodyEnd())).isEqualTo(BODY);
    // The base, as the golden file shows it, follows the 48-byte header.
    byte[] base = MetadataCodec.write(MetadataCodecTest.golden());
    assertThat(Arrays.copyOfRange(file, 48, 48 + base.length)).isEqualTo(base);
    assertThat(new String(file, 0, 8, "US-ASCII")).isEqualTo("cachet-e");
    assertThat(ByteBuffer.wrap(file).getInt(8)).isEqualTo(4);
  }

  @Test
  void anEntryCutShort_orWithAnyHeaderOrBaseByteFlipped_isCorrupt() throws Exception {
    byte[] file = entry();
    for (int cut = 0; cut < file.length; cut += 5) {
      byte[] torn = Arrays.copyOf(file, cut);
      assertThatThrownBy(() -> read(torn))
          .as("cut at %d", cut)
          .isInstanceOf(MetadataCodec.Corrupt.class);
    }
    int baseEnd = 48 + MetadataCodec.write(MetadataCodecTest.golden()).length;
    for (int i = 0; i < baseEnd; i += 3) {
      byte[] flipped = file.clone();
      flipped[i] ^= 0x20;
      assertThatThrownBy(() -> read(flipped))
          .as("byte %d flipped", i)
          .isInstanceOf(MetadataCodec.Corrupt.class);
    }
  }

  @Test
  void anEntryOfAnOlderVersion_isOldFormat() {
    byte[] file = entry();
    ByteBuffer.wrap(file).putInt(8, 3);
    assertThatThrownBy(() -> read(file)).isInstanceOf(MetadataCodec.OldFormat.class);
  }

  @Test
  void updates_areReadFromTheirSlots_theNewestWinning() throws Exception {
    long g = MetadataCodecTest.GENERATION;
    assertThat(read(withUpdates(entry(), g, freshened(1))).meta())
        .isEqualTo(meta().withPair(freshened(1)));
    assertThat(read(withUpdates(entry(), g, freshened(1))).updateSeq()).isEqualTo(1);
    assertThat(read(withUpdates(entry(), g, freshened(1), freshened(2))).meta().pair())
        .isEqualTo(freshened(2));
    assertThat(read(withUpdates(entry(), g, freshened(1), freshened(2), freshened(3))).meta())
        .isEqualTo(meta().withPair(freshened(3)));
  }

  @Test
  void anUpdateCutShortOrDamaged_isIgnored_thePreviousOneServing() throws Exception {
    long g = MetadataCodecTest.GENERATION;
    byte[] two = withUpdates(entry(), g, freshened(1), freshened(2));
    long area = EntryCodec.updateArea(meta());
    int second = (int) MetadataCodec.slotOffset(area, 2);
    byte[] slot = MetadataCodec.slot(freshened(2), g, 2).orElseThrow();
    for (int cut = 0; cut < slot.length; cut += 7) {
      byte[] torn = two.clone();
      Arrays.fill(torn, second + cut, second + slot.length, (byte) 0);
      assertThat(read(torn).meta().pair()).as("cut at %d", cut).isEqualTo(freshened(1));
    }
    for (int i = 0; i < slot.length; i += 13) {
      byte[] flipped = two.clone();
      flipped[second + i] ^= 0x20;
      assertThat(read(flipped).meta().pair()).as("byte %d flipped", i).isEqualTo(freshened(1));
    }
  }

  @Test
  void anUpdateOfAnotherCommit_orInTheWrongSlot_isIgnored() throws Exception {
    // Written for another generation of the pair: not this file's.
    assertThat(read(withUpdates(entry(), 42, freshened(1))).meta()).isEqualTo(meta());
    // Update 2 copied into the slot of odd updates.
    long g = MetadataCodecTest.GENERATION;
    byte[] slot = MetadataCodec.slot(freshened(2), g, 2).orElseThrow();
    int at = (int) MetadataCodec.slotOffset(EntryCodec.updateArea(meta()), 1);
    byte[] misplaced = Arrays.copyOf(entry(), at + slot.length);
    System.arraycopy(slot, 0, misplaced, at, slot.length);
    assertThat(read(misplaced).meta()).isEqualTo(meta());
    // Bytes after the body that are no update at all.
    byte[] garbage = Arrays.copyOf(entry(), entry().length + 100);
    Arrays.fill(garbage, entry().length, garbage.length, (byte) 'x');
    assertThat(read(garbage).meta()).isEqualTo(meta());
  }

  @Test
  void anUpdateTooLargeForASlot_isNotMade() {
    StoredPair big =
        MetadataCodecTest.golden()
            .withResponse(
                Response.of(200, Headers.of("X-Big", "a".repeat(MetadataCodec.SLOT_BYTES))),
                MetadataCodecTest.golden().requestTime(),
                MetadataCodecTest.golden().responseTime());
    assertThat(MetadataCodec.slot(big, 1, 1)).isEmpty();
    assertThat(MetadataCodec.slot(MetadataCodecTest.golden(), 1, 1)).isPresent();
  }

  @Test
  void theHeaderOfAnotherCommit_isNotThisOne() throws IOException {
    byte[] file = entry();
    assertThat(EntryCodec.isHeaderOf(Arrays.copyOf(file, 48), meta())).isTrue();
    Metadata other =
        new Metadata(meta().pair(), 7, meta().bodyOffset(), meta().bodyLength(), meta().crc32c());
    assertThat(EntryCodec.isHeaderOf(Arrays.copyOf(file, 48), other)).isFalse();
  }
}
