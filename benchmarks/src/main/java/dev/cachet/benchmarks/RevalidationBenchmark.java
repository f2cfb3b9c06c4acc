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
 * Revalidation answered by 304 (RFC 9111 §4.3): 1,000 URLs stored with {@code max-age=0} and an
 * {@code ETag}, so every request is a conditional request, the origin answers 304 Not Modified, the
 * cache updates the stored headers (§4.3.4) and serves the stored 1 KiB body.
 *
 * <p>{@code httpclient-nocache} makes a plain GET of the same URLs and gets the 200 with the body:
 * the cost a cache is measured against. The floor has no revalidation and is not run here. Setup
 * proves each cache revalidates (the origin sends 304s and no 200s) before timing.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Threads(1)
public class RevalidationBenchmark {
  static final int BODY_BYTES = 1024;

  @Param({
    Contenders.CACHET_MEMORY,
    Contenders.CACHET_FILE,
    Contenders.APACHE_MEMORY,
    Contenders.APACHE_FILE,
    Contenders.METHANOL_MEMORY,
    Contenders.METHANOL_DISK,
    Contenders.OKHTTP_DISK,
    Contenders.HTTPCLIENT_NOCACHE
  })
  public String contender;

  /** How many URLs are stored and read in turn (smaller only in the CI smoke run). */
  @Param({"1000"})
  public int urls;

  private Origin origin;
  private Path dir;
  private Contender client;
  private int next;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    origin = Origin.start();
    dir = Dirs.create();
    client = Contender.open(contender, origin.uris("revalidate", BODY_BYTES, "u", urls), dir);
    Checks.fill(client, urls, BODY_BYTES, contender);
    Checks.OriginCounts before = Checks.OriginCounts.of(origin);
    for (int i = 0; i < urls; i++) {
      Checks.body(client.get(i), BODY_BYTES, contender);
    }
    Checks.revalidated(origin, before, client, urls, contender);
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

  @Benchmark
  public byte[] revalidate() throws Exception {
    int i = next;
    next = i + 1 == urls ? 0 : i + 1;
    return client.get(i);
  }
}
