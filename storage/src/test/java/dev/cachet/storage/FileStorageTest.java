package dev.cachet.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cachet.core.StoredPair;
import dev.cachet.storage.internal.Layout;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link FileStorage} on a real disk passes the contract. Forcing to the disk ({@code durable})
 * changes no logic, only when the bytes reach the platter, so the contract runs without it to keep
 * the build fast; {@code FileStorageRecoveryTest.Restart} and the crash test cover the durable
 * default.
 */
class FileStorageTest extends StorageContract {
  @TempDir Path temp;
  private final AtomicInteger count = new AtomicInteger();

  @Override
  protected Storage newStorage(long maximumBytes) throws IOException {
    return FileStorage.newBuilder(temp.resolve("storage-" + count.incrementAndGet()))
        .maximumBytes(maximumBytes)
        .durable(false)
        .build();
  }

  /** Two writers and two readers on one key, 1,000 writes each: files make each one slower. */
  @Override
  protected int concurrentOperations() {
    return 1000;
  }

  /**
   * A body read again comes from the entry file kept open; one this instance removed is not served
   * from it, and one another instance replaced is read as its new commit, the old pair's body gone.
   */
  @Test
  void keptOpenFiles_serveOnlyTheCommitTheyHold() throws IOException {
    Path root = temp.resolve("kept-open");
    try (FileStorage a = FileStorage.newBuilder(root).durable(false).openFiles(4).build();
        FileStorage b = FileStorage.newBuilder(root).durable(false).build()) {
      StoredPair p = pair("http://example.com/kept");
      store(a, p, "one".getBytes(java.nio.charset.StandardCharsets.UTF_8));
      a.flush();
      assertThat(readChunks(a, p))
          .hasValueSatisfying(v -> assertThat(new String(v)).isEqualTo("one"));
      assertThat(readChunks(a, p))
          .hasValueSatisfying(v -> assertThat(new String(v)).isEqualTo("one"));

      StoredPair replaced =
          new StoredPair(
              p.id(),
              p.key(),
              p.request(),
              dev.cachet.core.Response.of(
                  200, dev.cachet.core.Headers.of("Cache-Control", "max-age=60", "X", "two")),
              p.requestTime(),
              p.responseTime());
      store(b, replaced, "two".getBytes(java.nio.charset.StandardCharsets.UTF_8));
      b.flush();
      assertThat(a.find(p.key())).containsExactly(replaced);
      assertThat(readChunks(a, replaced))
          .hasValueSatisfying(v -> assertThat(new String(v)).isEqualTo("two"));
      assertThat(readChunks(a, p)).as("the replaced commit's pair").isEmpty();

      a.remove(p.key(), java.util.Set.of(p.id()));
      assertThat(readChunks(a, replaced)).as("removed by this instance").isEmpty();
      assertThat(readChunks(b, replaced)).as("and gone for the other").isEmpty();
    }
  }

  /**
   * A small body read whole from its kept file, and checked, is held in memory beside it: read
   * again (as chunks, as a stream, as a range, or after a 304's freshening) it costs no read of the
   * disk, so damage done to the file's body since is neither served nor seen until the body is read
   * from the disk again, by a new instance here. Without held bodies the next read checks the
   * disk's bytes, fails, and drops the entry.
   */
  @ParameterizedTest(name = "bodies held: {0}")
  @ValueSource(booleans = {true, false})
  void aBodyReadWhole_isHeldBesideItsFile_andReadAgainWithoutTheDisk(boolean held)
      throws IOException {
    Path root = temp.resolve("held-" + held);
    StoredPair p = pair("http://example.com/held");
    byte[] body = bytes(1000, 7);
    try (FileStorage s =
        FileStorage.newBuilder(root).durable(false).heldBodyBytes(held ? 1 << 20 : 0).build()) {
      store(s, p, body);
      s.flush();
      assertThat(readStream(s, p)).contains(body);
      FileStorageRecoveryTest.flipABodyByte(root.resolve(Layout.entryPath(p.key(), p.id())));
      if (!held) {
        assertThatThrownBy(() -> readChunks(s, p))
            .isInstanceOf(StorageException.class)
            .hasMessageContaining("checksum");
        assertThat(s.find(p.key())).as("the damaged entry is dropped").isEmpty();
        return;
      }
      assertThat(readChunks(s, p)).contains(body);
      assertThat(readStream(s, p)).contains(body);
      assertThat(readRange(s, p, 100, 50)).contains(Arrays.copyOfRange(body, 100, 150));
      Instant later = p.responseTime().plusSeconds(60);
      StoredPair freshened = p.withResponse(p.response(), later, later);
      assertThat(s.update(freshened)).isTrue();
      assertThat(readStream(s, freshened)).contains(body);
    }
    try (FileStorage s = FileStorage.newBuilder(root).verifyChecksumsOnOpen(false).build()) {
      StoredPair found = s.find(p.key()).get(0);
      assertThatThrownBy(() -> readStream(s, found))
          .as("read from the disk again")
          .isInstanceOf(StorageException.class)
          .hasMessageContaining("checksum");
    }
  }

  /**
   * A body first read as one chunk is held too, and what a caller does with the array a stream
   * handed it never changes the held body.
   */
  @Test
  void aBodyReadAsAChunk_isHeld_andACallersArrayIsItsOwn() throws IOException {
    Path root = temp.resolve("held-chunk");
    StoredPair p = pair("http://example.com/held-chunk");
    byte[] body = bytes(1000, 8);
    try (FileStorage s = FileStorage.newBuilder(root).durable(false).build()) {
      store(s, p, body);
      s.flush();
      assertThat(readChunks(s, p)).contains(body);
      FileStorageRecoveryTest.flipABodyByte(root.resolve(Layout.entryPath(p.key(), p.id())));
      byte[] handedOut = readStream(s, p).orElseThrow();
      assertThat(handedOut).as("held since the chunk was read").isEqualTo(body);
      Arrays.fill(handedOut, (byte) 0);
      assertThat(readStream(s, p)).contains(body);
      assertThat(readChunks(s, p)).contains(body);
    }
  }

  /**
   * Entry files are opened for writing too (a file kept open takes its commit's updates); one that
   * cannot be, its mode changed behind the store's back, is still read.
   */
  @Test
  void anEntryFileThatCannotBeOpenedForWriting_isStillRead() throws Exception {
    Path root = temp.resolve("read-only-entry");
    StoredPair p = pair("http://example.com/read-only");
    byte[] body = "kept".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    try (FileStorage s = FileStorage.newBuilder(root).durable(false).build()) {
      store(s, p, body);
    }
    Path entry = root.resolve(Layout.entryPath(p.key(), p.id()));
    org.junit.jupiter.api.Assumptions.assumeTrue(
        Files.getFileStore(entry).supportsFileAttributeView("posix"),
        "the file system has no POSIX permissions");
    Object uid = Files.getAttribute(entry, "unix:uid");
    org.junit.jupiter.api.Assumptions.assumeFalse(
        Integer.valueOf(0).equals(uid),
        "root opens a file for writing whatever its mode: needs another user");
    Files.setPosixFilePermissions(
        entry, java.nio.file.attribute.PosixFilePermissions.fromString("r--------"));
    try (FileStorage s = FileStorage.newBuilder(root).durable(false).build()) {
      assertThat(s.find(p.key())).containsExactly(p);
      assertThat(readChunks(s, p)).contains(body);
      assertThat(readChunks(s, p)).as("again, from the file kept open").contains(body);
    }
  }

  @Test
  void openFiles_refusesANegativeCount_andASecondSetting() {
    FileStorage.Builder b = FileStorage.newBuilder(temp.resolve("open-files"));
    assertThatThrownBy(() -> b.openFiles(-1)).isInstanceOf(IllegalArgumentException.class);
    b.openFiles(0);
    assertThatThrownBy(() -> b.openFiles(1)).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void heldBodyBytes_refusesANegativeCount_andASecondSetting() {
    FileStorage.Builder b = FileStorage.newBuilder(temp.resolve("held-bytes"));
    assertThatThrownBy(() -> b.heldBodyBytes(-1)).isInstanceOf(IllegalArgumentException.class);
    b.heldBodyBytes(0);
    assertThatThrownBy(() -> b.heldBodyBytes(1)).isInstanceOf(IllegalStateException.class);
  }

  /**
   * A commit is cheap exactly when it is written behind the caller: a known length within the write
   * buffer, with write-behind on.
   */
  @Test
  void commitIsCheap_whenWrittenBehind() throws IOException {
    try (FileStorage s =
        FileStorage.newBuilder(temp.resolve("cheap"))
            .durable(false)
            .writeBufferBytes(1000)
            .build()) {
      assertThat(s.commitIsCheap(0)).isTrue();
      assertThat(s.commitIsCheap(1000)).isTrue();
      assertThat(s.commitIsCheap(1001)).isFalse();
      assertThat(s.commitIsCheap(-1)).as("unknown length").isFalse();
    }
    try (FileStorage s =
        FileStorage.newBuilder(temp.resolve("not-behind"))
            .durable(false)
            .writeBehindBytes(0)
            .build()) {
      assertThat(s.commitIsCheap(0)).isFalse();
      assertThat(s.commitIsCheap(10)).isFalse();
    }
  }

  /**
   * A commit racing a removal of the same pair ends with the pair stored whole or gone, never
   * counted in size() when not on the disk.
   */
  @ParameterizedTest(name = "writeBehindBytes={0}")
  @ValueSource(longs = {0, 1 << 20})
  void commitRacingRemovalOfThePair_leavesTheEntryWholeOrGone(long writeBehind) throws Exception {
    Path root = temp.resolve("race-" + writeBehind);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try (FileStorage s =
        FileStorage.newBuilder(root).durable(false).writeBehindBytes(writeBehind).build()) {
      CyclicBarrier together = new CyclicBarrier(2);
      for (int round = 0; round < 1500; round++) {
        StoredPair p = pair("http://example.com/race");
        Future<?> commit =
            pool.submit(
                () -> {
                  BodyWriter w = s.newWriter(p);
                  w.write(java.nio.ByteBuffer.wrap(bytes(100, 1)));
                  together.await();
                  w.commit();
                  return null;
                });
        Future<?> removal =
            pool.submit(
                () -> {
                  together.await();
                  s.remove(p.key(), List.of(p.id()));
                  return null;
                });
        commit.get(1, TimeUnit.MINUTES);
        removal.get(1, TimeUnit.MINUTES);
        s.flush(); // a commit may still be on its way to the disk
        Path entry = root.resolve(Layout.entryPath(p.key(), p.id()));
        boolean onDisk = Files.exists(entry);
        if (onDisk) {
          assertThat(readChunks(s, p)).as("round %d: the body of the entry", round).isPresent();
        }
        assertThat(s.size())
            .as("round %d: size() counts what is on the disk", round)
            .isEqualTo(onDisk ? Files.size(entry) : 0);
        s.removeAll(p.key());
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
