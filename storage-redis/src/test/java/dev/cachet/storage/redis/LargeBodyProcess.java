package dev.cachet.storage.redis;

import dev.cachet.core.CacheKey;
import dev.cachet.core.Headers;
import dev.cachet.core.Request;
import dev.cachet.core.Response;
import dev.cachet.core.StoredPair;
import dev.cachet.storage.BodyWriter;
import dev.cachet.storage.StoredBody;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.zip.CRC32;

/**
 * The child JVM of {@link LargeBodyTest}: stores a large body in Redis and reads it back, both in
 * chunks, checking the bytes by CRC, then prints {@code OK <bytes> <crc> <peak heap>}. Run with a
 * heap far smaller than the body, it proves neither direction holds the body whole.
 *
 * <p>Arguments: the Redis URI and the body's size in MiB.
 */
public final class LargeBodyProcess {
  private LargeBodyProcess() {}

  public static void main(String[] args) throws Exception {
    URI redis = URI.create(args[0]);
    long size = Long.parseLong(args[1]) << 20;
    URI uri = URI.create("http://example.test/large");
    Instant t = Instant.now();
    StoredPair pair =
        new StoredPair(
            UUID.randomUUID(),
            CacheKey.of(uri),
            Request.get(uri),
            Response.of(200, Headers.of("Cache-Control", "max-age=60")),
            t,
            t);
    try (RedisStorage storage =
        RedisStorage.newBuilder(redis).commandTimeout(java.time.Duration.ofSeconds(30)).build()) {
      CRC32 written = new CRC32();
      byte[] chunk = new byte[64 * 1024];
      long x = 0x9E3779B97F4A7C15L;
      try (BodyWriter w = storage.newWriter(pair)) {
        for (long sent = 0; sent < size; sent += chunk.length) {
          for (int i = 0; i < chunk.length; i++) {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
            chunk[i] = (byte) x;
          }
          written.update(chunk);
          w.write(ByteBuffer.wrap(chunk));
        }
        w.commit();
      }
      CRC32 read = new CRC32();
      long bytes = 0;
      try (StoredBody body = storage.openBody(pair).orElseThrow()) {
        if (body.length() != size) {
          throw new AssertionError("length " + body.length() + " != " + size);
        }
        for (Optional<ByteBuffer> c = body.nextChunk(); c.isPresent(); c = body.nextChunk()) {
          bytes += c.get().remaining();
          read.update(c.get());
        }
      }
      if (bytes != size || read.getValue() != written.getValue()) {
        throw new AssertionError("read " + bytes + " bytes, crc " + read.getValue());
      }
      long peak = 0;
      for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
        if (pool.getType() == MemoryType.HEAP) {
          peak += pool.getPeakUsage().getUsed();
        }
      }
      storage.clear();
      System.out.println("OK " + bytes + " " + read.getValue() + " " + peak);
    }
  }
}
