package dev.cachet.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The packaged jar, run as a newcomer runs it: {@code java -jar target/cachet-examples.jar}. It
 * proves the jar is self-contained and the demo holds end to end in a fresh JVM.
 */
class DemoJarIT {
  private static final Path JAR = Path.of("target", "cachet-examples.jar");

  private record Run(int status, String out, String err) {}

  private static Run java(String... args) throws IOException, InterruptedException {
    assertThat(JAR).exists();
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-jar");
    command.add(JAR.toString());
    command.addAll(List.of(args));
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
}
