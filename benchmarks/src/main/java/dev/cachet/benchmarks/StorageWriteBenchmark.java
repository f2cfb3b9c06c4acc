package dev.cachet.benchmarks;

import dev.cachet.core.CacheKey;
import dev.cachet.core.Headers;
import dev.cachet.core.Request;
import dev.cachet.core.Response;
import dev.cachet.core.StoredPair;
import dev.cachet.storage.BodyWriter;
import dev.cachet.storage.FileStorage;
import dev.cachet.storage.MemoryStorage;
import dev.cachet.storage.Storage;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A storage alone, without HTTP: one operation is {@code pairs} (10,000) stores of new pairs under
 * distinct keys ({@code newWriter}, one 1 KiB {@code write}, {@code commit}) into an empty storage,
 * what a cache does on each miss (RFC 9111 §3), and then, for a {@link FileStorage}, {@code
 * flush()}, so that work its write-behind thread does is timed too. Every iteration starts with a
 * new, empty storage, made outside the timed operation; the score is the time for the whole batch.
 * {@code file} is a {@link FileStorage} as a user gets it by default (durable, write-behind),
 * {@code file-nosync} one with {@code durable(false)}; the {@code -direct} variants turn
 * write-behind off ({@code writeBehindBytes(0)}), so every commit is carried out by its caller.
 *
 * <p>Teardown proves the last pair was stored with its body.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 1)
@Measurement(iterations = 3)
@Threads(1)
public class StorageWriteBenchmark {
  static final int BODY_BYTES = 1024;

  @Param({"memory", "file", "file-nosync", "file-direct", "file-nosync-direct"})
  public String storage;

  /** Stores per operation; {@code smoke.sh} passes fewer. */
  @Param("10000")
  public int pairs;

  private final byte[] body = new byte[BODY_BYTES];
  private int iteration;
  private Path dir;
  private Storage store;
  private StoredPair last;

  @Setup(Level.Iteration)
  public void emptyStorage() throws IOException {
    Arrays.fill(body, (byte) 'x');
    dir = Dirs.create();
    store =
        switch (storage) {
          case "memory" -> MemoryStorage.newBuilder().maximumBytes(1L << 30).build();
          case "file" -> FileStorage.newBuilder(dir).maximumBytes(1L << 30).build();
          case "file-nosync" ->
              FileStorage.newBuilder(dir).maximumBytes(1L << 30).durable(false).build();
          case "file-direct" ->
              FileStorage.newBuilder(dir).maximumBytes(1L << 30).writeBehindBytes(0).build();
          case "file-nosync-direct" ->
              FileStorage.newBuilder(dir)
                  .maximumBytes(1L << 30)
                  .durable(false)
                  .writeBehindBytes(0)
                  .build();
          default -> throw new IllegalArgumentException("unknown storage " + storage);
        };
    iteration++;
  }

  @TearDown(Level.Iteration)
  public void checkAndDrop() throws IOException {
    try {
      if (last != null && !store.find(last.key()).contains(last)) {
        throw new IllegalStateException(storage + " did not store " + last);
      }
      if (last != null && store.openBody(last).isEmpty()) {
        throw new IllegalStateException(storage + " has no body for " + last);
      }
    } finally {
      store.close();
      Dirs.delete(dir);
    }
  }

  @Benchmark
  public StoredPair storeBatch() throws IOException {
    for (int i = 0; i < pairs; i++) {
      last = store(i);
    }
    if (store instanceof FileStorage file) {
      file.flush();
    }
    return last;
  }

  private StoredPair store(int i) throws IOException {
    URI uri = URI.create("http://127.0.0.1/store/i" + iteration + "-" + i);
    Instant now = Instant.now();
    StoredPair pair =
        new StoredPair(
            UUID.randomUUID(),
            CacheKey.of(uri),
            Request.get(uri),
            Response.of(
                200,
                Headers.of(
                    "Content-Type", "application/octet-stream",
                    "Content-Length", Integer.toString(BODY_BYTES),
                    "Cache-Control", "max-age=3600")),
            now,
            now);
    try (BodyWriter w = store.newWriter(pair)) {
      w.write(ByteBuffer.wrap(body));
      w.commit();
    }
    return pair;
  }
}
