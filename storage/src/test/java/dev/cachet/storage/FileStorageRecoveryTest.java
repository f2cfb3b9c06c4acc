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
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files damaged by hand: each damaged entry is skipped and its files deleted when a storage opens
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

  private Path keyDir(StoredPair p) {
    return root.resolve(Layout.keyDirName(p.key()));
  }

  private Path meta(StoredPair p) {
    return keyDir(p).resolve(p.id() + ".json");
  }

  private Path body(StoredPair p) throws IOException {
    try (Stream<Path> files = Files.list(keyDir(p))) {
      return files.filter(f -> f.toString().endsWith(".body")).findFirst().orElseThrow();
    }
  }

  private String metaText() throws IOException {
    return Files.readString(meta(damaged));
  }

  /** Opens a storage and checks the damaged entry is gone, files and all, and the other served. */
  private void assertDroppedOnOpen() throws IOException {
    try (Storage s = open()) {
      assertThat(s.find(damaged.key())).isEmpty();
      assertThat(s.openBody(damaged)).isEmpty();
      assertThat(keyDir(damaged)).doesNotExist();
      assertThat(s.find(healthy.key())).containsExactly(healthy);
      assertThat(readChunks(s, healthy)).contains(healthyBody);
      assertThat(s.size()).isLessThan(damagedBody.length + healthyBody.length);
    }
  }

  @Test
  void garbageJson_isSkippedAndDeleted() throws IOException {
    Files.writeString(meta(damaged), "{\"formatVersion\": 1, this is not JSON");
    assertDroppedOnOpen();
  }

  @Test
  void truncatedMetadata_isSkippedAndDeleted() throws IOException {
    String text = metaText();
    Files.writeString(meta(damaged), text.substring(0, text.length() / 2));
    assertDroppedOnOpen();
  }

  @Test
  void emptyMetadata_isSkippedAndDeleted() throws IOException {
    Files.write(meta(damaged), new byte[0]);
    assertDroppedOnOpen();
  }

  @Test
  void futureFormatVersion_isSkippedAndDeleted() throws IOException {
    String text = metaText();
    assertThat(text).contains("\"formatVersion\" : 3");
    Files.writeString(
        meta(damaged), text.replace("\"formatVersion\" : 3", "\"formatVersion\" : 4"));
    assertDroppedOnOpen();
  }

  @Test
  void olderFormatVersion1_isDroppedWithItsBody_neverRead() throws IOException {
    // Version 1 kept every request field; such a file may hold credentials, and is never read.
    String v1 =
        metaText()
            .replace("\"formatVersion\" : 3", "\"formatVersion\" : 1")
            .replace(
                "\"headers\" : [ ]",
                "\"headers\" : [ [ \"Authorization\", \"Bearer SECRET\" ], [ \"Cookie\", \"a=b\" ] ]");
    assertThat(v1).contains("Bearer SECRET");
    Path body = body(damaged);
    Files.writeString(meta(damaged), v1);
    assertDroppedOnOpen();
    assertThat(meta(damaged)).doesNotExist();
    assertThat(body).doesNotExist();
  }

  @Test
  void olderFormatVersion2_isDroppedWithItsBody_neverMisread() throws IOException {
    // Version 2 is version 3's base under another number; a version 2 Cachet sharing the directory
    // would not know update slots, so a store of that version is emptied on upgrade, never read.
    String v2 = metaText().replace("\"formatVersion\" : 3", "\"formatVersion\" : 2");
    assertThat(v2).contains("\"formatVersion\" : 2");
    Path body = body(damaged);
    Files.writeString(meta(damaged), v2);
    assertDroppedOnOpen();
    assertThat(meta(damaged)).doesNotExist();
    assertThat(body).doesNotExist();
  }

  @Test
  void aWholeStoreOfVersion2_isEmptiedOnOpen_andUsable() throws IOException {
    for (StoredPair p : List.of(damaged, healthy)) {
      Path meta = meta(p);
      Files.writeString(
          meta, Files.readString(meta).replace("\"formatVersion\" : 3", "\"formatVersion\" : 2"));
    }
    try (Storage s = open()) {
      assertThat(s.find(damaged.key())).isEmpty();
      assertThat(s.find(healthy.key())).isEmpty();
      assertThat(s.size()).isZero();
      StoredPair again = pair("http://example.com/again");
      store(s, again, bytes(100, 3));
      assertThat(readChunks(s, again)).contains(bytes(100, 3));
    }
    try (Stream<Path> left = Files.list(root)) {
      assertThat(left.map(f -> f.getFileName().toString()))
          .containsExactlyInAnyOrder(
              Layout.MARKER, Layout.keyDirName(pair("http://example.com/again").key()));
    }
  }

  @Test
  void metadataWithAForeignBodyPath_isSkippedAndDeleted() throws IOException {
    String file = body(damaged).getFileName().toString();
    Files.writeString(meta(damaged), metaText().replace(file, "../../../etc/passwd"));
    assertDroppedOnOpen();
  }

  @Test
  void wrongBodyLengthInMetadata_isSkippedAndDeleted() throws IOException {
    Files.writeString(
        meta(damaged), metaText().replace("\"length\" : 10000", "\"length\" : 10001"));
    assertDroppedOnOpen();
  }

  @Test
  void truncatedBody_isSkippedAndDeleted() throws IOException {
    try (FileChannel ch = FileChannel.open(body(damaged), StandardOpenOption.WRITE)) {
      ch.truncate(5000);
    }
    assertDroppedOnOpen();
  }

  @Test
  void missingBody_isSkippedAndDeleted() throws IOException {
    Files.delete(body(damaged));
    assertDroppedOnOpen();
  }

  @Test
  void wrongChecksum_isSkippedAndDeleted() throws IOException {
    flipAByte(body(damaged));
    assertDroppedOnOpen();
  }

  @Test
  void wrongChecksum_notVerifiedOnOpen_failsTheRead_andDropsTheEntry() throws IOException {
    flipAByte(body(damaged));
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
    flipAByte(body(damaged));
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

  @Test
  void wrongChecksum_ofASingleChunkBody_failsThatChunk_beforeItIsHandedOut() throws IOException {
    Path other = temp.resolve("small");
    StoredPair small = pair("http://example.com/small");
    try (Storage s = FileStorage.newBuilder(other).durable(false).build()) {
      store(s, small, bytes(1000, 3));
    }
    try (Stream<Path> files = Files.walk(other)) {
      flipAByte(files.filter(f -> f.toString().endsWith(".body")).findFirst().orElseThrow());
    }
    try (Storage s = FileStorage.newBuilder(other).verifyChecksumsOnOpen(false).build();
        StoredBody b = s.openBody(s.find(small.key()).get(0)).orElseThrow()) {
      assertThatThrownBy(b::nextChunk)
          .isInstanceOf(StorageException.class)
          .hasMessageContaining("checksum");
    }
  }

  @Test
  void strayFiles_inTheRootAndInAKeyDirectory_areDeleted() throws IOException {
    Path strayFile = Files.writeString(root.resolve("notes.txt"), "hello");
    Path strayDir = Files.createDirectories(root.resolve("some-dir/nested"));
    Files.writeString(strayDir.resolve("x"), "x");
    Path strayInKey = Files.writeString(keyDir(healthy).resolve("README"), "x");
    try (Storage s = open()) {
      assertThat(strayFile).doesNotExist();
      assertThat(root.resolve("some-dir")).doesNotExist();
      assertThat(strayInKey).doesNotExist();
      assertThat(readChunks(s, healthy)).contains(healthyBody);
      assertThat(readChunks(s, damaged)).contains(damagedBody);
    }
  }

  @Test
  void leftoverTemporaryFilesAndOrphanBodies_areDeleted() throws IOException {
    Path dir = keyDir(healthy);
    Path tempBody =
        Files.write(dir.resolve(healthy.id() + ".0123456789abcdef.body.tmp"), new byte[9]);
    Path tempMeta =
        Files.writeString(dir.resolve(healthy.id() + ".json.fedcba9876543210.tmp"), "{");
    Path orphan = Files.write(dir.resolve(healthy.id() + ".00000000000000aa.body"), new byte[3]);
    try (Storage s = open()) {
      assertThat(tempBody).doesNotExist();
      assertThat(tempMeta).doesNotExist();
      assertThat(orphan).doesNotExist();
      assertThat(readChunks(s, healthy)).contains(healthyBody);
    }
  }

  @Test
  void aLinkNamedLikeAKeyDirectory_isRemoved_andWhatItPointsToIsLeftAlone() throws IOException {
    Path foreign = Files.createDirectories(temp.resolve("elsewhere"));
    Path precious = Files.writeString(foreign.resolve("thesis.tex"), "years of work");
    Path link = root.resolve("ab".repeat(32));
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

  /** A 304's freshening, written into the metadata file's update area in place. */
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
      Path dir = keyDir(damaged);
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
      byte[] file = Files.readAllBytes(meta(damaged));
      int baseLength = Files.readString(meta(damaged), StandardCharsets.ISO_8859_1).indexOf('\0');
      int second0 = (int) MetadataCodec.slotOffset(baseLength, 2);
      file[second0 + 40] ^= 0x01;
      Files.write(meta(damaged), file);
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

  private static void flipAByte(Path file) throws IOException {
    byte[] b = Files.readAllBytes(file);
    b[b.length / 2] ^= 0x5a;
    Files.write(file, b);
    assertThat(Files.size(file)).isEqualTo(b.length);
  }

  static String utf8(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }
}
