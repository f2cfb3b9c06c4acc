package dev.cachet.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The demo end to end, in-process: it checks every step itself and reports by exit status. */
class DemoTest {
  @Test
  void story_everyStepGoesAsTold() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    int status = Demo.story(new PrintStream(bytes, true, StandardCharsets.UTF_8), Style.plain());
    String output = bytes.toString(StandardCharsets.UTF_8);
    assertThat(status).as(output).isZero();
    assertThat(output)
        .contains("Every step went as expected.", "Statistics: 18 requests")
        .doesNotContain("!!", "\u001b[");
    assertThat(output.lines().filter(l -> l.startsWith("    ok ")).count()).isEqualTo(18);
  }

  @Test
  void colour_onlyOnAConsoleWithAUsefulTermAndNoNoColor() {
    assertThat(Style.detect(true, Map.of("TERM", "xterm")).green("x")).contains("\u001b[32m");
    assertThat(Style.detect(false, Map.of("TERM", "xterm")).green("x")).isEqualTo("x");
    assertThat(Style.detect(true, Map.of("TERM", "dumb")).green("x")).isEqualTo("x");
    assertThat(Style.detect(true, Map.of()).green("x")).isEqualTo("x");
    assertThat(Style.detect(true, Map.of("TERM", "xterm", "NO_COLOR", "")).green("x"))
        .isEqualTo("x");
  }
}
