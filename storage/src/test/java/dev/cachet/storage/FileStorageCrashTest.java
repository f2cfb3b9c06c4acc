package dev.cachet.storage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cachet.core.StoredPair;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
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
 * metadata). One kill in five is of a child starting on a new directory, at a random moment of its
 * first second, which may cut the creation of the store itself. The default run kills 50 times;
 * {@code -Dcachet.crash.kills=300} runs longer.
 *
 * <p>A failure names its seed and the kill it happened after, and keeps the directory as it was
 * found under {@code target/crash-<seed>-<kill>}; {@code -Dcachet.crash.seed=<seed>} replays the
 * same children, operations and delays (the moment a kill lands still depends on the machine).
 */
class FileStorageCrashTest {
  private static final int KILLS = Integer.getInteger("cachet.crash.kills", 50);

  @TempDir Path temp;

  @Test
  void sigkillAtRandomMoments_neverLeavesATornEntry() throws Exception {
    long seed = Long.getLong("cachet.crash.seed", System.nanoTime());
    Random random = new Random(seed);
    long[] checked = new long[2];
    int survived = 0;
    Path dir = temp.resolve("crash");
    for (int kill = 0; kill < KILLS; kill++) {
      boolean early = kill % 5 == 4;
      if (early) {
        // A new store, killed in its first moments: before, while or after it makes its marker.
        dir = temp.resolve("crash-" + kill);
      }
      long childSeed = random.nextLong();
      int delay = early ? random.nextInt(1000) : random.nextInt(500);
      try {
        killChild(dir, childSeed, kill % 2 == 0 ? "durable" : "fast", early, delay);
        checkAfterKill(dir, checked);
      } catch (Throwable t) {
        Path kept = Path.of("target", "crash-" + seed + "-" + kill).toAbsolutePath();
        copyTree(dir, kept);
        throw new AssertionError(
            String.format(
                "after SIGKILL %d (%s, delay %d ms) with seed %d; replay with"
                    + " -Dcachet.crash.seed=%d; the directory as found is in %s",
                kill, early ? "early, new store" : "writing", delay, seed, seed, kept),
            t);
      }
      survived++;
    }
    System.out.printf(
        "FileStorage survived %d SIGKILLs (seed %d): %d entries, %d body bytes checked%n",
        survived, seed, checked[0], checked[1]);
    assertThat(survived).isEqualTo(KILLS);
    assertThat(checked[0]).as("entries written before the kills").isPositive();
  }

  private static void killChild(Path dir, long seed, String mode, boolean early, int delay)
      throws Exception {
    Process child =
        ChildJvm.builder(
                CrashWriterMain.class,
                List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto"),
                dir.toString(),
                Long.toString(seed),
                mode)
            .start();
    try {
      if (early) {
        drainInBackground(child);
      } else {
        awaitReady(child);
      }
      Thread.sleep(delay);
    } finally {
      child.destroyForcibly();
      assertThat(child.waitFor(60, TimeUnit.SECONDS)).as("the child died").isTrue();
    }
  }

  /** Opens the directory as a fresh storage and checks every entry byte for byte. */
  private static void checkAfterKill(Path dir, long[] checked) throws IOException {
    if (!Files.exists(dir)) {
      return; // Killed before it made its directory.
    }
    try (Storage storage =
        FileStorage.newBuilder(dir).maximumBytes(CrashWriterMain.MAXIMUM_BYTES).build()) {
      try (Stream<Path> files = Files.walk(dir)) {
        assertThat(files.filter(f -> f.toString().endsWith(".tmp")))
            .as("temporary files after recovery")
            .isEmpty();
      }
      long metaFiles;
      try (Stream<Path> files = Files.walk(dir)) {
        metaFiles = files.filter(Files::isRegularFile).count() - 1; // but the marker
      }
      long found = 0;
      for (int k = 0; k < CrashWriterMain.KEYS; k++) {
        found += storage.find(CrashWriterMain.key(k)).size();
      }
      assertThat(found).as("entries found, one per entry file").isEqualTo(metaFiles);
      for (int k = 0; k < CrashWriterMain.KEYS; k++) {
        for (StoredPair p : storage.find(CrashWriterMain.key(k))) {
          long bodySeed = Long.parseLong(p.response().headers().firstValue("X-Seed").get());
          int length = Integer.parseInt(p.response().headers().firstValue("X-Length").get());
          Optional<byte[]> body = StorageContract.readChunks(storage, p);
          assertThat(body).as("body of %s", p.id()).isPresent();
          assertThat(body.get())
              .as("body of %s", p)
              .hasSize(length)
              .isEqualTo(StorageContract.bytes(length, bodySeed));
          checked[0]++;
          checked[1] += length;
        }
      }
      assertThat(storage.size()).isLessThanOrEqualTo(CrashWriterMain.MAXIMUM_BYTES);
    }
  }

  private static void drainInBackground(Process child) {
    Thread t =
        new Thread(
            () -> {
              try (InputStream in = child.getInputStream()) {
                in.transferTo(OutputStream.nullOutputStream());
              } catch (IOException ignored) {
                // The child was killed.
              }
            });
    t.setDaemon(true);
    t.start();
  }

  private static void copyTree(Path from, Path to) {
    if (!Files.exists(from)) {
      return;
    }
    try (Stream<Path> files = Files.walk(from)) {
      for (Path f : files.toList()) {
        Path target = to.resolve(from.relativize(f).toString());
        if (Files.isDirectory(f, LinkOption.NOFOLLOW_LINKS)) {
          Files.createDirectories(target);
        } else {
          Files.copy(f, target, LinkOption.NOFOLLOW_LINKS);
        }
      }
    } catch (IOException | RuntimeException e) {
      System.err.println("could not keep the crash directory " + from + ": " + e);
    }
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
