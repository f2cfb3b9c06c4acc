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
import org.openjdk.jmh.infra.ThreadParams;

/**
 * A fresh hit (RFC 9111 §4.2): 1,000 URLs, each stored once with {@code max-age=3600}, then read
 * over and over in turn. The origin must not be asked again; setup proves it before anything is
 * timed, and fails the trial otherwise.
 *
 * <p>{@code httpclient-nocache} has no cache, so for it every call goes to the origin: it is the
 * cost of the origin itself, for scale. {@code floor-map} is a {@code ConcurrentHashMap} look-up,
 * the least any cache could cost.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
public class FreshHitBenchmark {

  @Param({
    Contenders.CACHET_MEMORY,
    Contenders.CACHET_FILE,
    Contenders.APACHE_MEMORY,
    Contenders.APACHE_FILE,
    Contenders.METHANOL_MEMORY,
    Contenders.METHANOL_DISK,
    Contenders.OKHTTP_DISK,
    Contenders.HTTPCLIENT_NOCACHE,
    Contenders.FLOOR_MAP
  })
  public String contender;

  @Param({"1024", "65536"})
  public int bodyBytes;

  /** How many URLs are stored and read in turn (smaller only in the CI smoke run). */
  @Param({"1000"})
  public int urls;

  private Origin origin;
  private Path dir;
  private Contender client;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    origin = Origin.start();
    dir = Dirs.create();
    client = Contender.open(contender, origin.uris("fresh", bodyBytes, "u", urls), dir);
    Checks.fill(client, urls, bodyBytes, contender);
    if (client.caches()) {
      Checks.servedWithoutOrigin(origin, client, urls, 2, bodyBytes, contender);
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    try {
      client.close();
    } finally {
      origin.close();
      Dirs.delete(dir);
    }
  }

  /** Each thread walks the URLs in turn from its own starting point. */
  @State(Scope.Thread)
  public static class Cursor {
    private int next;
    private int size;

    @Setup(Level.Trial)
    public void setUp(ThreadParams threads, FreshHitBenchmark benchmark) {
      size = benchmark.urls;
      next = threads.getThreadIndex() * (size / threads.getThreadCount());
    }

    int advance() {
      int i = next;
      next = i + 1 == size ? 0 : i + 1;
      return i;
    }
  }

  @Benchmark
  @Threads(1)
  public byte[] oneThread(Cursor cursor) throws Exception {
    return client.get(cursor.advance());
  }

  @Benchmark
  @Threads(2)
  public byte[] twoThreads(Cursor cursor) throws Exception {
    return client.get(cursor.advance());
  }
}
