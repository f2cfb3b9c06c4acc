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
    OpenEntries open = new OpenEntries(2, 0);
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
    OpenEntries open = new OpenEntries(4, 0);
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

  @Test
  void aHeldBody_isServedOnlyForItsCommit_andGoesWithItsFile() throws IOException {
    OpenEntries open = new OpenEntries(4, 1 << 20);
    Path a = dir.resolve("a");
    byte[] body = {1, 2, 3};
    open.holdBody(a, commit(1), body);
    assertThat(open.body(a, commit(1))).as("no file kept: nothing held").isNull();

    SharedChannel ch = opened("a");
    open.keep(a, commit(1), ch);
    ch.release();
    open.holdBody(a, commit(2), body);
    assertThat(open.body(a, commit(1))).as("held for another commit: not held").isNull();
    open.holdBody(a, commit(1), body);
    assertThat(open.body(a, commit(1))).isSameAs(body);
    assertThat(open.body(a, commit(2))).as("another commit").isNull();

    assertThat(open.heldBytes()).isEqualTo(3);
    open.forget(a);
    assertThat(open.body(a, commit(1))).as("let go of with its file").isNull();
    assertThat(open.heldBytes()).isZero();

    SharedChannel again = opened("a");
    open.keep(a, commit(1), again);
    again.release();
    assertThat(open.body(a, commit(1))).as("a file kept anew holds nothing yet").isNull();
    open.holdBody(a, commit(1), body);
    SharedChannel replaced = opened("a2");
    open.keep(a, commit(3), replaced);
    replaced.release();
    assertThat(open.body(a, commit(1))).as("its file replaced by another commit's").isNull();
    assertThat(open.body(a, commit(3))).isNull();
    assertThat(open.heldBytes()).isZero();
  }

  @Test
  void aFileClosedAsTheLeastRecentlyUsed_takesItsHeldBodyWithIt() throws IOException {
    OpenEntries open = new OpenEntries(2, 1 << 20);
    for (String name : new String[] {"a", "b", "c"}) {
      SharedChannel ch = opened(name);
      open.keep(dir.resolve(name), commit(1), ch);
      ch.release();
      open.holdBody(dir.resolve(name), commit(1), new byte[] {1, 2, 3, 4});
    }
    assertThat(open.body(dir.resolve("a"), commit(1))).as("a's file was closed").isNull();
    assertThat(open.heldBytes()).as("b's and c's bodies").isEqualTo(8);
    open.clear();
    assertThat(open.heldBytes()).isZero();
  }

  @Test
  void heldBodies_stayWithinTheirBudget_theLeastRecentlyUsedLetGoOfFirst_theirFilesKept()
      throws IOException {
    OpenEntries open = new OpenEntries(8, 8);
    for (String name : new String[] {"a", "b", "c"}) {
      SharedChannel ch = opened(name);
      open.keep(dir.resolve(name), commit(1), ch);
      ch.release();
    }
    byte[] a = {1, 1, 1, 1};
    byte[] b = {2, 2, 2, 2};
    byte[] c = {3, 3, 3, 3};
    open.holdBody(dir.resolve("a"), commit(1), a);
    open.holdBody(dir.resolve("b"), commit(1), b);
    assertThat(open.body(dir.resolve("a"), commit(1))).isSameAs(a); // a is now the most recent
    open.holdBody(dir.resolve("c"), commit(1), c);

    assertThat(open.body(dir.resolve("b"), commit(1))).as("b, least recently used").isNull();
    assertThat(open.body(dir.resolve("a"), commit(1))).isSameAs(a);
    assertThat(open.body(dir.resolve("c"), commit(1))).isSameAs(c);
    assertThat(open.heldBytes()).isEqualTo(8);
    assertThat(open.size()).as("every file is still kept").isEqualTo(3);
    SharedChannel bFile = open.acquire(dir.resolve("b"), commit(1));
    assertThat(bFile).isNotNull();
    bFile.release();
    open.forget(dir.resolve("a"));
    open.holdBody(dir.resolve("b"), commit(1), b);
    assertThat(open.body(dir.resolve("b"), commit(1))).as("room again once a went").isSameAs(b);
    assertThat(open.body(dir.resolve("c"), commit(1))).isSameAs(c);
  }

  @Test
  void aBodyLargerThanTheLimit_orBeyondANoughtBudget_isNeverHeld() throws IOException {
    OpenEntries open = new OpenEntries(4, 1 << 20);
    OpenEntries none = new OpenEntries(4, 0);
    for (OpenEntries o : new OpenEntries[] {open, none}) {
      SharedChannel ch = opened("a");
      o.keep(dir.resolve("a"), commit(1), ch);
      ch.release();
    }
    open.holdBody(dir.resolve("a"), commit(1), new byte[OpenEntries.BODY_BYTES + 1]);
    none.holdBody(dir.resolve("a"), commit(1), new byte[1]);
    assertThat(open.body(dir.resolve("a"), commit(1))).isNull();
    assertThat(none.body(dir.resolve("a"), commit(1))).isNull();
    byte[] largest = new byte[OpenEntries.BODY_BYTES];
    open.holdBody(dir.resolve("a"), commit(1), largest);
    assertThat(open.body(dir.resolve("a"), commit(1))).isSameAs(largest);
    open.clear();
    none.clear();
  }
}
