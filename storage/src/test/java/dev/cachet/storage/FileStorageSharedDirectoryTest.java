package dev.cachet.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cachet.core.CacheKey;
import dev.cachet.core.Headers;
import dev.cachet.core.Request;
import dev.cachet.core.Response;
import dev.cachet.core.StoredPair;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Two {@link FileStorage} instances, in one JVM or in two processes, on one directory: while one
 * replaces and removes entries, the other never reads a torn one.
 */
class FileStorageSharedDirectoryTest {
  @TempDir Path temp;

  @Test
  void twoInstancesInOneJvm_writingAndReadingOneKey_neverReadATornEntry() throws Exception {
    Path dir = temp.resolve("shared");
    URI uri = URI.create("http://example.com/shared");
    UUID[] ids = {UUID.randomUUID(), UUID.randomUUID()};
    int operations = 500;
    AtomicBoolean stop = new AtomicBoolean();
    AtomicLong reads = new AtomicLong();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try (Storage a = FileStorage.newBuilder(dir).durable(false).build();
        Storage b = FileStorage.newBuilder(dir).durable(false).build()) {
      List<Future<?>> writers = new ArrayList<>();
      List<Future<?>> readers = new ArrayList<>();
      Storage[] both = {a, b};
      for (int w = 0; w < 2; w++) {
        Storage writer = both[w];
        long base = (long) w << 32;
        writers.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < operations; i++) {
                    long seq = base | i;
                    int length = 1 + (int) ((seq * 7919) % 5000);
                    StoredPair p = versioned(uri, ids[i % 2], seq, length);
                    if (i % 10 == 9) {
                      writer.remove(p.key(), List.of(p.id()));
                    } else {
                      StorageContract.store(writer, p, StorageContract.bytes(length, seq), 700);
                    }
                  }
                  return null;
                }));
        // Each instance reads what the other writes.
        Storage reader = both[1 - w];
        readers.add(
            pool.submit(
                () -> {
                  while (!stop.get()) {
                    reads.addAndGet(checkAll(reader, CacheKey.of(uri)));
                  }
                  return null;
                }));
      }
      for (Future<?> f : writers) {
        f.get(5, TimeUnit.MINUTES);
      }
      stop.set(true);
      for (Future<?> f : readers) {
        f.get(1, TimeUnit.MINUTES);
      }
    } finally {
      stop.set(true);
      pool.shutdownNow();
    }
    assertThat(reads.get()).as("bodies read and checked").isPositive();
  }

  @Test
  void aReaderProcess_besideAWriterProcess_neverReadsATornEntry() throws Exception {
    Path dir = temp.resolve("two-processes");
    Process writer =
        ChildJvm.builder(
                CrashWriterMain.class,
                List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"),
                dir.toString(),
                "42",
                "fast")
            .start();
    long reads = 0;
    try {
      BufferedReader out =
          new BufferedReader(
              new InputStreamReader(writer.getInputStream(), StandardCharsets.UTF_8));
      assertThat(out.readLine()).isEqualTo("ready");
      try (Storage reader =
          FileStorage.newBuilder(dir).maximumBytes(1L << 30).durable(false).build()) {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        while (System.nanoTime() < end) {
          for (int k = 0; k < CrashWriterMain.KEYS; k++) {
            reads += checkAll(reader, CrashWriterMain.key(k));
          }
        }
      }
      assertThat(writer.isAlive()).as("the writer was writing all along").isTrue();
    } finally {
      writer.destroyForcibly();
      writer.waitFor(1, TimeUnit.MINUTES);
    }
    assertThat(reads).as("bodies read and checked").isPositive();
  }

  /**
   * A POSIX file lock belongs to the process and is dropped when any descriptor of the file is
   * closed: closing one instance must not leave another instance of the JVM unlocked, or the next
   * opener thinks it is alone and cleans the live instance's write in progress.
   */
  @Test
  void closingOneOfTwoInstances_doesNotLetANewInstanceCleanTheOthersWriteInProgress()
      throws Exception {
    Path dir = temp.resolve("lock");
    StoredPair p = versioned(URI.create("http://example.com/locked"), UUID.randomUUID(), 1, 3000);
    Storage first = FileStorage.newBuilder(dir).durable(false).build();
    // No write buffer: the write in progress is a temporary file from its first chunk.
    try (Storage live = FileStorage.newBuilder(dir).durable(false).writeBufferBytes(0).build()) {
      first.close();
      try (BodyWriter w = live.newWriter(p)) {
        w.write(java.nio.ByteBuffer.wrap(StorageContract.bytes(3000, 1)));
        try (Storage opener = FileStorage.newBuilder(dir).durable(false).build()) {
          assertThat(opener).isNotNull(); // another instance is open while the commit lands
          w.commit();
        }
      }
      assertThat(live.find(p.key())).containsExactly(p);
      assertThat(StorageContract.readChunks(live, p)).contains(StorageContract.bytes(3000, 1));
    }
  }

  /**
   * Closing one of two instances of a JVM closes a channel of the marker file, which on POSIX drops
   * every lock the process holds on it: another process opening then must still not think it is
   * alone and clean the remaining instance's write in progress.
   */
  @Test
  void closingOneOfTwoInstances_keepsAnotherProcessFromCleaningTheOthersWriteInProgress()
      throws Exception {
    Path dir = temp.resolve("posix-lock");
    StoredPair p = versioned(URI.create("http://example.com/posix"), UUID.randomUUID(), 1, 3000);
    // No write buffer: the write in progress is a temporary file from its first chunk.
    try (Storage live = FileStorage.newBuilder(dir).durable(false).writeBufferBytes(0).build()) {
      FileStorage.newBuilder(dir).durable(false).build().close();
      try (BodyWriter w = live.newWriter(p)) {
        w.write(java.nio.ByteBuffer.wrap(StorageContract.bytes(3000, 1)));
        Process other =
            ChildJvm.builder(
                    OpenAndCloseMain.class,
                    List.of("-Xmx64m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"),
                    dir.toString())
                .start();
        String out = new String(other.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(other.waitFor(1, TimeUnit.MINUTES)).isTrue();
        assertThat(out).contains("opened");
        w.commit();
      }
      assertThat(live.find(p.key())).containsExactly(p);
      assertThat(StorageContract.readChunks(live, p)).contains(StorageContract.bytes(3000, 1));
    }
  }

  /**
   * Guards against an open that waits forever: while another process holds the directory's opening
   * lock and never lets go (frozen, or stuck recovering), opening the directory here fails after a
   * bounded wait with a {@link StorageException} that says who holds it, rather than blocking.
   */
  @Test
  void openingWhileAnotherProcessIsStuckOpening_failsAfterABoundedWait() throws Exception {
    Path dir = temp.resolve("stuck-opener");
    FileStorage.newBuilder(dir).durable(false).build().close();
    Process stuck =
        ChildJvm.builder(
                StuckOpenerMain.class,
                List.of("-Xmx32m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"),
                dir.toString())
            .start();
    ExecutorService opener = Executors.newSingleThreadExecutor();
    try {
      BufferedReader out =
          new BufferedReader(new InputStreamReader(stuck.getInputStream(), StandardCharsets.UTF_8));
      assertThat(out.readLine()).isEqualTo("holding");
      Future<FileStorage> opening =
          opener.submit(
              () ->
                  FileStorage.newBuilder(dir)
                      .durable(false)
                      .openTimeout(Duration.ofMillis(500))
                      .build());
      // Far beyond the bound: without one, this get times out (the opening waits forever).
      assertThatThrownBy(() -> opening.get(20, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .cause()
          .isInstanceOf(StorageException.class)
          .hasMessageContaining("another process")
          .hasMessageContaining(".cachet-storage")
          .hasMessageContaining("PT0.5S");
      // The holder gone, the directory opens again at once.
      stuck.getOutputStream().close();
      assertThat(stuck.waitFor(1, TimeUnit.MINUTES)).isTrue();
      FileStorage.newBuilder(dir)
          .durable(false)
          .openTimeout(Duration.ofSeconds(30))
          .build()
          .close();
    } finally {
      stuck.getOutputStream().close();
      assertThat(stuck.waitFor(1, TimeUnit.MINUTES)).isTrue();
      opener.shutdownNow();
    }
  }

  /**
   * An instance evicting an entry that another instance has replaced since deletes the entry file
   * on the disk, whichever commit it holds: nothing is left taking space outside every instance's
   * bound.
   */
  @Test
  void evictingAnEntryAnotherInstanceReplaced_leavesNoUnreferencedBody() throws Exception {
    Path dir = temp.resolve("evict-replaced");
    URI uri = URI.create("http://example.com/replaced");
    UUID id = UUID.randomUUID();
    StoredPair first = versioned(uri, id, 1, 40_000);
    StoredPair second = versioned(uri, id, 2, 40_000);
    // Each commit on its caller's thread: the order of the two instances' writes on the disk is
    // the point.
    try (Storage a =
            FileStorage.newBuilder(dir)
                .maximumBytes(100_000)
                .durable(false)
                .writeBehindBytes(0)
                .build();
        Storage b = FileStorage.newBuilder(dir).durable(false).writeBehindBytes(0).build()) {
      StorageContract.store(a, first, StorageContract.bytes(40_000, 1));
      StorageContract.store(b, second, StorageContract.bytes(40_000, 2));
      // a knows only its own version; storing more makes it evict that entry.
      StorageContract.store(
          a,
          versioned(URI.create("http://example.com/other"), UUID.randomUUID(), 3, 70_000),
          StorageContract.bytes(70_000, 3));
      assertThat(a.evictionCount()).isEqualTo(1);
      Path entry =
          dir.resolve(dev.cachet.storage.internal.Layout.entryPath(first.key(), first.id()));
      assertThat(entry).as("the evicted entry's file, whoever wrote it").doesNotExist();
    }
  }

  /**
   * An update too large for a slot rewrites the entry whole (same body, a new commit). An instance
   * that knew the file before, updating it in place, finds another commit's header and drops its
   * update, never writing a slot into the other's file.
   */
  @Test
  void anUpdateInPlace_afterAnotherInstanceRewroteTheEntry_isDropped_neverDamagingIt()
      throws Exception {
    Path dir = temp.resolve("rewritten");
    URI uri = URI.create("http://example.com/rewritten");
    StoredPair p = versioned(uri, UUID.randomUUID(), 1, 2000);
    try (FileStorage a = FileStorage.newBuilder(dir).durable(false).writeBehindBytes(0).build();
        FileStorage b = FileStorage.newBuilder(dir).durable(false).writeBehindBytes(0).build()) {
      StorageContract.store(a, p, StorageContract.bytes(2000, 1));
      assertThat(b.find(p.key())).containsExactly(p);
      StoredPair big = withHeader(p, "X-Big", "x".repeat(5000));
      assertThat(a.update(big)).isTrue();
      StoredPair small = withHeader(p, "X-Small", "1");
      assertThat(b.update(small)).isFalse();
      try (FileStorage c = FileStorage.newBuilder(dir).durable(false).build()) {
        assertThat(c.find(p.key())).containsExactly(big);
        assertThat(StorageContract.readChunks(c, big)).contains(StorageContract.bytes(2000, 1));
      }
    }
  }

  /**
   * A find serves a key from this instance's view while the key directory's identity and time are
   * unchanged. Once the directory has been quiet for longer than its timestamp granularity, any
   * change by another instance (new, replaced or removed entries) moves its time, and the next find
   * sees it at once. An update (a 304's freshening) is written in place and is seen when the key is
   * next listed.
   */
  @Test
  void
      aSecondInstance_seesAnotherInstancesNewReplacedAndRemovedEntries_atOnce_andUpdatesWhenListed()
          throws Exception {
    Path dir = temp.resolve("visible");
    URI uri = URI.create("http://example.com/visible");
    CacheKey key = CacheKey.of(uri);
    UUID id = UUID.randomUUID();
    StoredPair first = versioned(uri, id, 1, 1000);
    StoredPair second = versioned(uri, id, 2, 2000);
    StoredPair other = versioned(uri, UUID.randomUUID(), 3, 3000);
    try (FileStorage a = FileStorage.newBuilder(dir).durable(false).build();
        FileStorage b = FileStorage.newBuilder(dir).durable(false).build()) {
      assertThat(b.find(key)).isEmpty();
      StorageContract.store(a, first, StorageContract.bytes(1000, 1));
      a.flush();
      assertThat(b.find(key)).as("a new key").containsExactly(first);

      quiet(dir, key);
      assertThat(b.find(key)).containsExactly(first);
      StorageContract.store(a, second, StorageContract.bytes(2000, 2));
      a.flush();
      assertThat(b.find(key)).as("a replaced pair").containsExactly(second);
      assertThat(b.openBody(first)).isEmpty();
      assertThat(StorageContract.readChunks(b, second)).contains(StorageContract.bytes(2000, 2));

      quiet(dir, key);
      assertThat(b.find(key)).containsExactly(second);
      StorageContract.store(a, other, StorageContract.bytes(3000, 3));
      a.flush();
      assertThat(b.find(key)).as("a new pair").containsExactlyInAnyOrder(second, other);

      quiet(dir, key);
      assertThat(b.find(key)).containsExactlyInAnyOrder(second, other);
      StoredPair updated = withHeader(second, "X-Updated", "yes");
      assertThat(a.update(updated)).isTrue();
      a.flush();
      // A freshening is written in place and leaves the directory as it was: b keeps the headers
      // it holds (at worst it revalidates once more itself), with their own body, until it next
      // lists the key; asked for the updated pair, it reads it from the disk.
      assertThat(b.find(key)).as("an updated pair").containsExactlyInAnyOrder(second, other);
      assertThat(StorageContract.readChunks(b, second)).contains(StorageContract.bytes(2000, 2));
      assertThat(StorageContract.readChunks(b, updated)).contains(StorageContract.bytes(2000, 2));
      try (FileStorage c = FileStorage.newBuilder(dir).durable(false).build()) {
        assertThat(c.find(key)).as("listed anew").containsExactlyInAnyOrder(updated, other);
      }

      quiet(dir, key);
      a.remove(key, List.of(id));
      assertThat(b.find(key)).as("a removed pair").containsExactly(other);

      quiet(dir, key);
      assertThat(b.find(key)).containsExactly(other);
      a.removeAll(key);
      assertThat(b.find(key)).as("all pairs removed").isEmpty();
    }
  }

  /**
   * A view read within a timestamp tick of the directory's last change may miss a change made in
   * that same tick: it is used for at most a second. Whatever a find returns meanwhile, a pair's
   * body is its own or none, never another version's.
   */
  @Test
  void aViewReadJustAfterAChange_seesTheNextWithinASecond_andNeverMixesVersions() throws Exception {
    Path dir = temp.resolve("unsettled");
    URI uri = URI.create("http://example.com/unsettled");
    CacheKey key = CacheKey.of(uri);
    UUID id = UUID.randomUUID();
    try (FileStorage a = FileStorage.newBuilder(dir).durable(false).writeBehindBytes(0).build();
        FileStorage b = FileStorage.newBuilder(dir).durable(false).build()) {
      StoredPair last = null;
      for (int i = 1; i <= 20; i++) {
        last = versioned(uri, id, i, 500 + i);
        StorageContract.store(a, last, StorageContract.bytes(500 + i, i));
        // Read at once, in the tick of the change or just after it.
        checkAll(b, key);
      }
      Thread.sleep(1100);
      assertThat(b.find(key)).containsExactly(last);
      assertThat(StorageContract.readChunks(b, last)).contains(StorageContract.bytes(520, 20));
    }
  }

  /**
   * An update is written only beside the body of the version it was validated for: when another
   * instance has replaced the entry meanwhile (deleting that body), the update never reaches the
   * other version, and is never paired with its body (RFC 9111 §4.3.4). When this instance had read
   * the entry, it keeps that commit's file open and writes the update there: that file is no longer
   * the entry, and this instance may still pair the update with its own version's body.
   */
  @ParameterizedTest
  @CsvSource({"0, false", "16777216, false", "0, true", "16777216, true"})
  void anUpdateOfAnEntryAnotherInstanceReplaced_isDropped_neverPairedWithTheOtherBody(
      long writeBehind, boolean readFirst) throws Exception {
    Path dir = temp.resolve("update-replaced-" + writeBehind + "-" + readFirst);
    URI uri = URI.create("http://example.com/update-replaced");
    UUID id = UUID.randomUUID();
    StoredPair mine = versioned(uri, id, 1, 1000);
    StoredPair theirs = versioned(uri, id, 2, 2000);
    try (FileStorage a =
            FileStorage.newBuilder(dir).durable(false).writeBehindBytes(writeBehind).build();
        FileStorage b = FileStorage.newBuilder(dir).durable(false).build()) {
      StorageContract.store(a, mine, StorageContract.bytes(1000, 1));
      a.flush();
      if (readFirst) {
        assertThat(StorageContract.readChunks(a, mine)).contains(StorageContract.bytes(1000, 1));
      }
      assertThat(b.find(mine.key())).containsExactly(mine);
      StorageContract.store(b, theirs, StorageContract.bytes(2000, 2));
      b.flush();
      StoredPair updated = withHeader(mine, "X-Updated", "yes");
      boolean accepted = a.update(updated);
      if (!readFirst) {
        if (writeBehind == 0) {
          assertThat(accepted).as("the updated version's body is gone").isFalse();
        }
        assertThat(a.openBody(updated)).isEmpty();
      }
      a.flush();
      assertThat(StorageContract.readChunks(a, updated))
          .as("the updated version's own body, or none")
          .satisfiesAnyOf(
              body -> assertThat(body).isEmpty(),
              body -> assertThat(body).contains(StorageContract.bytes(1000, 1)));
      assertThat(a.writeBehindFailures()).isZero();
    }
    try (FileStorage c = FileStorage.newBuilder(dir).durable(false).build()) {
      assertThat(c.find(mine.key())).containsExactly(theirs);
      assertThat(StorageContract.readChunks(c, theirs)).contains(StorageContract.bytes(2000, 2));
    }
  }

  /**
   * An update written through a kept file reaches the disk: another instance listing the key
   * afterwards reads the updated pair, with its body.
   */
  @Test
  void V_02_anUpdateThroughAKeptFile_isReadByAnotherInstance() throws Exception {
    Path dir = temp.resolve("kept-update");
    URI uri = URI.create("http://example.com/kept-update");
    StoredPair p = versioned(uri, UUID.randomUUID(), 1, 1000);
    try (FileStorage a = FileStorage.newBuilder(dir).durable(false).build()) {
      StorageContract.store(a, p, StorageContract.bytes(1000, 1));
      a.flush();
      assertThat(StorageContract.readChunks(a, p)).contains(StorageContract.bytes(1000, 1));
      StoredPair once = withHeader(p, "X-Updated", "1");
      StoredPair twice = withHeader(p, "X-Updated", "2");
      assertThat(a.update(once)).isTrue();
      assertThat(a.update(twice)).isTrue();
      a.flush();
      try (FileStorage c = FileStorage.newBuilder(dir).durable(false).build()) {
        assertThat(c.find(p.key())).containsExactly(twice);
        assertThat(StorageContract.readChunks(c, twice)).contains(StorageContract.bytes(1000, 1));
      }
    }
  }

  /**
   * Waits until the key's shard directory's last change is older than its timestamp granularity (a
   * tick of the clock, or two seconds where times are whole seconds), so that a view read now
   * notices any later change.
   */
  private static void quiet(Path root, CacheKey key) throws Exception {
    Path keyDir =
        root.resolve(
            dev.cachet.storage.internal.Layout.shardName(
                dev.cachet.storage.internal.Layout.keyHash(key)));
    long nanos =
        java.nio.file.Files.getLastModifiedTime(keyDir)
            .to(java.util.concurrent.TimeUnit.NANOSECONDS);
    Thread.sleep(nanos % 1_000_000_000L == 0 ? 3100 : 150);
  }

  private static StoredPair withHeader(StoredPair p, String name, String value) {
    return p.withResponse(
        p.response().withHeaders(p.response().headers().with(name, value)),
        p.requestTime().plusSeconds(1),
        p.responseTime().plusSeconds(1));
  }

  /** Reads every pair under a key; each body must be the one its headers describe. */
  private static long checkAll(Storage s, CacheKey key) throws Exception {
    long checked = 0;
    for (StoredPair p : s.find(key)) {
      Headers h = p.response().headers();
      long seed =
          Long.parseLong(h.firstValue("X-Seed").orElseGet(() -> h.firstValue("X-Seq").get()));
      int length = Integer.parseInt(h.firstValue("X-Length").get());
      Optional<byte[]> body = StorageContract.readChunks(s, p);
      if (body.isPresent()) {
        assertThat(body.get()).as("body of %s", p).isEqualTo(StorageContract.bytes(length, seed));
        checked++;
      }
    }
    return checked;
  }

  private static StoredPair versioned(URI uri, UUID id, long seq, int length) {
    Instant t = Instant.ofEpochSecond(1_700_000_000L, seq % 1_000_000_000L);
    return new StoredPair(
        id,
        CacheKey.of(uri),
        Request.get(uri),
        Response.of(
            200, Headers.of("X-Seq", Long.toString(seq), "X-Length", Integer.toString(length))),
        t,
        t);
  }
}
