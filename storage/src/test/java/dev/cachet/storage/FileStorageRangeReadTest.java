package dev.cachet.storage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cachet.core.CacheKey;
import dev.cachet.core.Headers;
import dev.cachet.core.Request;
import dev.cachet.core.Response;
import dev.cachet.core.StoredPair;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A range of a stored body is read from its position in the body file (RFC 9110 §14): the last KiB
 * of a 100 MiB body costs about a KiB of reading, not 100 MiB. Measured by the bytes this process
 * read ({@code rchar} of {@code /proc/self/io}, Linux); skipped where that is not available.
 */
class FileStorageRangeReadTest {
  static final long LENGTH = 100L << 20;
  static final int KIB = 1024;

  @TempDir Path temp;

  @Test
  void P_01_theLastKibOfA100MibBody_readsAboutAKib() throws IOException {
    Path io = Path.of("/proc/self/io");
    Assumptions.assumeTrue(Files.isReadable(io), "needs /proc/self/io");
    try (FileStorage s =
        FileStorage.newBuilder(temp.resolve("store"))
            .maximumBytes(4 * LENGTH)
            .durable(false)
            .writeBehindBytes(0)
            .build()) {
      StoredPair pair = pair("http://example.com/huge");
      try (BodyWriter w = s.newWriter(pair)) {
        byte[] chunk = new byte[1 << 20];
        for (long written = 0; written < LENGTH; written += chunk.length) {
          // Each MiB begins with its index, so a read from the wrong place shows.
          ByteBuffer.wrap(chunk).putLong(written);
          w.write(ByteBuffer.wrap(chunk));
        }
        w.commit();
      }
      // One range read first, so that what it loads (classes) is not counted below.
      readRange(s, pair, 0, 8);

      long before = bytesRead(io);
      byte[] last = readRange(s, pair, LENGTH - KIB, KIB);
      long read = bytesRead(io) - before;

      assertThat(last).hasSize(KIB);
      assertThat(read).as("bytes read for a 1 KiB range").isLessThan(64L * KIB);
      assertThat(readRange(s, pair, LENGTH - (1 << 20), 8))
          .isEqualTo(ByteBuffer.allocate(8).putLong(LENGTH - (1 << 20)).array());
    }
  }

  private static byte[] readRange(Storage s, StoredPair pair, long offset, int length)
      throws IOException {
    try (StoredBody body = s.openBody(pair, offset, length).orElseThrow()) {
      ByteBuffer out = ByteBuffer.allocate(length);
      for (Optional<ByteBuffer> c = body.nextChunk(); c.isPresent(); c = body.nextChunk()) {
        out.put(c.get());
      }
      return out.array();
    }
  }

  /** The bytes this process has read through system calls so far. */
  private static long bytesRead(Path io) throws IOException {
    for (String line : Files.readAllLines(io)) {
      if (line.startsWith("rchar:")) {
        return Long.parseLong(line.substring(6).trim());
      }
    }
    throw new IOException("no rchar in " + io);
  }

  private static StoredPair pair(String uri) {
    URI u = URI.create(uri);
    Instant t = Instant.parse("2026-01-02T03:04:05Z");
    return new StoredPair(
        UUID.randomUUID(),
        CacheKey.of(u),
        new Request("GET", u, Headers.empty()),
        Response.of(200, Headers.of("Content-Length", Long.toString(LENGTH))),
        t,
        t);
  }
}
