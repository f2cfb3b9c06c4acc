package dev.cachet.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.cachet.core.StoredPair;
import dev.cachet.storage.internal.Layout;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@link FileStorage} commits a small body behind its caller: the pair is this storage's at once
 * (served from memory until it reaches the disk), other instances see it once it is on the disk,
 * and a write that fails there is dropped and counted, never served half-written.
 */
class FileStorageWriteBehindTest {
  @TempDir Path temp;

  @Test
  void aCommittedPair_isFoundAndReadAtOnce_andReachesTheDiskForOthersOnFlush() throws IOException {
    Path root = temp.resolve("flush");
    StoredPair p = StorageContract.pair("http://example.com/a");
    byte[] body = StorageContract.bytes(1024, 7);
    try (FileStorage writer = FileStorage.newBuilder(root).build();
        FileStorage reader = FileStorage.newBuilder(root).writeBehindBytes(0).build()) {
      StorageContract.store(writer, p, body);
      assertThat(writer.find(p.key())).containsExactly(p);
      assertThat(StorageContract.readChunks(writer, p)).contains(body);
      writer.flush();
      assertThat(reader.find(p.key())).containsExactly(p);
      assertThat(StorageContract.readStream(reader, p)).contains(body);
      assertThat(writer.writeBehindFailures()).isZero();
    }
  }

  @Test
  void aRange_isReadFromAPendingBody_andFromTheEntryFileOnceOnTheDisk() throws IOException {
    Path root = temp.resolve("range");
    StoredPair p = StorageContract.pair("http://example.com/range");
    byte[] body = StorageContract.bytes(4096, 3);
    byte[] range = java.util.Arrays.copyOfRange(body, 1000, 1500);
    try (FileStorage writer = FileStorage.newBuilder(root).build();
        FileStorage reader = FileStorage.newBuilder(root).writeBehindBytes(0).build()) {
      StorageContract.store(writer, p, body);
      // Served from memory while pending, else from the disk: the same bytes either way.
      assertThat(read(writer.openBody(p, 1000, 500))).isEqualTo(range);
      writer.flush();
      assertThat(read(writer.openBody(p, 1000, 500))).isEqualTo(range);
      assertThat(read(reader.openBody(p, 1000, 500))).isEqualTo(range);
      assertThat(read(reader.openBody(p, 4096, 0))).isEmpty();
    }
  }

  private static byte[] read(Optional<StoredBody> opened) throws IOException {
    try (StoredBody b = opened.orElseThrow()) {
      byte[] bytes = b.asInputStream().readAllBytes();
      assertThat(b.length()).isEqualTo(bytes.length);
      return bytes;
    }
  }

  @Test
  void closing_writesWhatIsPending_forTheNextOpening() throws IOException {
    Path root = temp.resolve("close");
    byte[] body = StorageContract.bytes(2048, 3);
    StoredPair[] pairs = new StoredPair[50];
    try (FileStorage s = FileStorage.newBuilder(root).durable(false).build()) {
      for (int i = 0; i < pairs.length; i++) {
        pairs[i] = StorageContract.pair("http://example.com/close/" + i);
        StorageContract.store(s, pairs[i], body);
      }
    }
    try (FileStorage s = FileStorage.newBuilder(root).build()) {
      for (StoredPair p : pairs) {
        assertThat(s.find(p.key())).containsExactly(p);
        assertThat(StorageContract.readChunks(s, p)).contains(body);
      }
    }
  }

  @Test
  void withNoRoomToWait_aCommitIsOnTheDiskWhenItReturns() throws IOException {
    Path root = temp.resolve("no-room");
    StoredPair p = StorageContract.pair("http://example.com/b");
    byte[] body = StorageContract.bytes(1024, 9);
    try (FileStorage writer = FileStorage.newBuilder(root).writeBehindBytes(100).build();
        FileStorage reader = FileStorage.newBuilder(root).writeBehindBytes(0).build()) {
      StorageContract.store(writer, p, body);
      assertThat(reader.find(p.key())).as("seen by another instance at once").containsExactly(p);
    }
  }

  @Test
  void aReplacementStillPending_hidesTheReplacedBody() throws IOException {
    Path root = temp.resolve("replace");
    StoredPair old = StorageContract.pair("http://example.com/r");
    StoredPair neu =
        old.withResponse(
            old.response().withHeaders(old.response().headers().with("ETag", "\"2\"")),
            old.requestTime().plusSeconds(1),
            old.responseTime().plusSeconds(1));
    try (FileStorage s = FileStorage.newBuilder(root).durable(false).build()) {
      StorageContract.store(s, old, StorageContract.bytes(100, 1));
      s.flush();
      StorageContract.store(s, neu, StorageContract.bytes(200, 2));
      assertThat(s.find(old.key())).containsExactly(neu);
      assertThat(s.openBody(old)).isEmpty();
      assertThat(StorageContract.readChunks(s, neu)).contains(StorageContract.bytes(200, 2));
      s.flush();
      assertThat(s.find(old.key())).containsExactly(neu);
      assertThat(s.openBody(old)).isEmpty();
    }
  }

  /**
   * An update (RFC 9111 §4.3.4) is this storage's at once (new headers, same body) and reaches the
   * disk behind its caller; several updates of one pair while the disk is busy leave the newest.
   */
  @Test
  void updates_areSeenAtOnce_andTheNewestReachesTheDisk() throws IOException {
    Path root = temp.resolve("update");
    StoredPair p = StorageContract.pair("http://example.com/u");
    byte[] body = StorageContract.bytes(1500, 4);
    try (FileStorage s = FileStorage.newBuilder(root).build();
        FileStorage reader = FileStorage.newBuilder(root).writeBehindBytes(0).build()) {
      StorageContract.store(s, p, body);
      s.flush();
      StoredPair newest = p;
      for (int i = 1; i <= 5; i++) {
        StoredPair before = newest;
        newest = withEtag(p, i);
        assertThat(s.update(newest)).isTrue();
        assertThat(s.find(p.key())).containsExactly(newest);
        assertThat(s.openBody(before)).isEmpty();
        assertThat(StorageContract.readChunks(s, newest)).contains(body);
      }
      s.flush();
      assertThat(reader.find(p.key())).containsExactly(newest);
      assertThat(StorageContract.readStream(reader, newest)).contains(body);
      assertThat(s.update(StorageContract.pair("http://example.com/none"))).isFalse();
      assertThat(s.writeBehindFailures()).isZero();
    }
    try (FileStorage s = FileStorage.newBuilder(root).build()) {
      assertThat(s.find(p.key()))
          .hasSize(1)
          .allMatch(q -> q.response().headers().firstValue("ETag").equals(Optional.of("\"5\"")));
    }
  }

  private static StoredPair withEtag(StoredPair p, int version) {
    return p.withResponse(
        p.response().withHeaders(p.response().headers().with("ETag", "\"" + version + "\"")),
        p.requestTime().plusSeconds(version),
        p.responseTime().plusSeconds(version));
  }

  /**
   * Commits racing on one key from many threads are published in the order they were registered: a
   * publication that waited for one queued behind it would hang the writer thread and close().
   */
  @Test
  void concurrentCommitsToOneKey_allReachTheDisk_andCloseReturns() throws Exception {
    Path root = temp.resolve("concurrent");
    int threads = 8;
    int perThread = 100;
    java.util.concurrent.ExecutorService pool =
        java.util.concurrent.Executors.newFixedThreadPool(threads);
    try {
      assertTimeoutPreemptively(
          java.time.Duration.ofSeconds(60),
          () -> {
            try (FileStorage s = FileStorage.newBuilder(root).durable(false).build()) {
              java.util.List<java.util.concurrent.Future<?>> done = new java.util.ArrayList<>();
              for (int t = 0; t < threads; t++) {
                done.add(
                    pool.submit(
                        () -> {
                          for (int i = 0; i < perThread; i++) {
                            StorageContract.store(
                                s,
                                StorageContract.pair("http://example.com/one"),
                                StorageContract.bytes(256, i));
                          }
                          return null;
                        }));
              }
              for (java.util.concurrent.Future<?> f : done) {
                f.get();
              }
              s.flush();
              assertThat(s.find(StorageContract.pair("http://example.com/one").key()))
                  .hasSize(threads * perThread);
              assertThat(s.writeBehindFailures()).isZero();
            }
          });
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aWriteTheDiskRefuses_isDroppedAndCounted_neverServed() throws IOException {
    Path root = temp.resolve("refused");
    StoredPair p = StorageContract.pair("http://example.com/refused");
    try (FileStorage s = FileStorage.newBuilder(root).durable(false).build()) {
      // A directory, not empty, where the pair's entry file belongs: the background write cannot
      // rename the entry into place (a plain file in the shard's place would be deleted, as
      // nothing in the store but a directory may stand there).
      Path inTheWay = root.resolve(Layout.entryPath(p.key(), p.id()));
      Files.createDirectories(inTheWay);
      Files.writeString(inTheWay.resolve("x"), "in the way");
      StorageContract.store(s, p, StorageContract.bytes(512, 5));
      s.flush();
      assertThat(s.writeBehindFailures()).isEqualTo(1);
      Files.delete(inTheWay.resolve("x"));
      Files.delete(inTheWay);
      assertThat(s.find(p.key())).isEmpty();
      assertThat(s.openBody(p)).isEmpty();
    }
  }
}
