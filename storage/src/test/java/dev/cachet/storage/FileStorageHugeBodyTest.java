package dev.cachet.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 100 MiB body stored and read back by a child JVM whose heap is capped at 32 MiB: bodies stream
 * through the file storage, never buffered whole.
 */
class FileStorageHugeBodyTest {
  @TempDir Path temp;

  @Test
  void body100MiB_isStoredAndReadBack_withA32MiBHeap() throws Exception {
    Process child =
        ChildJvm.builder(
                HugeBodyMain.class,
                List.of("-Xmx32m", "-XX:+UseSerialGC"),
                temp.resolve("huge").toString())
            .start();
    byte[] output = child.getInputStream().readAllBytes();
    assertThat(child.waitFor(5, TimeUnit.MINUTES)).isTrue();
    String out = new String(output, StandardCharsets.UTF_8);
    assertThat(child.exitValue()).as(out).isZero();
    assertThat(out).startsWith("OK " + HugeBodyMain.LENGTH + " ");
    long maxHeap = Long.parseLong(out.trim().split(" ")[2]);
    assertThat(maxHeap).isLessThan(HugeBodyMain.LENGTH / 2);
  }
}
