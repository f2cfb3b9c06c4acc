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
 * A storage alone, without HTTP: one batch is 10,000 stores of new pairs under distinct keys
 * ({@code newWriter}, one 1 KiB {@code write}, {@code commit}) into an empty storage, what a cache
 * does on each miss (RFC 9111 §3). Every iteration starts with a new, empty storage, made outside
 * the timed batch; the score is the time for the whole batch. {@code file} is a {@link FileStorage}
 * as a user gets it by default (durable), {@code file-nosync} one with {@code durable(false)}.
 *
 * <p>Teardown proves the last pair was stored with its body.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 1, batchSize = StorageWriteBenchmark.PAIRS)
@Measurement(iterations = 3, batchSize = StorageWriteBenchmark.PAIRS)
@Threads(1)
public class StorageWriteBenchmark {
  static final int PAIRS = 10_000;
  static final int BODY_BYTES = 1024;

  @Param({"memory", "file", "file-nosync"})
  public String storage;

  private final byte[] body = new byte[BODY_BYTES];
  private int iteration;
  private Path dir;
  private Storage store;
  private StoredPair last;
  private int next;

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
          default -> throw new IllegalArgumentException("unknown storage " + storage);
        };
    iteration++;
    next = 0;
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
  public StoredPair store() throws IOException {
    URI uri = URI.create("http://127.0.0.1/store/i" + iteration + "-" + next++);
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
    last = pair;
    return pair;
  }
}
