package dev.cachet.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
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
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
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

  /** Regression: the address was printed as InetSocketAddress.toString(), "/127.0.0.1:27080". */
  @Test
  void portInUse_namesTheAddressAsTyped_withoutAStraySlash() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      String address = "127.0.0.1:" + taken.getLocalPort();

      run("proxy", "--listen", address, "--origin", "http://127.0.0.1:9");

      assertThat(err.toString(StandardCharsets.UTF_8))
          .startsWith("error: cannot listen on " + address + ": ")
          .doesNotContain("/127.0.0.1");
    }
  }

  /** Regression: a refused connection printed "error: null" (the JDK's message is null). */
  @Test
  void demoOfAnUnreachableUrl_saysWhyInOneLine_exit1() throws Exception {
    int closed;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closed = s.getLocalPort();
    }

    int status = run("demo", "http://127.0.0.1:" + closed + "/");

    assertThat(status).isEqualTo(Main.FAILED);
    String error = err.toString(StandardCharsets.UTF_8);
    assertThat(error).startsWith("error: ").doesNotContain("null", "\tat ");
    assertThat(error.lines()).hasSize(1);
    assertThat(error).contains("http://127.0.0.1:" + closed + "/").contains("cannot connect");
  }

  /** Regression: a storage directory that cannot be made printed only its path. */
  @Test
  void proxyWithAnUnusableStorageDirectory_saysWhatAndWhy_exit1(@TempDir Path dir)
      throws Exception {
    Path file = Files.writeString(dir.resolve("a-file"), "not a directory");
    Path storage = file.resolve("cache");

    int status = run("proxy", "--origin", "http://127.0.0.1:9", "--storage", storage.toString());

    assertThat(status).isEqualTo(Main.FAILED);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .startsWith("error: cannot keep the cache in " + storage + ": ")
        .containsAnyOf("not a directory", "Not a directory", "FileSystemException")
        .doesNotContain("\tat ");
  }

  @Test
  void bytes_areShownInTheLargestExactUnit() {
    assertThat(Main.bytes(64L << 20)).isEqualTo("64 MiB");
    assertThat(Main.bytes(3L << 30)).isEqualTo("3 GiB");
    assertThat(Main.bytes(2048)).isEqualTo("2 KiB");
    assertThat(Main.bytes(1536)).isEqualTo("1536 bytes");
  }
}
