package dev.cachet.proxy;

import dev.cachet.engine.architecture.ArchitectureRules;
import org.junit.jupiter.api.Test;

/**
 * The proxy is a shell over the engine (DESIGN.md), held to the adapter's rules: small classes,
 * short parameter lists, core's states taken as the unions core gives (no casts), storages only
 * through the {@code Storage} SPI. A public class's Javadoc is its users' documentation, so the
 * size bound counts code lines only.
 */
class ProxyArchitectureTest {

  @Test
  void everySourceFile_staysWithinThreeHundredLinesOfCode() throws Exception {
    ArchitectureRules.assertEverySourceWithinCodeLines(300);
  }

  @Test
  void noCoreStateIsCast_andNoConcreteStorageIsTested() throws Exception {
    ArchitectureRules.assertNoCoreStateCastAndNoConcreteStorageTest();
  }

  @Test
  void noMethodOrConstructor_takesMoreThanFiveParameters() throws Exception {
    ArchitectureRules.assertParametersAtMost(ReverseProxy.class, 5);
  }
}
