package dev.cachet.storage;

import static dev.cachet.storage.StorageContract.bytes;
import static dev.cachet.storage.StorageContract.partialPair;
import static dev.cachet.storage.StorageContract.readRange;
import static dev.cachet.storage.StorageContract.storePart;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cachet.core.ContentRange;
import dev.cachet.core.PartialEntry;
import dev.cachet.core.StoredPair;
import dev.cachet.storage.internal.Layout;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Partial entries on the disk (RFC 9111 §3.3, §3.4): a part file is committed whole or not at all,
 * survives a reopen, is dropped (never served) when damaged, goes with its key's removal, and
 * counts against the bound, with commits written behind their callers or not.
 */
class FileStoragePartsTest {
  @TempDir Path temp;
  Path root;
  final byte[] whole = bytes(10_000, 3);

  private FileStorage open(long writeBehind) throws IOException {
    root = temp.resolve("store");
    return FileStorage.newBuilder(root).durable(false).writeBehindBytes(writeBehind).build();
  }

  private FileStorage reopen() throws IOException {
    return FileStorage.newBuilder(root).durable(false).build();
  }

  private Path partFile(StoredPair p) {
    return root.resolve(Layout.partPath(p.key(), p.id()));
  }

  /** Flips one byte of a file. */
  private static void flip(Path file, long position) throws IOException {
    try (FileChannel ch =
        FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      ByteBuffer b = ByteBuffer.allocate(1);
      ch.read(b, position);
      b.put(0, (byte) (b.get(0) ^ 0x5a));
      ch.write(b.rewind(), position);
    }
  }

  /** Where a part file's bytes start, as its header says. */
  private static long bodyOffset(Path part) throws IOException {
    return ByteBuffer.wrap(Files.readAllBytes(part)).getLong(32);
  }

  private static byte[] slice(byte[] b, int offset, int length) {
    return java.util.Arrays.copyOfRange(b, offset, offset + length);
  }

  @ParameterizedTest(name = "writeBehindBytes={0}")
  @ValueSource(longs = {0, 1 << 20})
  void P_04_P_05_aReopenedStorage_keepsTheCommittedParts_joined(long writeBehind)
      throws IOException {
    StoredPair p = partialPair("http://example.com/kept", whole.length, "\"v1\"");
    try (FileStorage s = open(writeBehind)) {
      storePart(s, p, new ContentRange(0, 4000, whole.length), whole);
      storePart(s, p, new ContentRange(3000, 2000, whole.length), whole);
      storePart(s, p, new ContentRange(8000, 2000, whole.length), whole);
    }
    try (FileStorage s = reopen()) {
      List<PartialEntry> found = s.findPartial(p.key());
      assertThat(found).hasSize(1);
      assertThat(found.get(0).pair()).isEqualTo(p);
      assertThat(found.get(0).present().toString()).isEqualTo("0-4999,8000-9999");
      assertThat(readRange(s, p, 100, 4900)).contains(slice(whole, 100, 4900));
      assertThat(readRange(s, p, 9000, 1000)).contains(slice(whole, 9000, 1000));
      assertThat(s.openBody(p, 4000, 4001)).isEmpty();
      assertThat(s.find(p.key())).isEmpty();
      assertThat(s.size()).isEqualTo(Files.size(partFile(p)));
    }
  }

  @Test
  void P_04_aPartFileDamagedOnTheDisk_failsTheRead_andIsDropped_neverServed() throws IOException {
    StoredPair p = partialPair("http://example.com/damaged", whole.length, "\"v1\"");
    try (FileStorage s = open(0)) {
      storePart(s, p, new ContentRange(0, 5000, whole.length), whole);
      flip(partFile(p), bodyOffset(partFile(p)) + 4321);

      // A range before the damage still fails: its whole part is checked before the last byte.
      assertThatThrownBy(() -> readRange(s, p, 0, 10)).isInstanceOf(StorageException.class);
      assertThat(partFile(p)).doesNotExist();
      assertThat(s.findPartial(p.key())).isEmpty();
      assertThat(s.openBody(p, 0, 10)).isEmpty();
      assertThat(s.size()).isZero();
    }
  }

  @Test
  void P_04_aPartFileWithADamagedHeader_isNeverFound_andIsDropped() throws IOException {
    StoredPair p = partialPair("http://example.com/header", whole.length, "\"v1\"");
    try (FileStorage s = open(0)) {
      storePart(s, p, new ContentRange(0, 100, whole.length), whole);
      flip(partFile(p), 60); // in the pair's JSON
      assertThat(s.findPartial(p.key())).isEmpty();
      assertThat(partFile(p)).doesNotExist();
    }
  }

  @Test
  void P_04_aPartFileDamagedWhileClosed_isDroppedOnOpen_theOtherKept() throws IOException {
    StoredPair damaged = partialPair("http://example.com/damaged-closed", whole.length, "\"v1\"");
    StoredPair healthy = partialPair("http://example.com/healthy", whole.length, "\"v1\"");
    try (FileStorage s = open(0)) {
      storePart(s, damaged, new ContentRange(0, 5000, whole.length), whole);
      storePart(s, healthy, new ContentRange(0, 5000, whole.length), whole);
    }
    flip(partFile(damaged), bodyOffset(partFile(damaged)) + 10);
    try (FileStorage s = reopen()) {
      assertThat(partFile(damaged)).doesNotExist();
      assertThat(s.findPartial(damaged.key())).isEmpty();
      assertThat(s.findPartial(healthy.key())).hasSize(1);
      assertThat(readRange(s, healthy, 0, 5000)).contains(slice(whole, 0, 5000));
    }
  }

  @Test
  void P_05_aPartJoiningADamagedEntry_neverCarriesTheDamagedBytesOn() throws IOException {
    StoredPair p = partialPair("http://example.com/join-damaged", whole.length, "\"v1\"");
    try (FileStorage s = open(0)) {
      storePart(s, p, new ContentRange(0, 5000, whole.length), whole);
      flip(partFile(p), bodyOffset(partFile(p)) + 7);
      storePart(s, p, new ContentRange(6000, 1000, whole.length), whole);

      assertThat(s.findPartial(p.key()).get(0).present().toString()).isEqualTo("6000-6999");
      assertThat(readRange(s, p, 6000, 1000)).contains(slice(whole, 6000, 1000));
    }
  }

  @Test
  void P_04_aHalfWrittenPart_isInvisible_andCleanedOnOpen() throws IOException {
    StoredPair p = partialPair("http://example.com/half", whole.length, "\"v1\"");
    StoredPair half = partialPair("http://example.com/half-written", whole.length, "\"v1\"");
    try (FileStorage s = open(0)) {
      storePart(s, p, new ContentRange(0, 1000, whole.length), whole);
      storePart(s, half, new ContentRange(0, 1000, whole.length), whole);
    }
    // A join cut by a crash: the entry's new file, written halfway, never renamed into place;
    // and a large part's bytes, streamed to a file of their own.
    byte[] cut = Files.readAllBytes(partFile(half));
    Path tmp = root.resolve("tmp");
    Files.createDirectories(tmp);
    Path newFile = tmp.resolve(partFile(p).getFileName() + ".0123456789abcdef.tmp");
    Files.write(newFile, slice(cut, 0, cut.length / 2));
    Path rawPart = tmp.resolve("part.fedcba9876543210.tmp");
    Files.write(rawPart, slice(whole, 0, 3000));
    Files.delete(partFile(half));

    try (FileStorage s = reopen()) {
      assertThat(newFile).doesNotExist();
      assertThat(rawPart).doesNotExist();
      assertThat(s.findPartial(half.key())).isEmpty();
      assertThat(s.findPartial(p.key()))
          .extracting(e -> e.present().toString())
          .containsExactly("0-999");
      try (Stream<Path> files = Files.walk(root)) {
        assertThat(files.filter(f -> f.toString().endsWith(".tmp"))).isEmpty();
      }
    }
  }

  @Test
  void P_04_aPartStreamedToTheDisk_andAborted_leavesNothing() throws IOException {
    StoredPair p = partialPair("http://example.com/aborted", whole.length, "\"v1\"");
    root = temp.resolve("store");
    try (FileStorage s =
        FileStorage.newBuilder(root).durable(false).writeBufferBytes(1000).build()) {
      try (BodyWriter w = s.newPartWriter(p, new ContentRange(0, 5000, whole.length))) {
        w.write(ByteBuffer.wrap(whole, 0, 3000));
        w.abort();
      }
      storePart(s, p, new ContentRange(1000, 5000, whole.length), whole);
      assertThat(readRange(s, p, 1000, 5000)).contains(slice(whole, 1000, 5000));
      try (Stream<Path> files = Files.walk(root)) {
        assertThat(files.filter(f -> f.toString().endsWith(".tmp"))).isEmpty();
      }
    }
  }

  @ParameterizedTest(name = "writeBehindBytes={0}")
  @ValueSource(longs = {0, 1 << 20})
  void P_05_removeAndRemoveAll_deleteThePartFiles(long writeBehind) throws IOException {
    StoredPair a = partialPair("http://example.com/rm", whole.length, "\"a\"");
    StoredPair b = partialPair("http://example.com/rm", whole.length, "\"b\"");
    try (FileStorage s = open(writeBehind)) {
      storePart(s, a, new ContentRange(0, 100, whole.length), whole);
      storePart(s, b, new ContentRange(0, 100, whole.length), whole);
      s.remove(a.key(), List.of(a.id()));
      assertThat(partFile(a)).doesNotExist();
      assertThat(partFile(b)).exists();
      s.removeAll(a.key());
      assertThat(partFile(b)).doesNotExist();
      assertThat(s.size()).isZero();
      storePart(s, a, new ContentRange(0, 100, whole.length), whole);
      s.clear();
      assertThat(partFile(a)).doesNotExist();
    }
    try (FileStorage s = reopen()) {
      assertThat(s.findPartial(a.key())).isEmpty();
    }
  }

  @Test
  void P_04_partFiles_countAgainstTheBound_andAreEvictedLeastRecentlyUsedFirst()
      throws IOException {
    root = temp.resolve("bounded");
    try (FileStorage s = FileStorage.newBuilder(root).durable(false).maximumBytes(30_000).build()) {
      StoredPair first = partialPair("http://example.com/first", whole.length, "\"v1\"");
      storePart(s, first, new ContentRange(0, 9000, whole.length), whole);
      for (int i = 0; i < 5; i++) {
        StoredPair p = partialPair("http://example.com/more" + i, whole.length, "\"v1\"");
        storePart(s, p, new ContentRange(0, 9000, whole.length), whole);
      }
      assertThat(s.size()).isLessThanOrEqualTo(30_000);
      assertThat(s.evictionCount()).isPositive();
      assertThat(s.findPartial(first.key())).isEmpty();
      assertThat(partFile(first)).doesNotExist();
    }
  }

  @Test
  void P_05_twoStoragesOnOneDirectory_seeAndJoinEachOthersParts() throws IOException {
    StoredPair p = partialPair("http://example.com/shared", whole.length, "\"v1\"");
    try (FileStorage a = open(0);
        FileStorage b = reopen()) {
      storePart(a, p, new ContentRange(0, 2000, whole.length), whole);
      assertThat(b.findPartial(p.key()))
          .extracting(e -> e.present().toString())
          .containsExactly("0-1999");
      storePart(b, p, new ContentRange(2000, 8000, whole.length), whole);
      PartialEntry entry = a.findPartial(p.key()).get(0);
      assertThat(entry.isComplete()).isTrue();
      try (StoredBody body = a.openBody(p, 0, whole.length).orElseThrow();
          InputStream in = body.asInputStream()) {
        assertThat(in.readAllBytes()).isEqualTo(whole);
      }
      b.removeAll(p.key());
      assertThat(a.findPartial(p.key())).isEmpty();
    }
  }
}
