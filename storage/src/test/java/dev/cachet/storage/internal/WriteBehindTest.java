package dev.cachet.storage.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cachet.core.CacheKey;
import dev.cachet.core.Headers;
import dev.cachet.core.Request;
import dev.cachet.core.Response;
import dev.cachet.core.StoredPair;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The writes a {@link WriteBehind} carries out behind its callers, in batches: commits reach the
 * disk unasked shortly after they are made; of the updates (304 freshenings, RFC 9111 §4.3.4) a
 * later one of a pair replaces one not yet written, and the newest reaches the disk unasked within
 * {@link GroupCommit#UPDATE_DELAY_NANOS}, with a commit queued after it, or at once when someone
 * waits for it.
 */
class WriteBehindTest {
  @TempDir Path root;

  private static final Duration SETTLE_BOUND = Duration.ofSeconds(30);

  private static FileStore.Settings settings() {
    return new FileStore.Settings(1 << 20, false, 4096, true, Duration.ofSeconds(10), 16, 1 << 20);
  }

  private static StoredPair pair(int version) {
    URI uri = URI.create("http://example.com/freshened");
    Instant at = Instant.parse("2026-01-01T00:00:00Z").plusSeconds(version);
    return new StoredPair(
        new UUID(7, 7),
        CacheKey.of(uri),
        Request.get(uri),
        Response.of(200, Headers.of("Cache-Control", "max-age=0", "ETag", "\"" + version + "\"")),
        at,
        at);
  }

  @Test
  void V_02_manyUpdatesOfOnePair_holdOnePendingWrite_andTheNewestReachesTheDisk()
      throws IOException {
    try (WriteBehind s = new WriteBehind(FileStore.open(root, settings()), 4096, 1 << 20)) {
      Pairs.store(s, pair(0));
      s.settleAll();
      for (int i = 1; i <= 1000; i++) {
        assertThat(s.update(pair(i))).isTrue();
        assertThat(s.find(pair(0).key())).containsExactly(pair(i));
      }
      assertThat(s.pendingBytes())
          .as("each update replaced the one before it, unwritten")
          .isLessThanOrEqualTo(2L * PendingWrite.UPDATE_WEIGHT);
      s.settleAll();
      assertThat(s.pendingBytes()).isZero();
      try (FileStore other = FileStore.open(root, settings())) {
        assertThat(other.find(pair(0).key())).containsExactly(pair(1000));
      }
    }
  }

  @Test
  void V_02_anUpdate_reachesTheDiskUnasked_withinTheDelay() throws Exception {
    try (WriteBehind s = new WriteBehind(FileStore.open(root, settings()), 4096, 1 << 20)) {
      Pairs.store(s, pair(0));
      s.settleAll();
      assertThat(s.update(pair(1))).isTrue();
      // Nobody waits for it: it is written once the queue's delay has passed. The bound is far
      // beyond the delay, so that a slow machine does not fail this; how soon is not measured here.
      long deadline = System.nanoTime() + SETTLE_BOUND.toNanos();
      List<StoredPair> onDisk = List.of();
      while (System.nanoTime() < deadline) {
        try (FileStore other = FileStore.open(root, settings())) {
          onDisk = other.find(pair(0).key());
        }
        if (onDisk.equals(List.of(pair(1))) && s.pendingBytes() == 0) {
          break;
        }
        Thread.sleep(100);
      }
      assertThat(onDisk).containsExactly(pair(1));
      assertThat(s.pendingBytes()).isZero();
    }
  }

  @Test
  void commits_reachTheDiskUnasked() throws Exception {
    try (WriteBehind s = new WriteBehind(FileStore.open(root, settings()), 4096, 1 << 20)) {
      List<StoredPair> stored = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        StoredPair p =
            Pairs.of(
                "http://example.com/batch/" + i, new UUID(9, i), "Cache-Control", "max-age=60");
        Pairs.store(s, p);
        stored.add(p);
      }
      // Nobody waits: the batch is written once its delay has passed (a generous bound here).
      long deadline = System.nanoTime() + SETTLE_BOUND.toNanos();
      while (s.pendingBytes() > 0 && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertThat(s.pendingBytes()).isZero();
      try (FileStore disk = FileStore.open(root, settings())) {
        for (StoredPair p : stored) {
          assertThat(disk.find(p.key())).containsExactly(p);
        }
      }
    }
  }

  /**
   * A pair revalidated more often than the delay still reaches the disk unasked: each update takes
   * the place of the one before without putting the queue's due time off.
   */
  @Test
  void V_02_aPairUpdatedMoreOftenThanTheDelay_stillReachesTheDiskUnasked() throws Exception {
    try (WriteBehind s = new WriteBehind(FileStore.open(root, settings()), 4096, 1 << 20)) {
      Pairs.store(s, pair(0));
      s.settleAll();
      long delayMillis = GroupCommit.UPDATE_DELAY_NANOS / 1_000_000;
      int version = 0;
      List<StoredPair> onDisk = List.of(pair(0));
      long deadline = System.nanoTime() + SETTLE_BOUND.toNanos();
      // An update every fifth of the delay, nobody waiting; the disk must move on meanwhile.
      while (onDisk.equals(List.of(pair(0))) && System.nanoTime() < deadline) {
        assertThat(s.update(pair(++version))).isTrue();
        Thread.sleep(delayMillis / 5);
        try (FileStore other = FileStore.open(root, settings())) {
          onDisk = other.find(pair(0).key());
        }
      }
      assertThat(onDisk).hasSize(1);
      assertThat(onDisk.get(0)).isNotEqualTo(pair(0));
    }
  }

  @Test
  void V_02_aCommitJoiningQueuedUpdates_isWrittenWithThem() throws IOException {
    try (WriteBehind s = new WriteBehind(FileStore.open(root, settings()), 4096, 1 << 20)) {
      Pairs.store(s, pair(0));
      s.settleAll();
      assertThat(s.update(pair(1))).isTrue();
      StoredPair other =
          Pairs.of("http://example.com/other", new UUID(8, 8), "Cache-Control", "max-age=60");
      Pairs.store(s, other);
      // Waiting for the commit's key only: the update queued before it goes in the same batch, long
      // before its own delay.
      s.settle(other.key());
      try (FileStore disk = FileStore.open(root, settings())) {
        assertThat(disk.find(other.key())).containsExactly(other);
        assertThat(disk.find(pair(0).key())).containsExactly(pair(1));
      }
      assertThat(s.settleAll(Duration.ofSeconds(30))).isZero();
    }
  }
}
