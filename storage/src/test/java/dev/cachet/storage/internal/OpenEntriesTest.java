package dev.cachet.storage.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cachet.core.CacheKey;
import dev.cachet.core.Headers;
import dev.cachet.core.Request;
import dev.cachet.core.Response;
import dev.cachet.core.StoredPair;
import java.io.IOException;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The entry files kept open: bounded, one commit each, closed when the last holder lets go. */
class OpenEntriesTest {
  @TempDir Path dir;

  private static Metadata commit(long generation) {
    URI uri = URI.create("http://example.com/a");
    StoredPair pair =
        new StoredPair(
            new UUID(1, 2),
            CacheKey.of(uri),
            Request.get(uri),
            Response.of(200, Headers.of("Cache-Control", "max-age=60")),
            Instant.EPOCH,
            Instant.EPOCH);
    return new Metadata(pair, generation, 48, 3, 7);
  }

  private SharedChannel opened(String name) throws IOException {
    Path f = dir.resolve(name);
    Files.write(f, new byte[] {1, 2, 3});
    return new SharedChannel(FileChannel.open(f, StandardOpenOption.READ));
  }

  @Test
  void atMostTheCapacityIsKept_theLeastRecentlyUsedClosedFirst_unlessABodyStillReadsIt()
      throws IOException {
    OpenEntries open = new OpenEntries(2);
    SharedChannel a = opened("a");
    SharedChannel b = opened("b");
    SharedChannel c = opened("c");
    open.keep(dir.resolve("a"), commit(1), a);
    open.keep(dir.resolve("b"), commit(1), b);
    a.release(); // the openers are done with a and b; c's opener still reads it
    b.release();
    assertThat(open.acquire(dir.resolve("a"), commit(1))).isSameAs(a); // a is now the most recent
    open.keep(dir.resolve("c"), commit(1), c);

    assertThat(open.size()).isEqualTo(2);
    assertThat(b.channel().isOpen()).as("b, least recently used, closed").isFalse();
    assertThat(open.acquire(dir.resolve("b"), commit(1))).isNull();
    open.clear();
    assertThat(a.channel().isOpen()).as("a is still read by the acquirer").isTrue();
    assertThat(c.channel().isOpen()).as("c is still read by its opener").isTrue();
    a.release();
    c.release();
    assertThat(a.channel().isOpen()).isFalse();
    assertThat(c.channel().isOpen()).isFalse();
  }

  @Test
  void aFileIsServedOnlyForTheCommitItHolds_andForgettingItLetsGo() throws IOException {
    OpenEntries open = new OpenEntries(4);
    SharedChannel a = opened("a");
    open.keep(dir.resolve("a"), commit(1), a);
    a.release();

    assertThat(open.acquire(dir.resolve("a"), commit(2))).as("another commit").isNull();
    assertThat(a.channel().isOpen()).as("a file of another commit is let go of").isFalse();
    assertThat(open.size()).isZero();

    SharedChannel b = opened("b");
    open.keep(dir.resolve("b"), commit(1), b);
    b.release();
    open.forget(dir.resolve("b"));
    assertThat(b.channel().isOpen()).isFalse();
    assertThat(b.retain()).as("a closed file is never handed out").isFalse();
  }
}
