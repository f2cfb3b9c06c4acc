package dev.cachet.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cachet.core.CacheKey;
import dev.cachet.core.StoredPair;
import dev.cachet.storage.internal.Layout;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@link FileStorage} writer holds a body of up to {@code writeBufferBytes} in memory and touches
 * the disk only at commit; a larger body streams to a temporary file from the chunk that passes the
 * buffer. Either way nothing is visible, or left behind, before the commit.
 */
class FileStorageWriteBufferTest {
  private static final int BUFFER = 4096;

  @TempDir Path temp;

  private FileStorage storage(Path root) throws IOException {
    // Commits on the caller's thread, so that the disk can be checked right after them.
    return FileStorage.newBuilder(root)
        .durable(false)
        .writeBufferBytes(BUFFER)
        .writeBehindBytes(0)
        .build();
  }

  @Test
  void aWriterWithinItsBuffer_touchesNoFileUntilCommit_andAbortedLeavesNothing()
      throws IOException {
    Path root = temp.resolve("abort");
    StoredPair p = StorageContract.pair("http://example.com/small");
    try (Storage s = storage(root)) {
      BodyWriter w = s.newWriter(p);
      w.write(ByteBuffer.wrap(StorageContract.bytes(BUFFER - 1, 1)));
      w.write(ByteBuffer.wrap(StorageContract.bytes(1, 2)));
      assertThat(filesUnder(root)).as("files while writing").isEmpty();
      w.abort();
      assertThat(filesUnder(root)).as("files after abort").isEmpty();
      assertThat(s.find(p.key())).isEmpty();
      assertThat(s.size()).isZero();
    }
  }

  @Test
  void aBodyOfExactlyTheBuffer_isWrittenAtCommit_andReadsBackWhole() throws IOException {
    Path root = temp.resolve("exact");
    StoredPair p = StorageContract.pair("http://example.com/exact");
    byte[] body = StorageContract.bytes(BUFFER, 3);
    try (Storage s = storage(root)) {
      try (BodyWriter w = s.newWriter(p)) {
        w.write(ByteBuffer.wrap(body, 0, 1000));
        w.write(ByteBuffer.wrap(body, 1000, BUFFER - 1000));
        assertThat(filesUnder(root)).as("files before commit").isEmpty();
        w.commit();
      }
      assertThat(s.find(p.key())).containsExactly(p);
      assertThat(StorageContract.readChunks(s, p)).contains(body);
      assertThat(filesUnder(root)).as("files after commit: the entry").hasSize(1);
    }
  }

  @Test
  void aBodyJustOverTheBuffer_streamsToATemporaryFile_andCommitsWhole() throws IOException {
    Path root = temp.resolve("over");
    StoredPair p = StorageContract.pair("http://example.com/over");
    byte[] body = StorageContract.bytes(BUFFER + 1, 4);
    try (Storage s = storage(root)) {
      try (BodyWriter w = s.newWriter(p)) {
        w.write(ByteBuffer.wrap(body, 0, BUFFER - 10));
        assertThat(filesUnder(root)).as("files within the buffer").isEmpty();
        w.write(ByteBuffer.wrap(body, BUFFER - 10, 11));
        assertThat(filesUnder(root))
            .as("files past the buffer")
            .singleElement()
            .satisfies(f -> assertThat(f.getFileName().toString()).endsWith(".tmp"))
            .satisfies(f -> assertThat(Files.size(f)).isGreaterThan(BUFFER + 1L));
        assertThat(s.find(p.key())).as("visible before commit").isEmpty();
        w.commit();
      }
      assertThat(s.find(p.key())).containsExactly(p);
      assertThat(StorageContract.readChunks(s, p)).contains(body);
      assertThat(s.size()).isGreaterThan(BUFFER + 1);
    }
    try (Storage reopened = storage(root)) {
      assertThat(reopened.find(p.key())).containsExactly(p);
      assertThat(StorageContract.readChunks(reopened, p)).contains(body);
    }
  }

  @Test
  void aWriterPastItsBuffer_abortedLeavesNothing() throws IOException {
    Path root = temp.resolve("abort-large");
    StoredPair p = StorageContract.pair("http://example.com/large");
    try (Storage s = storage(root)) {
      BodyWriter w = s.newWriter(p);
      w.write(ByteBuffer.wrap(StorageContract.bytes(3 * BUFFER, 5)));
      assertThat(filesUnder(root)).as("files while writing").hasSize(1);
      w.abort();
      assertThat(filesUnder(root)).as("files after abort").isEmpty();
      assertThat(s.find(p.key())).isEmpty();
    }
  }

  @Test
  void closingTheStorage_abortsWritersInMemoryAndOnDisk() throws IOException {
    Path root = temp.resolve("close");
    StoredPair small = StorageContract.pair("http://example.com/close/small");
    StoredPair large = StorageContract.pair("http://example.com/close/large");
    Storage s = storage(root);
    BodyWriter inMemory = s.newWriter(small);
    inMemory.write(ByteBuffer.wrap(StorageContract.bytes(100, 6)));
    BodyWriter onDisk = s.newWriter(large);
    onDisk.write(ByteBuffer.wrap(StorageContract.bytes(BUFFER + 100, 7)));
    s.close();
    assertThatThrownBy(inMemory::commit).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(onDisk::commit).isInstanceOf(IllegalStateException.class);
    assertThat(filesUnder(root)).isEmpty();
  }

  @Test
  void replacingAPair_leavesOneFile() throws IOException {
    Path root = temp.resolve("replace");
    StoredPair p = StorageContract.pair("http://example.com/replace");
    try (Storage s = storage(root)) {
      for (int version = 0; version < 3; version++) {
        StorageContract.store(s, p, StorageContract.bytes(100 + version, version));
      }
      assertThat(StorageContract.readChunks(s, p)).contains(StorageContract.bytes(102, 2));
      assertThat(filesUnder(root)).as("one entry file").hasSize(1);
    }
  }

  @Test
  void aZeroBuffer_streamsFromTheFirstChunk() throws IOException {
    Path root = temp.resolve("zero");
    StoredPair p = StorageContract.pair("http://example.com/zero");
    try (Storage s = FileStorage.newBuilder(root).durable(false).writeBufferBytes(0).build()) {
      try (BodyWriter w = s.newWriter(p)) {
        w.write(ByteBuffer.wrap(StorageContract.bytes(1, 8)));
        assertThat(filesUnder(root)).hasSize(1);
        w.commit();
      }
      assertThat(StorageContract.readChunks(s, p)).contains(StorageContract.bytes(1, 8));
    }
  }

  @Test
  void writeBufferBytes_outOfRange_isRefused() {
    assertThatThrownBy(() -> FileStorage.newBuilder(temp).writeBufferBytes(-1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> FileStorage.newBuilder(temp).writeBufferBytes((16 << 20) + 1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  /**
   * A process killed with writes in progress leaves nothing of the one within its buffer, and only
   * a temporary file of the one past it, which the next opening deletes.
   */
  @Test
  void aKillBeforeCommit_leavesNothingAfterRecovery() throws Exception {
    Path root = temp.resolve("kill");
    Process child =
        ChildJvm.builder(
                PendingWriterMain.class,
                List.of("-Xmx64m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"),
                root.toString())
            .start();
    try {
      BufferedReader out =
          new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
      assertThat(out.readLine()).isEqualTo("ready");
    } finally {
      child.destroyForcibly();
      assertThat(child.waitFor(1, TimeUnit.MINUTES)).as("the child died").isTrue();
    }
    CacheKey small = CacheKey.of(PendingWriterMain.SMALL);
    assertThat(filesUnder(root))
        .as("files the killed process left")
        .singleElement()
        .satisfies(f -> assertThat(f.getFileName().toString()).endsWith(".tmp"));
    try (Storage s = storage(root)) {
      assertThat(filesUnder(root)).as("files after recovery").isEmpty();
      assertThat(s.find(small)).isEmpty();
      assertThat(s.find(CacheKey.of(PendingWriterMain.LARGE))).isEmpty();
      assertThat(s.size()).isZero();
    }
  }

  /** The regular files under the root, but for the marker. */
  private static List<Path> filesUnder(Path root) throws IOException {
    if (!Files.exists(root)) {
      return List.of();
    }
    try (Stream<Path> walk = Files.walk(root)) {
      return walk.filter(Files::isRegularFile)
          .filter(f -> !f.getFileName().toString().equals(Layout.MARKER))
          .toList();
    }
  }
}
