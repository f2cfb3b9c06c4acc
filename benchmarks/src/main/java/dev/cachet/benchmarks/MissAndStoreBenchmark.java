package dev.cachet.benchmarks;

import java.io.IOException;
import java.nio.file.Path;
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
 * Miss and store: one batch is 10,000 GETs of distinct URLs into an empty cache, each a miss that
 * goes to the origin and is stored (RFC 9111 §3). Every iteration starts with a new, empty cache
 * (made outside the timed batch); the score is the time for the whole batch.
 *
 * <p>{@code httpclient-nocache} makes the same 10,000 GETs with no cache: the target for a cache is
 * to add little to it. Teardown proves every request reached the origin and that the responses were
 * stored (a sample is read again without the origin being asked).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@Warmup(iterations = 2, batchSize = MissAndStoreBenchmark.URLS)
@Measurement(iterations = 3, batchSize = MissAndStoreBenchmark.URLS)
@Threads(1)
public class MissAndStoreBenchmark {
  static final int URLS = 10_000;
  static final int BODY_BYTES = 1024;
  private static final int SAMPLE = 100;

  @Param({
    Contenders.CACHET_MEMORY,
    Contenders.CACHET_FILE,
    Contenders.CACHET_FILE_NOSYNC,
    Contenders.APACHE_MEMORY,
    Contenders.APACHE_FILE,
    Contenders.METHANOL_MEMORY,
    Contenders.METHANOL_DISK,
    Contenders.OKHTTP_DISK,
    Contenders.HTTPCLIENT_NOCACHE
  })
  public String contender;

  private Origin origin;
  private int iteration;
  private Path dir;
  private Contender client;
  private int next;
  private long responsesBefore;

  @Setup(Level.Trial)
  public void startOrigin() throws IOException {
    origin = Origin.start();
  }

  @TearDown(Level.Trial)
  public void stopOrigin() {
    origin.close();
  }

  @Setup(Level.Iteration)
  public void emptyCache() throws IOException {
    dir = Dirs.create();
    client =
        Contender.open(
            contender, origin.uris("miss", BODY_BYTES, "i" + iteration++ + "-", URLS), dir);
    next = 0;
    responsesBefore = origin.responses();
  }

  @TearDown(Level.Iteration)
  public void checkAndDrop() throws Exception {
    try {
      Checks.missesStored(origin, responsesBefore, client, next, SAMPLE, BODY_BYTES, contender);
    } finally {
      client.close();
      Dirs.delete(dir);
    }
  }

  @Benchmark
  public byte[] missAndStore() throws Exception {
    return client.get(next++);
  }
}
