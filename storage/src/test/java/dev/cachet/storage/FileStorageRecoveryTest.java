package dev.cachet.storage;

import static dev.cachet.storage.StorageContract.bytes;
import static dev.cachet.storage.StorageContract.pair;
import static dev.cachet.storage.StorageContract.readChunks;
import static dev.cachet.storage.StorageContract.store;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cachet.core.StoredPair;
import dev.cachet.storage.internal.Layout;
import dev.cachet.storage.internal.MetadataCodec;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Files damaged by hand: each damaged entry is skipped and its file deleted when a storage opens
 * the directory (or, for a checksum found wrong only while reading, when it is read); the healthy
 * entry beside it is served as before.
 */
class FileStorageRecoveryTest {
  @TempDir Path temp;
  Path root;
  StoredPair damaged;
  StoredPair healthy;
  final byte[] damagedBody = bytes(10_000, 1);
  final byte[] healthyBody = bytes(7_000, 2);

  @BeforeEach
  void storeTwoEntries() throws IOException {
    root = temp.resolve("store");
    try (Storage s = open()) {
      damaged = pair("http://example.com/damaged");
      healthy = pair("http://example.com/healthy");
      store(s, damaged, damagedBody, 1000);
      store(s, healthy, healthyBody, 1000);
    }
  }

  private FileStorage open() throws IOException {
    return FileStorage.newBuilder(root).durable(false).build();
  }

  private Path entry(StoredPair p) {
    return root.resolve(Layout.entryPath(p.key(), p.id()));
  }

  private Path shard(StoredPair p) {
    return entry(p).getParent();
  }

  /** Where the body of an entry file starts, as its header says. */
  private long bodyOffset(StoredPair p) throws IOException {
    return ByteBuffer.wrap(Files.readAllBytes(entry(p))).getLong(24);
  }

  /** Opens a storage and checks the damaged entry is gone, file and all, and the other served. */
  private void assertDroppedOnOpen() throws IOException {
    try (Storage s = open()) {
      assertThat(s.find(damaged.key())).isEmpty();
      assertThat(s.openBody(damaged)).isEmpty();
      assertThat(entry(damaged)).doesNotExist();
      assertThat(s.find(healthy.key())).containsExactly(healthy);
      assertThat(readChunks(s, healthy)).contains(healthyBody);
      assertThat(s.size()).isLessThan(damagedBody.length + healthyBody.length);
    }
  }

  @Test
  void garbage_isSkippedAndDeleted() throws IOException {
    Files.writeString(entry(damaged), "{\"formatVersion\": 4, this is not an entry");
    assertDroppedOnOpen();
  }

  @Test
  void anEntryCutWithinItsMetadata_isSkippedAndDeleted() throws IOException {
    try (FileChannel ch = FileChannel.open(entry(damaged), StandardOpenOption.WRITE)) {
      ch.truncate(bodyOffset(damaged) / 2);
    }
    assertDroppedOnOpen();
  }

  @Test
  void anEmptyEntry_isSkippedAndDeleted() throws IOException {
    Files.write(entry(damaged), new byte[0]);
    assertDroppedOnOpen();
  }

  @Test
  void futureFormatVersion_isSkippedAndDeleted() throws IOException {
    byte[] file = Files.readAllBytes(entry(damaged));
    assertThat(ByteBuffer.wrap(file).getInt(8)).isEqualTo(4);
    ByteBuffer.wrap(file).putInt(8, 5);
    Files.write(entry(damaged), file);
    assertDroppedOnOpen();
  }

  @Test
  void aByteOfTheMetadataChanged_isSkippedAndDeleted() throws IOException {
    byte[] file = Files.readAllBytes(entry(damaged));
    String text = new String(file, StandardCharsets.ISO_8859_1);
    int at = text.indexOf("max-age=60");
    file[at + 8] = '9'; // max-age=90: valid JSON, but not what was committed
    Files.write(entry(damaged), file);
    assertDroppedOnOpen();
  }

  @Test
  void anEntryUnderTheNameOfAnotherPair_isSkippedAndDeleted() throws IOException {
    Path impostor = shard(damaged).resolve(Layout.keyHash(damaged.key()) + "." + UUID.randomUUID());
    Files.move(entry(healthy), root.resolve("kept"));
    Files.copy(entry(damaged), impostor);
    Files.move(root.resolve("kept"), entry(healthy));
    Files.delete(entry(damaged));
    try (Storage s = open()) {
      assertThat(impostor).doesNotExist();
      assertThat(s.find(damaged.key())).isEmpty();
      assertThat(readChunks(s, healthy)).contains(healthyBody);
    }
  }

  @Test
  void aBodyCutShort_isSkippedAndDeleted() throws IOException {
    try (FileChannel ch = FileChannel.open(entry(damaged), StandardOpenOption.WRITE)) {
      ch.truncate(bodyOffset(damaged) + 5000);
    }
    assertDroppedOnOpen();
  }

  @Test
  void wrongChecksum_isSkippedAndDeleted() throws IOException {
    flipABodyByte(entry(damaged));
    assertDroppedOnOpen();
  }

  /**
   * A store of the layout of format versions 1 to 3 (one directory per key, a metadata file and a
   * body file per pair) is dropped whole on open, never read: version 1 may hold request fields a
   * store no longer keeps, and none of them is an entry file.
   */
  @ParameterizedTest(name = "formatVersion {0}")
  @ValueSource(ints = {1, 2, 3})
  void aStoreOfAnOlderFormat_isEmptiedOnOpen_neverMisread_andUsable(int version)
      throws IOException {
    Path old = temp.resolve("old-" + version);
    Files.createDirectories(old);
    Files.writeString(old.resolve(Layout.MARKER), "");
    String golden = resource("metadata-v" + version + ".json");
    Path keyDir = Files.createDirectories(old.resolve(Layout.keyHash(damaged.key())));
    String id = "3f2b8c1e-6a4d-4e2f-9b1a-0c5d7e8f9a01";
    Files.writeString(keyDir.resolve(id + ".json"), golden);
    Files.write(keyDir.resolve(id + ".00000000deadbeef.body"), bytes(1234, 1));
    try (Storage s = FileStorage.newBuilder(old).durable(false).build()) {
      assertThat(s.size()).isZero();
      assertThat(keyDir).doesNotExist();
      StoredPair again = pair("http://example.com/again");
      store(s, again, bytes(100, 3));
      assertThat(readChunks(s, again)).contains(bytes(100, 3));
    }
    try (Stream<Path> left = Files.list(old)) {
      assertThat(left.map(f -> f.getFileName().toString()))
          .containsExactlyInAnyOrder(
              Layout.MARKER,
              "tmp", // the directory of writes in progress
              Layout.shardName(Layout.keyHash(pair("http://example.com/again").key())));
    }
  }

  private static String resource(String name) throws IOException {
    try (var in =
        FileStorageRecoveryTest.class.getResourceAsStream("/dev/cachet/storage/internal/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void wrongChecksum_notVerifiedOnOpen_failsTheRead_andDropsTheEntry() throws IOException {
    flipABodyByte(entry(damaged));
    try (Storage s = FileStorage.newBuilder(root).verifyChecksumsOnOpen(false).build()) {
      StoredPair found = s.find(damaged.key()).get(0);
      assertThatThrownBy(() -> readChunks(s, found))
          .isInstanceOf(StorageException.class)
          .hasMessageContaining("checksum");
      assertThat(s.find(damaged.key())).isEmpty();
      assertThat(s.openBody(found)).isEmpty();
      try (StoredBody b = s.openBody(healthy).orElseThrow()) {
        assertThat(b.asInputStream().readAllBytes()).isEqualTo(healthyBody);
      }
    }
  }

  @Test
  void wrongChecksum_failsTheReadOfTheLastByte_evenWhenTheReaderStopsAtTheLength()
      throws IOException {
    flipABodyByte(entry(damaged));
    try (Storage s = FileStorage.newBuilder(root).verifyChecksumsOnOpen(false).build()) {
      StoredPair found = s.find(damaged.key()).get(0);
      try (StoredBody b = s.openBody(found).orElseThrow()) {
        // A reader that knows the length reads exactly that much, and never asks for the end.
        assertThatThrownBy(() -> b.asInputStream().readNBytes((int) b.length()))
            .isInstanceOf(StorageException.class)
            .hasMessageContaining("checksum");
      }
      assertThat(s.find(damaged.key())).isEmpty();
    }
  }

  /** The engine reads a body whole for a caller that wants a byte array: checked the same way. */
  @Test
  void wrongChecksum_failsAReadOfTheWholeBody_andDropsTheEntry() throws IOException {
    flipABodyByte(entry(damaged));
    try (Storage s = FileStorage.newBuilder(root).verifyChecksumsOnOpen(false).build()) {
      StoredPair found = s.find(damaged.key()).get(0);
      try (StoredBody b = s.openBody(found).orElseThrow()) {
        assertThatThrownBy(() -> b.asInputStream().readAllBytes())
            .isInstanceOf(StorageException.class)
            .hasMessageContaining("checksum");
      }
      assertThat(s.find(damaged.key())).isEmpty();
    }
  }

  @Test
  void wrongChecksum_ofASingleChunkBody_failsThatChunk_beforeItIsHandedOut() throws IOException {
    Path other = temp.resolve("small");
    StoredPair small = pair("http://example.com/small");
    try (Storage s = FileStorage.newBuilder(other).durable(false).build()) {
      store(s, small, bytes(1000, 3));
    }
    flipABodyByte(other.resolve(Layout.entryPath(small.key(), small.id())));
    try (Storage s = FileStorage.newBuilder(other).verifyChecksumsOnOpen(false).build();
        StoredBody b = s.openBody(s.find(small.key()).get(0)).orElseThrow()) {
      assertThatThrownBy(b::nextChunk)
          .isInstanceOf(StorageException.class)
          .hasMessageContaining("checksum");
    }
  }

  @Test
  void strayFiles_inTheRootAndInAShard_areDeleted() throws IOException {
    Path strayFile = Files.writeString(root.resolve("notes.txt"), "hello");
    Path strayDir = Files.createDirectories(root.resolve("some-dir/nested"));
    Files.writeString(strayDir.resolve("x"), "x");
    Path strayInKey = Files.writeString(shard(healthy).resolve("README"), "x");
    try (Storage s = open()) {
      assertThat(strayFile).doesNotExist();
      assertThat(root.resolve("some-dir")).doesNotExist();
      assertThat(strayInKey).doesNotExist();
      assertThat(readChunks(s, healthy)).contains(healthyBody);
      assertThat(readChunks(s, damaged)).contains(damagedBody);
    }
  }

  @Test
  void leftoverTemporaryFiles_areDeleted() throws IOException {
    Path entry = entry(healthy);
    Path temp = Files.write(Path.of(entry + ".0123456789abcdef.tmp"), new byte[9]);
    try (Storage s = open()) {
      assertThat(temp).doesNotExist();
      assertThat(readChunks(s, healthy)).contains(healthyBody);
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"a shard", "a key directory of an older format"})
  void aLinkNamedLikeADirectoryOfTheStore_isRemoved_andWhatItPointsToIsLeftAlone(String what)
      throws IOException {
    Path foreign = Files.createDirectories(temp.resolve("elsewhere"));
    Path precious = Files.writeString(foreign.resolve("thesis.tex"), "years of work");
    Path link = root.resolve(what.equals("a shard") ? "e" : "ab".repeat(32));
    Files.deleteIfExists(link);
    Files.createSymbolicLink(link, foreign);
    try (Storage s = open()) {
      assertThat(precious).hasContent("years of work");
      assertThat(link).doesNotExist();
      assertThat(readChunks(s, healthy)).contains(healthyBody);
    }
  }

  @Test
  void aDirectoryWithOtherFiles_isRefused_andLeftAlone() throws IOException {
    Path foreign = Files.createDirectories(temp.resolve("home"));
    Path precious = Files.writeString(foreign.resolve("thesis.tex"), "years of work");
    assertThatThrownBy(() -> FileStorage.newBuilder(foreign).build())
        .isInstanceOf(StorageException.class)
        .hasMessageContaining("not a Cachet file storage");
    assertThat(precious).hasContent("years of work");
  }

  /** A 304's freshening, written into the entry file's update area in place. */
  @Nested
  class UpdateInPlace {
    StoredPair freshened(int seconds) {
      return damaged.withResponse(
          dev.cachet.core.Response.of(
              200, dev.cachet.core.Headers.of("Cache-Control", "max-age=" + seconds)),
          damaged.requestTime().plusSeconds(seconds),
          damaged.responseTime().plusSeconds(seconds));
    }

    @Test
    void createsNoFile_leavesTheDirectoryUnchanged_andSurvivesARestart() throws IOException {
      Path dir = shard(damaged);
      List<String> before = names(dir);
      var dirTime = Files.getLastModifiedTime(dir);
      StoredPair first = freshened(10);
      StoredPair second = freshened(20);
      StoredPair third = freshened(30);
      try (FileStorage s = open()) {
        assertThat(s.update(first)).isTrue();
        s.flush();
        assertThat(s.find(damaged.key())).containsExactly(first);
        assertThat(s.update(second)).isTrue();
        assertThat(s.update(third)).isTrue();
        s.flush();
        assertThat(s.find(damaged.key())).containsExactly(third);
        assertThat(readChunks(s, third)).contains(damagedBody);
      }
      assertThat(names(dir)).isEqualTo(before);
      assertThat(Files.getLastModifiedTime(dir)).isEqualTo(dirTime);
      try (Storage s = open()) {
        assertThat(s.find(damaged.key())).containsExactly(third);
        assertThat(readChunks(s, third)).contains(damagedBody);
      }
    }

    @Test
    void anUpdateCutShortByACrash_leavesThePreviousHeaders_withTheirBody() throws IOException {
      StoredPair first = freshened(10);
      StoredPair second = freshened(20);
      try (FileStorage s = open()) {
        assertThat(s.update(first)).isTrue();
        s.flush();
        assertThat(s.update(second)).isTrue();
      }
      // A crash while the second update was written may leave its slot part old, part new: its
      // checksum then fails. (Update 2 lies in the first slot, update 1 after it.)
      byte[] file = Files.readAllBytes(entry(damaged));
      long bodyEnd = bodyOffset(damaged) + damagedBody.length;
      int second0 = (int) MetadataCodec.slotOffset((bodyEnd + 7) & ~7L, 2);
      file[second0 + 40] ^= 0x01;
      Files.write(entry(damaged), file);
      try (Storage s = open()) {
        assertThat(s.find(damaged.key())).containsExactly(first);
        assertThat(readChunks(s, first)).contains(damagedBody);
        assertThat(s.find(healthy.key())).containsExactly(healthy);
      }
    }
  }

  private static List<String> names(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(f -> f.getFileName().toString()).sorted().toList();
    }
  }

  @Nested
  class Restart {
    @Test
    void entries_size_andHeaders_surviveARestart() throws IOException {
      long size;
      try (Storage s = open()) {
        size = s.size();
      }
      try (Storage s = open()) {
        assertThat(s.size()).isEqualTo(size);
        assertThat(s.find(damaged.key())).containsExactly(damaged);
        assertThat(readChunks(s, damaged)).contains(damagedBody);
      }
    }

    @Test
    void leastRecentlyUsedOrder_survivesARestart() throws IOException {
      Path lruRoot = temp.resolve("lru");
      StoredPair a = pair("http://example.com/a");
      StoredPair b = pair("http://example.com/b");
      StoredPair c = pair("http://example.com/c");
      long bound;
      try (FileStorage s = FileStorage.newBuilder(lruRoot).durable(false).build()) {
        store(s, a, bytes(40_000, 1));
        store(s, b, bytes(40_000, 2));
        store(s, c, bytes(40_000, 3));
        // A write's recency is when it reaches the disk: let all three get there first.
        s.flush();
        // a is used after b and c were stored: b is now the least recently used.
        assertThat(readChunks(s, a)).isPresent();
        bound = s.size() + 1000;
      }
      try (FileStorage s =
          FileStorage.newBuilder(lruRoot).durable(false).maximumBytes(bound).build()) {
        store(s, pair("http://example.com/d"), bytes(40_000, 4));
        s.flush(); // eviction happens when the pending write reaches the disk
        assertThat(s.evictionCount()).isEqualTo(1);
        assertThat(s.find(b.key())).isEmpty();
        assertThat(s.find(a.key())).containsExactly(a);
        assertThat(s.find(c.key())).containsExactly(c);
      }
    }

    @Test
    void aSmallerBound_isEnforcedOnOpen() throws IOException {
      try (Storage s = FileStorage.newBuilder(root).maximumBytes(9000).build()) {
        assertThat(s.size()).isLessThanOrEqualTo(9000);
        assertThat(s.evictionCount()).isEqualTo(1);
        assertThat(s.find(damaged.key())).isEmpty();
        assertThat(s.find(healthy.key())).containsExactly(healthy);
      }
    }

    @Test
    void durableDefault_storesAndReopens() throws IOException {
      Path durableRoot = temp.resolve("durable");
      StoredPair p = pair("http://example.com/durable");
      try (Storage s = FileStorage.newBuilder(durableRoot).build()) {
        store(s, p, bytes(3000, 9), 512);
      }
      try (Storage s = FileStorage.newBuilder(durableRoot).build()) {
        assertThat(s.find(p.key())).isEqualTo(List.of(p));
        assertThat(readChunks(s, p)).contains(bytes(3000, 9));
      }
    }
  }

  /** Flips a byte of an entry's body, in the middle of the file's body region. */
  /** Changes one byte in the middle of an entry file's body, in place (the same file). */
  static void flipABodyByte(Path file) throws IOException {
    byte[] b = Files.readAllBytes(file);
    long offset = ByteBuffer.wrap(b).getLong(24);
    long length = ByteBuffer.wrap(b).getLong(32);
    b[(int) (offset + length / 2)] ^= 0x5a;
    Files.write(file, b);
    assertThat(Files.size(file)).isEqualTo(b.length);
  }

  static String utf8(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }
}
