package dev.cachet.storage.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cachet.core.StoredPair;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a durable store forces to the disk: the shard's names after a commit that replaced an entry
 * and after a removal, so that neither is undone by a power cut (an invalidated entry, RFC 9111
 * §4.4, never comes back); never a new entry's name, which without its data (never forced) would
 * keep nothing a cache can use. Counted by {@link FileStore#forcedDirectories()}.
 */
class DurableNamesTest {
  @TempDir Path root;

  private static FileStore.Settings settings(boolean durable) {
    return new FileStore.Settings(
        1 << 20, durable, 4096, true, Duration.ofSeconds(10), 16, 1 << 20);
  }

  private static StoredPair pair(String uri, UUID id, String etag) {
    return Pairs.of(uri, id, "Cache-Control", "max-age=60", "ETag", etag);
  }

  @Test
  void aNewEntry_isNotForced_aReplacementAndARemovalAre() throws IOException {
    try (FileStore store = FileStore.open(root, settings(true))) {
      StoredPair a = pair("http://example.com/a", new UUID(1, 1), "\"1\"");
      Pairs.store(store, a);
      Pairs.store(store, pair("http://example.com/b", new UUID(2, 2), "\"1\""));
      assertThat(store.forcedDirectories()).as("two new names").isZero();

      StoredPair replacing = pair("http://example.com/a", a.id(), "\"2\"");
      Pairs.store(store, replacing);
      assertThat(store.forcedDirectories()).as("a replacement").isEqualTo(1);
      assertThat(store.find(a.key())).containsExactly(replacing);

      store.remove(a.key(), Set.of(a.id()));
      assertThat(store.forcedDirectories()).as("and a removal").isEqualTo(2);
    }
  }

  @Test
  void aBatchWrittenBehind_forcesOnlyTheShardsItReplacedEntriesIn() throws IOException {
    FileStore store = FileStore.open(root, settings(true));
    try (WriteBehind s = new WriteBehind(store, 4096, 1 << 20)) {
      for (int i = 0; i < 50; i++) {
        Pairs.store(s, pair("http://example.com/new/" + i, new UUID(3, i), "\"1\""));
      }
      s.settleAll();
      assertThat(store.forcedDirectories()).as("fifty new names").isZero();

      StoredPair first = pair("http://example.com/new/0", new UUID(3, 0), "\"2\"");
      StoredPair second = pair("http://example.com/new/1", new UUID(3, 1), "\"2\"");
      Pairs.store(s, first);
      Pairs.store(s, second);
      s.settleAll();
      int shards =
          Layout.shardOf(Layout.keyHash(first.key()))
                  == Layout.shardOf(Layout.keyHash(second.key()))
              ? 1
              : 2;
      assertThat(store.forcedDirectories())
          .as("each shard a replacement renamed into, once for the batch")
          .isEqualTo(shards);
    }
  }

  /** A name another instance's commit took, unknown to this one, is a replacement too. */
  @Test
  void replacingAnEntryAnotherInstanceStored_isForced() throws IOException {
    StoredPair theirs = pair("http://example.com/shared", new UUID(4, 4), "\"1\"");
    try (FileStore other = FileStore.open(root, settings(true));
        FileStore store = FileStore.open(root, settings(true))) {
      Pairs.store(other, theirs);
      Pairs.store(store, pair("http://example.com/shared", theirs.id(), "\"2\""));
      assertThat(store.forcedDirectories()).isEqualTo(1);
      assertThat(other.forcedDirectories()).as("its own commit was new").isZero();
    }
  }

  @Test
  void notDurable_forcesNothing() throws IOException {
    try (FileStore store = FileStore.open(root, settings(false))) {
      StoredPair a = pair("http://example.com/a", new UUID(1, 1), "\"1\"");
      Pairs.store(store, a);
      Pairs.store(store, pair("http://example.com/a", a.id(), "\"2\""));
      store.remove(a.key(), Set.of(a.id()));
      assertThat(store.forcedDirectories()).isZero();
    }
  }
}
