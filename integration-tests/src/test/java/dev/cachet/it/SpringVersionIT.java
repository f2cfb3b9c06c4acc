package dev.cachet.it;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.core.SpringVersion;

/**
 * The Spring tests run twice, on Spring 7 and on Spring 6.2 (see the module's pom): this shows each
 * run is on the Spring it claims, so a class-path mistake cannot pass as a second run.
 */
class SpringVersionIT {
  @Test
  void theSpringOnTheClassPath_isTheOneThisRunIsFor() {
    String expected = System.getProperty("expected.spring.version");

    assertThat(expected).as("set by the failsafe execution").isNotBlank();
    assertThat(SpringVersion.getVersion()).isEqualTo(expected);
  }
}
