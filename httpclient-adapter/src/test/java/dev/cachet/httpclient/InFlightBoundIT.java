package dev.cachet.httpclient;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.ok;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;

/**
 * SEC-08: a hundred concurrent misses for 8 MB bodies, in a client JVM of 512 MiB with a 64 MiB
 * memory store. Bodies being stored count against the store's bound, so the heap holds; a write
 * that does not fit is given up, never the caller's body.
 */
class InFlightBoundIT {

  @Test
  void SEC_08_hundredConcurrent8MbMisses_allCompleteUnderASmallHeap() throws Exception {
    byte[] body = new byte[8_000_000];
    new Random(8).nextBytes(body);
    CRC32 crc = new CRC32();
    crc.update(body);
    // Enough server threads that all hundred responses stream at once.
    WireMockServer origin =
        new WireMockServer(
            WireMockConfiguration.options()
                .bindAddress("127.0.0.1")
                .dynamicPort()
                .containerThreads(160));
    origin.start();
    try {
      runChild(origin, body, crc.getValue());
    } finally {
      origin.stop();
    }
  }

  private static void runChild(WireMockServer origin, byte[] body, long crc) throws Exception {
    origin.stubFor(
        get(urlPathMatching("/big/.*"))
            .willReturn(ok().withBody(body).withHeader("Cache-Control", "public, max-age=600")));

    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx512m");
    command.add("-XX:+ExitOnOutOfMemoryError");
    command.add("-cp");
    command.add(classPath());
    command.add(InFlightBoundMain.class.getName());
    command.add(origin.baseUrl());
    command.add("100");
    command.add(Integer.toString(body.length));
    command.add(Long.toString(crc));
    Path log = Files.createTempFile("in-flight", ".txt");
    Process child =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    String output;
    try {
      boolean ended = child.waitFor(5, TimeUnit.MINUTES);
      output = Files.readString(log, StandardCharsets.UTF_8);
      assertThat(ended).as("the child did not end within 5 minutes: " + output).isTrue();
    } finally {
      child.destroyForcibly();
      Files.deleteIfExists(log);
    }

    assertThat(child.exitValue()).as(output).isZero();
    assertThat(output).contains("whole=100 of 100").contains("\nok");
  }

  /** This JVM's class and module paths, and where this module's classes are. */
  private static String classPath() throws Exception {
    List<String> entries = new ArrayList<>();
    for (Class<?> c : List.of(CachingHttpClient.class, InFlightBoundMain.class)) {
      entries.add(
          Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString());
    }
    for (String property : List.of("jdk.module.path", "java.class.path")) {
      String value = System.getProperty(property);
      if (value != null && !value.isEmpty()) {
        entries.add(value);
      }
    }
    return String.join(File.pathSeparator, entries);
  }
}
