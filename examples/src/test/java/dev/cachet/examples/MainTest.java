package dev.cachet.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MainTest {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    return Main.run(
        List.of(args),
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @Test
  void noArguments_printsUsage() {
    assertThat(run()).isEqualTo(Main.OK);
    assertThat(out.toString(StandardCharsets.UTF_8))
        .startsWith("usage: java -jar cachet-examples.jar")
        .contains("demo [URL]", "--listen HOST:PORT", "--origin URL", "--storage", "--max-bytes");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "frobnicate",
        "demo|a|b",
        "demo|ftp://example.com/",
        "demo|not a url",
        "proxy",
        "proxy|--origin",
        "proxy|--origin|ftp://example.com",
        "proxy|--origin|http://127.0.0.1:9|--listen|nohostport",
        "proxy|--origin|http://127.0.0.1:9|--listen|127.0.0.1:70000",
        "proxy|--origin|http://127.0.0.1:9|--max-bytes|lots",
        "proxy|--origin|http://127.0.0.1:9|--max-bytes|0",
        "proxy|--origin|http://127.0.0.1:9|--origin|http://127.0.0.1:9",
        "proxy|--origin|http://127.0.0.1:9|--colour|red",
        "proxy|--origin|http://127.0.0.1:9?q=1",
      })
  void badArguments_getOneErrorLineAndUsage_exit2(String joined) {
    assertThat(run(joined.split("\\|"))).isEqualTo(Main.USAGE);
    String[] lines = err.toString(StandardCharsets.UTF_8).split("\n");
    assertThat(lines[0]).startsWith("error: ");
    assertThat(lines[1]).startsWith("usage: ");
    assertThat(err.toString(StandardCharsets.UTF_8)).doesNotContain("Exception", "\tat ");
    assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
  }

  @Test
  void portInUse_isOneErrorLine_exit1() throws Exception {
    try (java.net.ServerSocket taken =
        new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      int status =
          run(
              "proxy",
              "--listen",
              "127.0.0.1:" + taken.getLocalPort(),
              "--origin",
              "http://127.0.0.1:9");
      assertThat(status).isEqualTo(Main.FAILED);
      assertThat(err.toString(StandardCharsets.UTF_8))
          .startsWith("error: cannot listen on")
          .doesNotContain("\tat ");
    }
  }

  @Test
  void bytes_areShownInTheLargestExactUnit() {
    assertThat(Main.bytes(64L << 20)).isEqualTo("64 MiB");
    assertThat(Main.bytes(3L << 30)).isEqualTo("3 GiB");
    assertThat(Main.bytes(2048)).isEqualTo("2 KiB");
    assertThat(Main.bytes(1536)).isEqualTo("1536 bytes");
  }
}
