package dev.cachet.storage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cachet.core.StoredPair;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a child JVM that writes to a {@link FileStorage} with SIGKILL at random moments, over and
 * over; after each kill a fresh storage opens the directory, and every entry it returns must have
 * the complete body its headers describe (whose CRC32C the storage also checks against the
 * metadata). The default run kills 50 times; {@code -Dcachet.crash.kills=1000} runs longer.
 */
class FileStorageCrashTest {
  private static final int KILLS = Integer.getInteger("cachet.crash.kills", 50);

  @TempDir Path temp;

  @Test
  void sigkillAtRandomMoments_neverLeavesATornEntry() throws Exception {
    Path dir = temp.resolve("crash");
    long seed = Long.getLong("cachet.crash.seed", System.nanoTime());
    Random random = new Random(seed);
    long entriesChecked = 0;
    long bytesChecked = 0;
    int survived = 0;
    for (int kill = 0; kill < KILLS; kill++) {
      Process child =
          ChildJvm.builder(
                  CrashWriterMain.class,
                  List.of(
                      "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto"),
                  dir.toString(),
                  Long.toString(random.nextLong()),
                  kill % 2 == 0 ? "durable" : "fast")
              .start();
      try {
        awaitReady(child);
        Thread.sleep(random.nextInt(500));
      } finally {
        child.destroyForcibly();
        assertThat(child.waitFor(60, TimeUnit.SECONDS)).as("the child died").isTrue();
      }

      try (Storage storage =
          FileStorage.newBuilder(dir).maximumBytes(CrashWriterMain.MAXIMUM_BYTES).build()) {
        try (Stream<Path> files = Files.walk(dir)) {
          assertThat(files.filter(f -> f.toString().endsWith(".tmp")))
              .as("temporary files after recovery, seed %d", seed)
              .isEmpty();
        }
        long metaFiles;
        long bodyFiles;
        try (Stream<Path> files = Files.walk(dir)) {
          metaFiles = files.filter(f -> f.toString().endsWith(".json")).count();
        }
        try (Stream<Path> files = Files.walk(dir)) {
          bodyFiles = files.filter(f -> f.toString().endsWith(".body")).count();
        }
        assertThat(bodyFiles)
            .as("body files after recovery, one per metadata file, seed %d", seed)
            .isEqualTo(metaFiles);
        long found = 0;
        for (int k = 0; k < CrashWriterMain.KEYS; k++) {
          found += storage.find(CrashWriterMain.key(k)).size();
        }
        assertThat(found)
            .as("entries found, one per metadata file, seed %d", seed)
            .isEqualTo(metaFiles);
        for (int k = 0; k < CrashWriterMain.KEYS; k++) {
          for (StoredPair p : storage.find(CrashWriterMain.key(k))) {
            long bodySeed = Long.parseLong(p.response().headers().firstValue("X-Seed").get());
            int length = Integer.parseInt(p.response().headers().firstValue("X-Length").get());
            Optional<byte[]> body = StorageContract.readChunks(storage, p);
            assertThat(body).as("body of %s, seed %d", p.id(), seed).isPresent();
            assertThat(body.get())
                .as("body of %s after kill %d, seed %d", p, kill, seed)
                .hasSize(length)
                .isEqualTo(StorageContract.bytes(length, bodySeed));
            entriesChecked++;
            bytesChecked += length;
          }
        }
        assertThat(storage.size()).isLessThanOrEqualTo(CrashWriterMain.MAXIMUM_BYTES);
      }
      survived++;
    }
    System.out.printf(
        "FileStorage survived %d SIGKILLs (seed %d): %d entries, %d body bytes checked%n",
        survived, seed, entriesChecked, bytesChecked);
    assertThat(survived).isEqualTo(KILLS);
    assertThat(entriesChecked).as("entries written before the kills").isPositive();
  }

  private static void awaitReady(Process child) throws IOException {
    BufferedReader out =
        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
    StringBuilder seen = new StringBuilder();
    for (String line = out.readLine(); line != null; line = out.readLine()) {
      if (line.equals("ready")) {
        return;
      }
      seen.append(line).append('\n');
    }
    throw new AssertionError("the child ended before it was ready:\n" + seen);
  }
}
