package dev.cachet.storage.redis;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The fallback that lets {@code ./mvnw verify} run the Redis tests on a machine with only a JDK: a
 * redis-server from the test-scoped embedded-redis jar. Checked even where a redis-server is on the
 * PATH (and so used by the other tests), so that CI shows the fallback works.
 */
class RedisServerTest {
  @Test
  void theBundledServer_forThisPlatform_isCopiedOut_andRuns() throws Exception {
    Optional<Path> bundled = RedisServer.bundledBinary();

    assertThat(bundled)
        .as("a bundled redis-server for " + RedisServer.platform())
        .hasValueSatisfying(p -> assertThat(Files.isExecutable(p)).isTrue());
    Process version =
        new ProcessBuilder(bundled.get().toString(), "--version").redirectErrorStream(true).start();
    String out = new String(version.getInputStream().readAllBytes(), US_ASCII);
    assertThat(version.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(version.exitValue()).isZero();
    assertThat(out).startsWith("Redis server v=6.2");
  }
}
