package dev.cachet.storage.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A 100 MiB body streams into Redis and back out in a JVM whose heap is capped at 64 MiB: neither
 * the writer nor the reader holds the body whole. A forked JVM, so the cap is real.
 */
class LargeBodyTest {
  @RegisterExtension static final RedisServerExtension REDIS = new RedisServerExtension();

  @Test
  void body100MiB_streamsBothWays_inA64MiBHeap() throws Exception {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process child =
        new ProcessBuilder(
                List.of(
                    java.toString(),
                    "-Xmx64m",
                    "-cp",
                    System.getProperty("java.class.path"),
                    LargeBodyProcess.class.getName(),
                    REDIS.server().uri().toString(),
                    "100"))
            .redirectErrorStream(true)
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .start();
    byte[] output = child.getInputStream().readAllBytes();
    assertThat(child.waitFor(2, TimeUnit.MINUTES)).isTrue();
    String out = new String(output, StandardCharsets.UTF_8);
    assertThat(child.exitValue()).as(out).isZero();
    String last = out.lines().filter(l -> l.startsWith("OK ")).findFirst().orElse("");
    assertThat(last).as(out).startsWith("OK " + (100L << 20) + " ");
    System.out.println("child: " + last + " (bytes, crc, peak heap bytes)");
    long peakHeap = Long.parseLong(last.substring(last.lastIndexOf(' ') + 1));
    assertThat(peakHeap).isLessThan(64L << 20);
  }
}
