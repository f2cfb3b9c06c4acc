package dev.cachet.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The packaged jar, run as a newcomer runs it: {@code java -jar target/cachet-examples.jar}. It
 * proves the jar is self-contained, the demo holds end to end in a fresh JVM, and the proxy stops
 * cleanly on a signal.
 */
class JarIT {
  private static final Path JAR = Path.of("target", "cachet-examples.jar");

  private record Run(int status, String out, String err) {}

  private static List<String> command(String... args) {
    assertThat(JAR).exists();
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-jar");
    command.add(JAR.toString());
    command.addAll(List.of(args));
    return command;
  }

  private static Run java(String... args) throws IOException, InterruptedException {
    List<String> command = command(args);
    Path out = Files.createTempFile("demo-out", ".txt");
    Path err = Files.createTempFile("demo-err", ".txt");
    try {
      ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(out.toFile());
      pb.redirectError(err.toFile());
      pb.environment().put("NO_COLOR", "1");
      Process p = pb.start();
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("the jar did not finish within 120 s");
      }
      return new Run(
          p.exitValue(),
          Files.readString(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  @Test
  void demo_runsEndToEnd_andEveryStepHolds() throws Exception {
    Run run = java("demo");
    assertThat(run.status()).as(run.out() + run.err()).isZero();
    assertThat(run.out()).contains("Every step went as expected.").doesNotContain("!!");
  }

  @Test
  void noArguments_printUsage() throws Exception {
    Run run = java();
    assertThat(run.status()).isZero();
    assertThat(run.out()).startsWith("usage: java -jar cachet-examples.jar");
  }

  @Test
  void badArguments_exit2_withOneErrorLineAndNoStackTrace() throws Exception {
    Run run = java("proxy", "--origin", "ftp://example.com");
    assertThat(run.status()).isEqualTo(2);
    assertThat(run.err()).startsWith("error: ").contains("usage:").doesNotContain("\tat ");
  }

  @Test
  void proxy_servesUntilSigterm_thenStopsCleanly() throws Exception {
    String deadOrigin = "http://127.0.0.1:" + freePort();
    Path log = Files.createTempFile("proxy-out", ".txt");
    Process p =
        new ProcessBuilder(command("proxy", "--listen", "127.0.0.1:0", "--origin", deadOrigin))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    try {
      String banner = awaitLine(log, "Cachet proxy on ");
      assertThat(banner).startsWith("Cachet proxy on http://127.0.0.1:").endsWith("Ctrl-C to stop");
      String hostPort = banner.split(" ")[3].substring("http://".length());
      HttpResponse<String> r =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create("http://" + hostPort + "/")).build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).as("nothing listens at the origin: bad gateway").isEqualTo(502);
      p.destroy(); // SIGTERM, which runs the same shutdown hook as Ctrl-C
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
      String output = Files.readString(log, StandardCharsets.UTF_8);
      assertThat(output).contains("GET / 502", "Cachet proxy stopped.").doesNotContain("\tat ");
    } finally {
      p.destroyForcibly();
      Files.deleteIfExists(log);
    }
  }

  /** Waits up to 60 s for a line starting with {@code prefix} to appear in the file. */
  private static String awaitLine(Path file, String prefix) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        if (line.startsWith(prefix)) {
          return line;
        }
      }
      Thread.sleep(50); // polling a child process's output file; there is nothing to wait on
    }
    throw new AssertionError("no line starting with '" + prefix + "' within 60 s");
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
