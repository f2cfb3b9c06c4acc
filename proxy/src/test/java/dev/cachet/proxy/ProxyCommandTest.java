package dev.cachet.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ProxyCommandTest {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    return ProxyCommand.run(
        List.of(args),
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8),
        "cachet-proxy.jar");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "--origin|ftp://example.com",
        "--listen|nohostport",
        "--origin|http://127.0.0.1:9|--forwarded|sometimes",
        "--origin|http://127.0.0.1:9|--tls-cert|a.pem",
        "--origin|http://127.0.0.1:9|--cache|maybe",
        "--origin|http://127.0.0.1:9|--admin|99999",
        "--origin|http://127.0.0.1:9|--max-connections|0"
      })
  void badArguments_getOneErrorLineAndUsage_exit2(String joined) {
    assertThat(run(joined.split("\\|"))).isEqualTo(ProxyCommand.USAGE);
    String[] lines = err.toString(StandardCharsets.UTF_8).split("\n");
    assertThat(lines[0]).startsWith("error: ");
    assertThat(lines[1]).startsWith("usage: java -jar cachet-proxy.jar");
    assertThat(err.toString(StandardCharsets.UTF_8)).doesNotContain("Exception", "\tat ");
  }

  @Test
  void help_printsTheUsage() {
    assertThat(run("--help")).isEqualTo(ProxyCommand.OK);
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains("--admin", "--forwarded", "--tls-cert");
  }

  @Test
  void portInUse_isOneErrorLine_exit1() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      String address = "127.0.0.1:" + taken.getLocalPort();
      assertThat(run("--listen", address, "--origin", "http://127.0.0.1:9"))
          .isEqualTo(ProxyCommand.FAILED);
      assertThat(err.toString(StandardCharsets.UTF_8))
          .startsWith("error: cannot listen on " + address + ": ")
          .doesNotContain("\tat ");
      assertThat(err.toString(StandardCharsets.UTF_8).lines()).hasSize(1);
    }
  }
}
