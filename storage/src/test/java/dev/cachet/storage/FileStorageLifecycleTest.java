package dev.cachet.storage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cachet.core.CacheKey;
import dev.cachet.core.Headers;
import dev.cachet.core.Request;
import dev.cachet.core.Response;
import dev.cachet.core.StoredPair;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A program that stores through the write-behind and ends without closing the storage keeps what it
 * stored: commits do not depend on a background thread outliving the JVM.
 */
class FileStorageLifecycleTest {
  @TempDir Path temp;

  static StoredPair pair(int i) {
    URI uri = URI.create("http://example.com/exit/" + i);
    Instant t = Instant.parse("2026-01-02T03:04:05Z");
    return new StoredPair(
        new UUID(0xE417L, i),
        CacheKey.of(uri),
        Request.get(uri),
        Response.of(200, Headers.of("Cache-Control", "max-age=60")),
        t,
        t);
  }

  @Test
  void mainReturnsWithoutClosing_theEntriesAreCommittedForTheNextRun() throws Exception {
    Path dir = temp.resolve("store");
    int n = 20;
    Process child =
        ChildJvm.builder(ExitWithoutCloseMain.class, List.of("-Xmx64m"), dir.toString(), "" + n)
            .start();
    String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(child.exitValue()).as(out).isZero();
    assertThat(out).contains("stored " + n);

    try (FileStorage s = FileStorage.newBuilder(dir).build()) {
      for (int i = 0; i < n; i++) {
        assertThat(s.find(pair(i).key())).as("entry %d", i).containsExactly(pair(i));
        assertThat(StorageContract.readChunks(s, pair(i)))
            .as("body %d", i)
            .contains(StorageContract.bytes(1024, i));
      }
    }
  }
}
