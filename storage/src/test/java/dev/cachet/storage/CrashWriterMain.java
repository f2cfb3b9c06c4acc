package dev.cachet.storage;

import dev.cachet.core.CacheKey;
import dev.cachet.core.Headers;
import dev.cachet.core.Request;
import dev.cachet.core.Response;
import dev.cachet.core.StoredPair;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.UUID;

/**
 * The child of {@link FileStorageCrashTest}: writes, replaces, updates and removes entries in a
 * file storage without end, until it is killed. Each pair carries the seed and length of its body
 * in its headers, so a survivor can check every body byte for byte.
 *
 * <p>Arguments: the directory, a random seed, and {@code durable} or {@code fast}. It prints {@code
 * ready} when its first operation is done.
 */
public final class CrashWriterMain {
  static final int KEYS = 16;
  static final int IDS_PER_KEY = 2;
  static final long MAXIMUM_BYTES = 24L << 20;

  private CrashWriterMain() {}

  /** Writes until killed. */
  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    Random random = new Random(Long.parseLong(args[1]));
    boolean durable = args[2].equals("durable");
    try (Storage storage =
        FileStorage.newBuilder(dir)
            .maximumBytes(MAXIMUM_BYTES)
            .durable(durable)
            .verifyChecksumsOnOpen(false)
            .build()) {
      for (long n = 0; ; n++) {
        if (n == 1) {
          // Warmed up: one operation done, so the parent's random delay lands amid real work.
          System.out.println("ready");
          System.out.flush();
        }
        int k = random.nextInt(KEYS);
        UUID id = id(k, random.nextInt(IDS_PER_KEY));
        int op = random.nextInt(100);
        if (op < 85) {
          // One write in eight is large: 1 to 4 MiB.
          int length =
              random.nextInt(8) == 0
                  ? (1 << 20) + random.nextInt(3 << 20)
                  : random.nextInt(64 * 1024);
          long seed = random.nextLong();
          StoredPair pair = pair(k, id, seed, length, "stored");
          try (BodyWriter w = storage.newWriter(pair)) {
            byte[] body = StorageContract.bytes(length, seed);
            for (int i = 0; i < length; i += 8192) {
              w.write(ByteBuffer.wrap(body, i, Math.min(8192, length - i)));
            }
            w.commit();
          }
        } else if (op < 93) {
          for (StoredPair p : storage.find(key(k))) {
            storage.update(
                p.withResponse(
                    p.response().withHeaders(p.response().headers().with("X-Op", "updated")),
                    p.requestTime(),
                    p.responseTime()));
          }
        } else if (op < 98) {
          storage.remove(key(k), List.of(id));
        } else {
          storage.removeAll(key(k));
        }
      }
    }
  }

  static URI uri(int k) {
    return URI.create("http://crash.test/entry/" + k);
  }

  static CacheKey key(int k) {
    return CacheKey.of(uri(k));
  }

  static UUID id(int k, int n) {
    return new UUID(0xCAC4E7L, k * 16L + n);
  }

  private static StoredPair pair(int k, UUID id, long seed, int length, String op) {
    Instant now = Instant.now();
    return new StoredPair(
        id,
        key(k),
        Request.get(uri(k)),
        Response.of(
            200,
            Headers.of(
                "X-Seed", Long.toString(seed), "X-Length", Integer.toString(length), "X-Op", op)),
        now,
        now);
  }
}
