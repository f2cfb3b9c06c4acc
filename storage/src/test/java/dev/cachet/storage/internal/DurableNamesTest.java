package dev.cachet.storage.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cachet.core.CacheKey;
import dev.cachet.core.StoredPair;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

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

  /** The first URI {@code prefix + i} whose key falls in the same shard as {@code key}. */
  private static String uriInTheShardOf(CacheKey key, String prefix) {
    int shard = Layout.shardOf(Layout.keyHash(key));
    for (int i = 0; ; i++) {
      String uri = prefix + i;
      if (Layout.shardOf(Layout.keyHash(CacheKey.of(URI.create(uri)))) == shard) {
        return uri;
      }
    }
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
  void aBatchWrittenBehind_forcesEachShardItReplacedEntriesIn_once() throws IOException {
    FileStore store = FileStore.open(root, settings(true));
    try (WriteBehind s = new WriteBehind(store, 4096, 1 << 20)) {
      StoredPair first = pair("http://example.com/first", new UUID(3, 0), "\"1\"");
      StoredPair second =
          pair(uriInTheShardOf(first.key(), "http://example.com/new/"), new UUID(3, 1), "\"1\"");
      for (int i = 0; i < 50; i++) {
        Pairs.store(s, pair("http://example.com/more/" + i, new UUID(5, i), "\"1\""));
      }
      Pairs.store(s, first);
      Pairs.store(s, second);
      s.settleAll();
      assertThat(store.forcedDirectories()).as("fifty-two new names").isZero();

      Pairs.store(s, pair(first.request().uri().toString(), first.id(), "\"2\""));
      Pairs.store(s, pair(second.request().uri().toString(), second.id(), "\"2\""));
      s.settleAll();
      assertThat(store.forcedDirectories())
          .as("two replacements in one shard, one batch: the shard forced once")
          .isEqualTo(1);
    }
  }

  /**
   * A name another instance's commit took, unknown to this one's index, is a replacement too:
   * looked up on the disk, or found in the shard's view once this instance listed it.
   */
  @ParameterizedTest(name = "shard listed first: {0}")
  @ValueSource(booleans = {false, true})
  void replacingAnEntryAnotherInstanceStored_isForced(boolean listed) throws IOException {
    StoredPair theirs = pair("http://example.com/shared", new UUID(4, 4), "\"1\"");
    try (FileStore other = FileStore.open(root, settings(true));
        FileStore store = FileStore.open(root, settings(true))) {
      Pairs.store(other, theirs);
      if (listed) {
        // Another key of the same shard: the listing names their entry, which is not read.
        String neighbour = uriInTheShardOf(theirs.key(), "http://example.com/neighbour/");
        assertThat(store.find(CacheKey.of(URI.create(neighbour)))).isEmpty();
      }
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
